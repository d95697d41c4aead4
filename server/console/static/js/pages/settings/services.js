// 设置 › 业务: the hall's services, their hours, daily limit, targets and 事项编码.
import { html, useState } from "../../../vendor/preact-htm-3.1.1.js";
import { ApiError, get, patch, post } from "../../api.js";
import { T } from "../../texts.js";
import { ErrorBox, Field, FormMessages, useForm, useLoad } from "../../ui.js";
import { FormCard, S } from "./shared.js";

// "09:00-12:00, 13:30-17:00" <-> [["09:00","12:00"],["13:30","17:00"]]
export function parseHours(text) {
  const clean = text.replace(/，/g, ",").replace(/[－—–~～至]/g, "-").trim();
  if (!clean) return [];
  return clean.split(/[,;；\s]+/).filter(Boolean).map((part) => {
    const m = part.match(/^(\d{1,2}:\d{2})-(\d{1,2}:\d{2})$/);
    if (!m) throw new Error(S.service.hoursHint);
    return [m[1].padStart(5, "0"), m[2].padStart(5, "0")];
  });
}

function hoursText(hours) {
  return (hours || []).map(([a, b]) => `${a}-${b}`).join(", ");
}

function serviceBody(v) {
  let hours;
  try {
    hours = parseHours(v.hours);
  } catch (err) {
    const e = new Error(err.message);
    e.fields = { hours: T.badHours(err.message) };
    throw e;
  }
  return {
    name: v.name.trim(),
    prefix: v.prefix.trim().toUpperCase(),
    hours,
    daily_limit: String(v.daily_limit).trim() === "" ? null : Number(v.daily_limit),
    target_wait_minutes: Number(v.target_wait_minutes),
    target_handle_minutes: Number(v.target_handle_minutes),
    enabled: !!v.enabled,
    item_code: String(v.item_code ?? "").trim() || null,
    common: !!v.common,
  };
}

// Client-side problems (hours) shown like the server's: next to the field.
async function withLocalErrors(fn) {
  try {
    return await fn();
  } catch (err) {
    if (err.fields && !(err instanceof ApiError)) {
      const apiErr = new ApiError(422, { detail: err.message, code: "invalid_input" });
      apiErr.fields = err.fields;
      throw apiErr;
    }
    throw err;
  }
}

const SERVICE_FIELDS = { already_exists: "prefix", invalid_input: "hours" };

function ServiceFields({ form }) {
  const { values, set, errors } = form;
  return html`
    <${Field} label=${S.service.name} name="name" error=${errors.name}>
      <input name="name" value=${values.name} onInput=${set("name")} style="width:150px" /><//>
    <${Field} label=${S.service.prefix} name="prefix" error=${errors.prefix}>
      <input name="prefix" value=${values.prefix} onInput=${set("prefix")} style="width:64px" /><//>
    <${Field} label=${S.service.hours} name="hours" error=${errors.hours} hint=${S.service.hoursHint}>
      <input name="hours" value=${values.hours} onInput=${set("hours")} style="width:210px" /><//>
    <${Field} label=${S.service.limit} name="daily_limit" error=${errors.daily_limit} hint=${S.service.limitHint}>
      <input name="daily_limit" type="number" min="1" value=${values.daily_limit} onInput=${set("daily_limit")} style="width:90px" /><//>
    <${Field} label=${S.service.targetWait} name="target_wait_minutes" error=${errors.target_wait_minutes}>
      <input name="target_wait_minutes" type="number" min="1" value=${values.target_wait_minutes} onInput=${set("target_wait_minutes")} style="width:90px" /><//>
    <${Field} label=${S.service.targetHandle} name="target_handle_minutes" error=${errors.target_handle_minutes}>
      <input name="target_handle_minutes" type="number" min="1" value=${values.target_handle_minutes} onInput=${set("target_handle_minutes")} style="width:90px" /><//>
    <${Field} label=${S.service.itemCode} name="item_code" error=${errors.item_code} hint=${S.service.itemCodeHint}>
      <input name="item_code" value=${values.item_code ?? ""} onInput=${set("item_code")} style="width:160px" /><//>
    <${Field} label=${S.service.enabled} name="enabled" check=${true}>
      <input name="enabled" type="checkbox" checked=${values.enabled} onChange=${set("enabled")} /><//>
    <${Field} label=${S.service.common} name="common" check=${true} hint=${S.service.commonHint}>
      <input name="common" type="checkbox" checked=${!!values.common} onChange=${set("common")} /><//>`;
}

export function Services({ hall }) {
  const [services, error, reload] = useLoad(() => get("/admin/services", { hall_id: hall.id }), [hall.id]);
  const [editing, setEditing] = useState(null);
  const blank = { name: "", prefix: "", hours: "", daily_limit: "", target_wait_minutes: 20, target_handle_minutes: 15, enabled: true, item_code: "", common: false };
  const form = useForm(blank);
  const create = (e) =>
    form.submit(e, {
      required: ["name", "prefix"],
      run: (v) => withLocalErrors(() => post("/admin/services", { hall_id: hall.id, ...serviceBody(v) })),
      fieldFor: SERVICE_FIELDS,
      done: () => {
        form.setValues(blank);
        reload();
      },
    });
  return html`
    <section class="card">
      <${ErrorBox} error=${error} />
      <table id="service-list">
        <thead><tr><th>${S.service.prefix}</th><th>${S.service.name}</th><th>${S.service.hours}</th>
          <th class="n">${S.service.limit}</th><th class="n">${S.service.targetWait}</th><th class="n">${S.service.targetHandle}</th><th>${T.overview.state}</th><th></th></tr></thead>
        <tbody>${(services || []).map((s) => editing === s.id
          ? html`<tr key=${s.id}><td colspan="8"><${ServiceEdit} service=${s} done=${() => { setEditing(null); reload(); }} /></td></tr>`
          : html`<tr key=${s.id} data-service=${s.id}><td><b>${s.prefix}</b></td><td>${s.name}${s.item_code ? html`<div class="small muted item-code">${S.service.itemCode} ${s.item_code}</div>` : null}</td>
            <td>${hoursText(s.hours) || S.service.allDay}</td><td class="n">${s.daily_limit ?? T.unlimited}</td>
            <td class="n">${s.target_wait_minutes}</td><td class="n">${s.target_handle_minutes}</td>
            <td>${s.enabled ? html`<span class="badge ok">${S.service.enabled}</span>` : html`<span class="badge idle">${S.service.disabled}</span>`}
              ${s.common ? html` <span class="badge ok common">${S.service.common}</span>` : null}</td>
            <td><button class="secondary" onClick=${() => setEditing(s.id)}>${T.edit}</button></td></tr>`)}
        </tbody>
      </table>
    </section>
    <${FormCard} id="service-form" title=${S.service.create} form=${form} save=${create} button=${T.create}>
      <${ServiceFields} form=${form} />
    <//>`;
}

function ServiceEdit({ service, done }) {
  const form = useForm({ ...service, hours: hoursText(service.hours), daily_limit: service.daily_limit ?? "", item_code: service.item_code ?? "" });
  const save = (e) =>
    form.submit(e, {
      required: ["name", "prefix"],
      run: (v) => withLocalErrors(() => patch(`/admin/services/${service.id}`, serviceBody(v))),
      fieldFor: SERVICE_FIELDS,
      done,
    });
  return html`<form class="inline" onSubmit=${save} novalidate>
    <${ServiceFields} form=${form} />
    <button type="submit" disabled=${form.busy}>${T.save}</button>
    <button type="button" class="secondary" onClick=${done}>${T.cancel}</button>
  </form><${FormMessages} form=${form} />`;
}
