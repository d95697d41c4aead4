// 设置 › 窗口: the hall's windows and the services each serves, in its order.
import { html, useState } from "../../../vendor/preact-htm-3.1.1.js";
import { get, patch, post } from "../../api.js";
import { T } from "../../texts.js";
import { ErrorBox, Field, FormMessages, useForm, useLoad } from "../../ui.js";
import { FormCard, S, textField } from "./shared.js";

function ServicePicker({ services, chosen, onChange }) {
  const toggle = (id) => onChange(chosen.includes(id) ? chosen.filter((x) => x !== id) : [...chosen, id]);
  return html`<span class="actions" style="align-items:center">
    ${services.map((s) => html`<label class="field check" key=${s.id}>
      <input type="checkbox" name=${`svc-${s.prefix}`} checked=${chosen.includes(s.id)} onChange=${() => toggle(s.id)} />
      <span>${s.name}${chosen.includes(s.id) ? `（${chosen.indexOf(s.id) + 1}）` : ""}</span></label>`)}
  </span>`;
}

export function Windows({ hall }) {
  const [data, error, reload] = useLoad(
    () => Promise.all([get("/admin/windows", { hall_id: hall.id }), get("/admin/services", { hall_id: hall.id })]),
    [hall.id],
  );
  const [editing, setEditing] = useState(null);
  const form = useForm({ number: "", service_ids: [] });
  const [windows, services] = data || [[], []];
  const names = new Map(services.map((s) => [s.id, s.name]));
  const create = (e) =>
    form.submit(e, {
      required: ["number"],
      run: (v) => post("/admin/windows", { hall_id: hall.id, number: v.number.trim(), service_ids: v.service_ids }),
      fieldFor: { already_exists: "number", invalid_input: "service_ids" },
      done: () => {
        form.setValues({ number: "", service_ids: [] });
        reload();
      },
    });
  return html`
    <section class="card">
      <${ErrorBox} error=${error} />
      <table id="window-list">
        <thead><tr><th>${S.window.number}</th><th>${S.window.services}</th><th>${S.window.state}</th><th></th></tr></thead>
        <tbody>${windows.map((w) => editing === w.id
          ? html`<tr key=${w.id}><td colspan="4"><${WindowEdit} window=${w} services=${services} done=${() => { setEditing(null); reload(); }} /></td></tr>`
          : html`<tr key=${w.id} data-window=${w.id}><td><b>${T.windowNo(w.number)}</b></td>
            <td>${w.service_ids.map((id) => names.get(id) || id).join(" → ") || T.none}</td>
            <td>${T.overview.windowState[w.state] || w.state}</td>
            <td><button class="secondary" onClick=${() => setEditing(w.id)}>${T.edit}</button></td></tr>`)}
        </tbody>
      </table>
    </section>
    <${FormCard} id="window-form" title=${S.window.create} form=${form} save=${create} button=${T.create}>
      ${textField(form, "number", S.window.number, 90)}
      <${Field} label=${S.window.services} name="service_ids" error=${form.errors.service_ids} hint=${S.window.pickHint}>
        <${ServicePicker} services=${services} chosen=${form.values.service_ids}
          onChange=${(ids) => form.setValues((v) => ({ ...v, service_ids: ids }))} /><//>
    <//>`;
}

function WindowEdit({ window: w, services, done }) {
  const form = useForm({ number: w.number, service_ids: w.service_ids });
  const save = (e) =>
    form.submit(e, {
      required: ["number"],
      run: (v) => patch(`/admin/windows/${w.id}`, { number: v.number.trim(), service_ids: v.service_ids }),
      fieldFor: { already_exists: "number", invalid_input: "service_ids" },
      done,
    });
  return html`<form class="inline" onSubmit=${save} novalidate>
    <${Field} label=${S.window.number} name="number" error=${form.errors.number}>
      <input value=${form.values.number} onInput=${form.set("number")} style="width:90px" /><//>
    <${Field} label=${S.window.services} name="service_ids" error=${form.errors.service_ids} hint=${S.window.pickHint}>
      <${ServicePicker} services=${services} chosen=${form.values.service_ids}
        onChange=${(ids) => form.setValues((v) => ({ ...v, service_ids: ids }))} /><//>
    <button type="submit" disabled=${form.busy}>${T.save}</button>
    <button type="button" class="secondary" onClick=${done}>${T.cancel}</button>
  </form><${FormMessages} form=${form} />`;
}
