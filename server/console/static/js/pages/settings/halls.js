// 设置 › 大厅: the halls (a deployment admin creates them), each one's name and time zone;
// the chosen hall's rules below them (hall_rules.js).
import { html, useState } from "../../../vendor/preact-htm-3.1.1.js";
import { patch, post } from "../../api.js";
import { T } from "../../texts.js";
import { Field, FormMessages, pickHall, useForm } from "../../ui.js";
import { FormCard, S, textField } from "./shared.js";

export function Halls({ user, halls }) {
  const form = useForm({ code: "", name: "", timezone: "Asia/Shanghai" });
  const deploymentAdmin = user.hall_id === null;
  const create = (e) =>
    form.submit(e, {
      required: ["code", "name"],
      run: (v) => post("/admin/halls", { code: v.code.trim(), name: v.name.trim(), timezone: v.timezone.trim() }),
      fieldFor: { already_exists: "code", invalid_input: "timezone" },
      done: (created) => pickHall(created.id),
    });
  return html`
    <section class="card">
      <table id="hall-list">
        <thead><tr><th>${S.hall.code}</th><th>${S.hall.name}</th><th>${S.hall.timezone}</th><th></th></tr></thead>
        <tbody>${halls.map((h) => html`<${HallRow} key=${h.id} hall=${h} />`)}</tbody>
      </table>
    </section>
    ${deploymentAdmin ? html`
    <${FormCard} id="hall-form" title=${S.hall.create} form=${form} save=${create} button=${T.create}>
      ${textField(form, "code", S.hall.code, 110)}
      ${textField(form, "name", S.hall.name, 260)}
      ${textField(form, "timezone", S.hall.timezone, 160)}
    <//>` : null}
  `;
}

function HallRow({ hall }) {
  const [editing, setEditing] = useState(false);
  const form = useForm({ name: hall.name, timezone: hall.timezone });
  const save = (e) =>
    form.submit(e, {
      required: ["name", "timezone"],
      run: (v) => patch(`/admin/halls/${hall.id}`, { name: v.name.trim(), timezone: v.timezone.trim() }),
      fieldFor: { invalid_input: "timezone" },
      done: () => location.reload(),
    });
  if (!editing) {
    return html`<tr data-hall=${hall.id}><td>${hall.code}</td><td>${hall.name}</td><td>${hall.timezone}</td>
      <td class="actions"><button class="secondary" onClick=${() => pickHall(hall.id)}>${T.hallPick}</button>
      <button class="secondary" onClick=${() => setEditing(true)}>${T.edit}</button></td></tr>`;
  }
  return html`<tr data-hall=${hall.id}><td>${hall.code}</td>
    <td><${Field} label=${S.hall.name} name="name" error=${form.errors.name}>
      <input value=${form.values.name} onInput=${form.set("name")} /><//></td>
    <td><${Field} label=${S.hall.timezone} name="timezone" error=${form.errors.timezone}>
      <input value=${form.values.timezone} onInput=${form.set("timezone")} /><//></td>
    <td class="actions"><button onClick=${save} disabled=${form.busy}>${T.save}</button>
      <button class="secondary" onClick=${() => setEditing(false)}>${T.cancel}</button>
      <${FormMessages} form=${form} /></td></tr>`;
}
