// What the 设置 tabs share: their texts, a card of one form, a text box, a number box and a
// checkbox bound to a form, and the error of an action on one row of a list.
import { html, useState } from "../../../vendor/preact-htm-3.1.1.js";
import { T } from "../../texts.js";
import { Field, FormMessages } from "../../ui.js";

export const S = T.settings;

// Sets a checkbox's field of `form` (useForm) from its change event.
export const checked = (form, name) => (e) => form.setValues({ ...form.values, [name]: e.target.checked });

export const numberBox = (form, name, min, max, width = 80) => html`<input type="number" min=${min} max=${max}
  name=${name} value=${form.values[name]} onInput=${form.set(name)} style=${`width:${width}px`} />`;

// A labelled text box of `form` (useForm), its error under it.
export const textField = (form, name, label, width) => html`<${Field} label=${label} name=${name} error=${form.errors[name]}>
  <input name=${name} value=${form.values[name]} onInput=${form.set(name)} style=${`width:${width}px`} /><//>`;

// A card with one form in a line: its fields, the submit button (保存 unless told), a hint
// under them, and the form's messages. The hall's rules and each tab's 新建 use it.
export function FormCard({ id, title, form, save, button = T.save, hint, children }) {
  return html`
    <section class="card">
      <h2>${title}</h2>
      <form class="inline" id=${id} onSubmit=${save} novalidate>
        ${children}
        <button type="submit" disabled=${form.busy}>${button}</button>
      </form>
      ${hint ? html`<p class="small muted">${hint}</p>` : null}
      <${FormMessages} form=${form} />
    </section>`;
}

// [error, act]: act(fn) clears the error, runs fn (e.g. a PATCH then a reload) and keeps
// the server's refusal to show above the list.
export function useRowAction() {
  const [error, setError] = useState(null);
  const act = async (fn) => {
    setError(null);
    try {
      await fn();
    } catch (err) {
      setError(err);
    }
  };
  return [error, act];
}
