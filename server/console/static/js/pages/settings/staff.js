// 设置 › 人员: the hall's staff; an account is deactivated (never deleted) or given a new
// first password.
import { html, useState } from "../../../vendor/preact-htm-3.1.1.js";
import { get, patch, post } from "../../api.js";
import { T } from "../../texts.js";
import { ErrorBox, Field, FormMessages, useForm, useLoad } from "../../ui.js";
import { FormCard, S, textField, useRowAction } from "./shared.js";

export function Staff({ hall }) {
  const [staff, error, reload] = useLoad(() => get("/admin/staff", { hall_id: hall.id }), [hall.id]);
  const form = useForm({ staff_no: "", name: "", role: "window", password: "" });
  const [rowError, act] = useRowAction();
  const [resetting, setResetting] = useState(null);
  const create = (e) =>
    form.submit(e, {
      required: ["staff_no", "name", "password"],
      run: (v) => post("/admin/staff", { staff_no: v.staff_no.trim(), name: v.name.trim(), role: v.role, password: v.password, hall_id: hall.id }),
      fieldFor: { already_exists: "staff_no", invalid_input: "password" },
      done: () => {
        form.setValues({ staff_no: "", name: "", role: "window", password: "" });
        reload();
      },
    });
  const setActive = (s, active) =>
    act(async () => {
      await patch(`/admin/staff/${s.id}`, { active });
      reload();
    });
  return html`
    <section class="card">
      <${ErrorBox} error=${error || rowError} />
      <table id="staff-list">
        <thead><tr><th>${S.staff.staffNo}</th><th>${S.staff.name}</th><th>${S.staff.role}</th><th>${T.overview.state}</th><th></th></tr></thead>
        <tbody>${(staff || []).map((s) => html`
          <tr key=${s.id} data-staff=${s.staff_no}><td>${s.staff_no}</td><td>${s.name}</td><td>${T.roles[s.role]}</td>
            <td>${s.active ? html`<span class="badge ok">${S.staff.active}</span>` : html`<span class="badge idle">${S.staff.inactive}</span>`}
              ${s.must_change_password ? html` <span class="badge warn must-change">${S.staff.mustChange}</span>` : null}</td>
            <td class="actions">
              ${s.active
                ? html`<button class="danger deactivate" onClick=${() => setActive(s, false)}>${S.staff.deactivate}</button>`
                : html`<button class="secondary activate" onClick=${() => setActive(s, true)}>${S.staff.activate}</button>`}
              <button class="secondary reset" onClick=${() => setResetting(s.id)}>${S.staff.reset}</button>
              ${resetting === s.id ? html`<${ResetPassword} staff=${s} done=${() => setResetting(null)} />` : null}
            </td></tr>`)}
        </tbody>
      </table>
    </section>
    <${FormCard} id="staff-form" title=${S.staff.create} form=${form} save=${create} button=${T.create}>
      ${textField(form, "staff_no", S.staff.staffNo, 110)}
      ${textField(form, "name", S.staff.name, 120)}
      <${Field} label=${S.staff.role} name="role" error=${form.errors.role}>
        <select name="role" value=${form.values.role} onChange=${form.set("role")}>
          ${["window", "supervisor", "admin"].map((r) => html`<option value=${r}>${T.roles[r]}</option>`)}
        </select><//>
      <${Field} label=${S.staff.password} name="password" error=${form.errors.password}>
        <input name="password" type="password" autocomplete="new-password" value=${form.values.password} onInput=${form.set("password")} style="width:150px" /><//>
    <//>`;
}

function ResetPassword({ staff, done }) {
  const form = useForm({ password: "" });
  const save = (e) =>
    form.submit(e, {
      required: ["password"],
      run: (v) => patch(`/admin/staff/${staff.id}`, { password: v.password }),
      fieldFor: { invalid_input: "password" },
      done: () => form.setOk(`${T.saved}${S.staff.resetHint}`),
    });
  return html`<form class="inline" onSubmit=${save} novalidate>
    <${Field} label=${S.staff.newPassword} name="password" error=${form.errors.password}>
      <input type="password" autocomplete="new-password" value=${form.values.password} onInput=${form.set("password")} style="width:150px" /><//>
    <button type="submit" disabled=${form.busy}>${T.save}</button>
    <button type="button" class="secondary" onClick=${done}>${T.close}</button>
    <${FormMessages} form=${form} />
  </form>`;
}
