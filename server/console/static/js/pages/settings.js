// 设置 (admins): halls, services, windows, staff, devices and the hall notice, all through
// the same /api/v1/admin routes as `govqueue admin` and any other client.
import { html, useEffect, useState } from "../../vendor/preact-htm-3.1.1.js";
import { ApiError, del, get, patch, post, put } from "../api.js";
import { deviceState } from "../devices.js";
import * as fmt from "../fmt.js";
import { T } from "../texts.js";
import { ErrorBox, Field, FormMessages, pickHall, useForm, useLoad } from "../ui.js";
import { AppointmentSettings } from "./appointment_settings.js";
import { Maintenance } from "./maintenance.js";

const S = T.settings;
const TABS = ["halls", "services", "windows", "staff", "devices", "notice", "appointments", "maintenance"];

export function SettingsPage({ user, hall, halls }) {
  const initial = new URLSearchParams(location.search).get("tab");
  const [tab, setTab] = useState(TABS.includes(initial) ? initial : hall ? "services" : "halls");
  if (user.role !== "admin") return html`<p class="form-error">${S.adminOnly}</p>`;
  const needsHall = tab !== "halls" && tab !== "maintenance" && !hall;
  return html`
    <h1>${S.title}${hall ? ` · ${hall.name}` : ""}</h1>
    <div class="tabs" role="tablist">
      ${TABS.map((t) => html`<button role="tab" id=${`tab-${t}`} class=${t === tab ? "on" : ""}
        onClick=${() => setTab(t)}>${S.tabs[t]}</button>`)}
    </div>
    ${needsHall ? html`<p class="muted">${halls.length ? T.pickHallFirst : T.noHalls}</p>` : null}
    ${tab === "halls" ? html`<${Halls} user=${user} halls=${halls} />` : null}
    ${tab === "halls" && hall ? html`<${HallRules} hall=${hall} />` : null}
    ${tab === "halls" && hall ? html`<${LoopRules} hall=${hall} />` : null}
    ${tab === "halls" && hall ? html`<${ElderlyRules} hall=${hall} />` : null}
    ${tab === "halls" && hall ? html`<${PhoneRules} hall=${hall} />` : null}
    ${tab === "services" && hall ? html`<${Services} hall=${hall} />` : null}
    ${tab === "windows" && hall ? html`<${Windows} hall=${hall} />` : null}
    ${tab === "staff" && hall ? html`<${Staff} hall=${hall} user=${user} />` : null}
    ${tab === "devices" && hall ? html`<${Devices} hall=${hall} />` : null}
    ${tab === "notice" && hall ? html`<${Notice} hall=${hall} />` : null}
    ${tab === "appointments" && hall ? html`<${AppointmentSettings} hall=${hall} />` : null}
    ${tab === "maintenance" ? html`<${Maintenance} />` : null}
  `;
}

// --- halls ------------------------------------------------------------------------------

function Halls({ user, halls }) {
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
    <section class="card">
      <h2>${S.hall.create}</h2>
      <form class="inline" id="hall-form" onSubmit=${create} novalidate>
        <${Field} label=${S.hall.code} name="code" error=${form.errors.code}>
          <input name="code" value=${form.values.code} onInput=${form.set("code")} style="width:110px" />
        <//>
        <${Field} label=${S.hall.name} name="name" error=${form.errors.name}>
          <input name="name" value=${form.values.name} onInput=${form.set("name")} style="width:260px" />
        <//>
        <${Field} label=${S.hall.timezone} name="timezone" error=${form.errors.timezone}>
          <input name="timezone" value=${form.values.timezone} onInput=${form.set("timezone")} style="width:160px" />
        <//>
        <button type="submit" disabled=${form.busy}>${T.create}</button>
      </form>
      <${FormMessages} form=${form} />
    </section>` : null}
  `;
}

// The hall's rules: how long the QR page takes a rating, when a pause is an alert, and
// whether windows may put a no-show back in the queue (the ticket's footer says which).
function HallRules({ hall }) {
  const R = S.hall.rules;
  const form = useForm({
    rating_window_days: String(hall.rating_window_days ?? 7),
    pause_alert_minutes: String(hall.pause_alert_minutes ?? 15),
    no_show_requeue: hall.no_show_requeue !== false,
  });
  const save = (e) =>
    form.submit(e, {
      required: ["rating_window_days", "pause_alert_minutes"],
      run: (v) => patch(`/admin/halls/${hall.id}`, {
        rating_window_days: Number(v.rating_window_days),
        pause_alert_minutes: Number(v.pause_alert_minutes),
        no_show_requeue: Boolean(v.no_show_requeue),
      }),
    });
  return html`
    <section class="card">
      <h2>${R.title}</h2>
      <form class="inline" id="hall-rules" onSubmit=${save} novalidate>
        <${Field} label=${R.ratingDays} name="rating_window_days" error=${form.errors.rating_window_days} hint=${R.ratingHint}>
          <input type="number" min="1" max="90" name="rating_window_days" value=${form.values.rating_window_days}
            onInput=${form.set("rating_window_days")} style="width:90px" /><//>
        <${Field} label=${R.pauseMinutes} name="pause_alert_minutes" error=${form.errors.pause_alert_minutes}>
          <input type="number" min="1" max="480" name="pause_alert_minutes" value=${form.values.pause_alert_minutes}
            onInput=${form.set("pause_alert_minutes")} style="width:90px" /><//>
        <label class="check"><input type="checkbox" name="no_show_requeue" checked=${form.values.no_show_requeue}
          onChange=${(e) => form.setValues({ ...form.values, no_show_requeue: e.target.checked })} /> ${R.requeue}</label>
        <button type="submit" disabled=${form.busy}>${T.save}</button>
      </form>
      <p class="small muted">${R.requeueHint}</p>
      <${FormMessages} form=${form} />
    </section>`;
}

// 适老化 (issue 29): kiosks in 长辈版, 绿色通道 calls said twice, the 导办 desk (呼叫帮办).
function ElderlyRules({ hall }) {
  const E = S.hall.elderly;
  const [windows] = useLoad(() => get("/admin/windows", { hall_id: hall.id }), [hall.id]);
  const form = useForm({
    kiosk_elderly: !!hall.kiosk_elderly,
    repeat_priority_calls: !!hall.repeat_priority_calls,
    guide_window_id: String(hall.guide_window_id ?? 0),
  });
  const check = (name) => (e) => form.setValues({ ...form.values, [name]: e.target.checked });
  const save = (e) =>
    form.submit(e, {
      run: (v) => patch(`/admin/halls/${hall.id}`, {
        kiosk_elderly: Boolean(v.kiosk_elderly),
        repeat_priority_calls: Boolean(v.repeat_priority_calls),
        guide_window_id: Number(v.guide_window_id),
      }),
    });
  return html`
    <section class="card">
      <h2>${E.title}</h2>
      <form class="inline" id="hall-elderly" onSubmit=${save} novalidate>
        <label class="check"><input type="checkbox" name="kiosk_elderly" checked=${form.values.kiosk_elderly}
          onChange=${check("kiosk_elderly")} /> ${E.kiosk}</label>
        <label class="check"><input type="checkbox" name="repeat_priority_calls" checked=${form.values.repeat_priority_calls}
          onChange=${check("repeat_priority_calls")} /> ${E.repeat}</label>
        <${Field} label=${E.guide} name="guide_window_id" error=${form.errors.guide_window_id}>
          <select name="guide_window_id" value=${form.values.guide_window_id} onChange=${form.set("guide_window_id")}>
            <option value="0">${E.noGuide}</option>
            ${(windows || []).map((w) => html`<option value=${String(w.id)}>${T.windowNo(w.number)}</option>`)}
          </select><//>
        <button type="submit" disabled=${form.busy}>${T.save}</button>
      </form>
      <p class="small muted">${E.hint}</p>
      <${FormMessages} form=${form} />
    </section>`;
}

// The 差评 loop (issue 25): 办件编号 at 办结, the 整改 and 回访 deadlines, 超期预警, 追评.
function LoopRules({ hall }) {
  const L = S.hall.loop;
  const form = useForm({
    case_numbers: hall.case_numbers || "off",
    rectification_working_days: String(hall.rectification_working_days ?? 15),
    followup_working_days: String(hall.followup_working_days ?? 1),
    rectification_warn_days: String(hall.rectification_warn_days ?? 3),
    followup_warn_hours: String(hall.followup_warn_hours ?? 4),
    re_rating: hall.re_rating !== false,
  });
  const numbers = ["rectification_working_days", "followup_working_days", "rectification_warn_days", "followup_warn_hours"];
  const save = (e) =>
    form.submit(e, {
      required: numbers,
      run: (v) => patch(`/admin/halls/${hall.id}`, {
        case_numbers: v.case_numbers,
        ...Object.fromEntries(numbers.map((k) => [k, Number(v[k])])),
        re_rating: Boolean(v.re_rating),
      }),
    });
  const number = (name, min, max) => html`<input type="number" min=${min} max=${max} name=${name}
    value=${form.values[name]} onInput=${form.set(name)} style="width:80px" />`;
  return html`
    <section class="card">
      <h2>${L.title}</h2>
      <form class="inline" id="loop-rules" onSubmit=${save} novalidate>
        <${Field} label=${L.cases} name="case_numbers" error=${form.errors.case_numbers}>
          <select name="case_numbers" value=${form.values.case_numbers} onChange=${form.set("case_numbers")}>
            ${Object.entries(L.casesOptions).map(([k, v]) => html`<option value=${k}>${v}</option>`)}
          </select><//>
        <${Field} label=${L.rectDays} name="rectification_working_days" error=${form.errors.rectification_working_days}>${number("rectification_working_days", 1, 60)}<//>
        <${Field} label=${L.followDays} name="followup_working_days" error=${form.errors.followup_working_days}>${number("followup_working_days", 1, 30)}<//>
        <${Field} label=${L.rectWarn} name="rectification_warn_days" error=${form.errors.rectification_warn_days}>${number("rectification_warn_days", 0, 30)}<//>
        <${Field} label=${L.followWarn} name="followup_warn_hours" error=${form.errors.followup_warn_hours}>${number("followup_warn_hours", 0, 72)}<//>
        <label class="check"><input type="checkbox" name="re_rating" checked=${form.values.re_rating}
          onChange=${(e) => form.setValues({ ...form.values, re_rating: e.target.checked })} /> ${L.reRating}</label>
        <button type="submit" disabled=${form.busy}>${T.save}</button>
      </form>
      <p class="small muted">${L.hint}</p>
      <${FormMessages} form=${form} />
    </section>`;
}

// The applicant's phone (issue 27): 到号提醒 on the ticket's page, 扫码过号重排.
function PhoneRules({ hall }) {
  const M = S.hall.phone;
  const form = useForm({
    notify_ahead: String(hall.notify_ahead ?? 3),
    rejoin_allowed: hall.rejoin_allowed !== false,
    rejoin_minutes: String(hall.rejoin_minutes ?? 10),
    rejoin_position: hall.rejoin_position || "behind",
    rejoin_behind: String(hall.rejoin_behind ?? 3),
  });
  const numbers = ["notify_ahead", "rejoin_minutes", "rejoin_behind"];
  const save = (e) =>
    form.submit(e, {
      required: numbers,
      run: (v) => patch(`/admin/halls/${hall.id}`, {
        ...Object.fromEntries(numbers.map((k) => [k, Number(v[k])])),
        rejoin_allowed: Boolean(v.rejoin_allowed),
        rejoin_position: v.rejoin_position,
      }),
    });
  const number = (name, min, max) => html`<input type="number" min=${min} max=${max} name=${name}
    value=${form.values[name]} onInput=${form.set(name)} style="width:80px" />`;
  return html`
    <section class="card">
      <h2>${M.title}</h2>
      <form class="inline" id="phone-rules" onSubmit=${save} novalidate>
        <${Field} label=${M.notifyAhead} name="notify_ahead" error=${form.errors.notify_ahead} hint=${M.notifyHint}>${number("notify_ahead", 0, 50)}<//>
        <label class="check"><input type="checkbox" name="rejoin_allowed" checked=${form.values.rejoin_allowed}
          onChange=${(e) => form.setValues({ ...form.values, rejoin_allowed: e.target.checked })} /> ${M.rejoin}</label>
        <${Field} label=${M.rejoinMinutes} name="rejoin_minutes" error=${form.errors.rejoin_minutes}>${number("rejoin_minutes", 1, 120)}<//>
        <${Field} label=${M.position} name="rejoin_position" error=${form.errors.rejoin_position}>
          <select name="rejoin_position" value=${form.values.rejoin_position} onChange=${form.set("rejoin_position")}>
            ${Object.entries(M.positions).map(([k, v]) => html`<option value=${k}>${v}</option>`)}
          </select><//>
        <${Field} label=${M.behind} name="rejoin_behind" error=${form.errors.rejoin_behind}>${number("rejoin_behind", 1, 50)}<//>
        <button type="submit" disabled=${form.busy}>${T.save}</button>
      </form>
      <p class="small muted">${M.hint}</p>
      <${FormMessages} form=${form} />
    </section>`;
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

// --- services ---------------------------------------------------------------------------

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

function Services({ hall }) {
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
    <section class="card">
      <h2>${S.service.create}</h2>
      <form class="inline" id="service-form" onSubmit=${create} novalidate>
        <${ServiceFields} form=${form} />
        <button type="submit" disabled=${form.busy}>${T.create}</button>
      </form>
      <${FormMessages} form=${form} />
    </section>`;
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

// --- windows ----------------------------------------------------------------------------

function ServicePicker({ services, chosen, onChange }) {
  const toggle = (id) => onChange(chosen.includes(id) ? chosen.filter((x) => x !== id) : [...chosen, id]);
  return html`<span class="actions" style="align-items:center">
    ${services.map((s) => html`<label class="field check" key=${s.id}>
      <input type="checkbox" name=${`svc-${s.prefix}`} checked=${chosen.includes(s.id)} onChange=${() => toggle(s.id)} />
      <span>${s.name}${chosen.includes(s.id) ? `（${chosen.indexOf(s.id) + 1}）` : ""}</span></label>`)}
  </span>`;
}

function Windows({ hall }) {
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
    <section class="card">
      <h2>${S.window.create}</h2>
      <form class="inline" id="window-form" onSubmit=${create} novalidate>
        <${Field} label=${S.window.number} name="number" error=${form.errors.number}>
          <input name="number" value=${form.values.number} onInput=${form.set("number")} style="width:90px" /><//>
        <${Field} label=${S.window.services} name="service_ids" error=${form.errors.service_ids} hint=${S.window.pickHint}>
          <${ServicePicker} services=${services} chosen=${form.values.service_ids}
            onChange=${(ids) => form.setValues((v) => ({ ...v, service_ids: ids }))} /><//>
        <button type="submit" disabled=${form.busy}>${T.create}</button>
      </form>
      <${FormMessages} form=${form} />
    </section>`;
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

// --- staff ------------------------------------------------------------------------------

function Staff({ hall }) {
  const [staff, error, reload] = useLoad(() => get("/admin/staff", { hall_id: hall.id }), [hall.id]);
  const form = useForm({ staff_no: "", name: "", role: "window", password: "" });
  const [rowError, setRowError] = useState(null);
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
  const setActive = async (s, active) => {
    setRowError(null);
    try {
      await patch(`/admin/staff/${s.id}`, { active });
      reload();
    } catch (err) {
      setRowError(err);
    }
  };
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
    <section class="card">
      <h2>${S.staff.create}</h2>
      <form class="inline" id="staff-form" onSubmit=${create} novalidate>
        <${Field} label=${S.staff.staffNo} name="staff_no" error=${form.errors.staff_no}>
          <input name="staff_no" value=${form.values.staff_no} onInput=${form.set("staff_no")} style="width:110px" /><//>
        <${Field} label=${S.staff.name} name="name" error=${form.errors.name}>
          <input name="name" value=${form.values.name} onInput=${form.set("name")} style="width:120px" /><//>
        <${Field} label=${S.staff.role} name="role" error=${form.errors.role}>
          <select name="role" value=${form.values.role} onChange=${form.set("role")}>
            ${["window", "supervisor", "admin"].map((r) => html`<option value=${r}>${T.roles[r]}</option>`)}
          </select><//>
        <${Field} label=${S.staff.password} name="password" error=${form.errors.password}>
          <input name="password" type="password" autocomplete="new-password" value=${form.values.password} onInput=${form.set("password")} style="width:150px" /><//>
        <button type="submit" disabled=${form.busy}>${T.create}</button>
      </form>
      <${FormMessages} form=${form} />
    </section>`;
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

// --- devices ----------------------------------------------------------------------------

function qrDataUrl(text) {
  const qr = window.qrcode(0, "M");
  qr.addData(text);
  qr.make();
  return qr.createDataURL(6, 2);
}

function loadQrLibrary() {
  if (window.qrcode) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = "/console/static/vendor/qrcode-generator-1.4.4.js";
    script.onload = resolve;
    script.onerror = reject;
    document.head.appendChild(script);
  });
}

function Devices({ hall }) {
  const [data, error, reload] = useLoad(
    () => Promise.all([
      get("/admin/devices", { hall_id: hall.id }),
      get("/admin/windows", { hall_id: hall.id }),
      get(`/halls/${hall.id}/devices`),
    ]),
    [hall.id],
  );
  const [devices, windows, healthList] = data || [[], [], []];
  const health = new Map(healthList.map((d) => [d.id, d]));
  const form = useForm({ kind: "kiosk", label: "", window_id: "" });
  const [created, setCreated] = useState(null);
  const [rowError, setRowError] = useState(null);
  useEffect(() => {
    loadQrLibrary();
  }, []);
  const create = (e) =>
    form.submit(e, {
      required: form.values.kind === "window" ? ["label", "window_id"] : ["label"],
      run: (v) => post("/admin/devices", {
        hall_id: hall.id, kind: v.kind, label: v.label.trim(),
        window_id: v.kind === "window" && v.window_id ? Number(v.window_id) : null,
      }),
      fieldFor: { invalid_input: "window_id" },
      done: async (device) => {
        await loadQrLibrary();
        const pairing = await post(`/admin/devices/${device.id}/pairing-code`, {});
        setCreated({ ...device, qr: qrDataUrl(device.token), pairing });
        form.setValues({ kind: "kiosk", label: "", window_id: "" });
        reload();
      },
    });
  const revoke = async (d) => {
    if (!confirm(S.device.confirmRevoke)) return;
    setRowError(null);
    try {
      await del(`/admin/devices/${d.id}`);
      reload();
    } catch (err) {
      setRowError(err);
    }
  };
  const pairAgain = async (d) => {
    setRowError(null);
    try {
      setCreated({ ...d, pairing: await post(`/admin/devices/${d.id}/pairing-code`, {}) });
    } catch (err) {
      setRowError(err);
    }
  };
  const numbers = new Map(windows.map((w) => [w.id, w.number]));
  return html`
    ${created ? html`<section class="card">
        <div class="token-box" id="device-token" style="margin-top:0">
          ${created.qr ? html`<img src=${created.qr} alt=${S.device.qrAlt} />` : null}
          <div><b>${created.label}</b>（${T.device.kind[created.kind]}）
            ${created.token ? html`<div class="small">${S.device.tokenOnce}</div>
            <code class="token">${created.token}</code>` : null}
            ${created.pairing ? html`<div class="pairing" id="pairing-code">
              <div class="small">${S.device.pairingHint(fmt.time(created.pairing.expires_at, hall.timezone))}</div>
              <code class="pairing-code">${created.pairing.code}</code>
              <div class="small muted">govqueue ${created.kind === "window" ? "window --evaluator" : created.kind} --server ${location.origin} --pair ${created.pairing.code}</div>
            </div>` : null}
            <div class="small muted">${S.device.server}${location.origin}</div>
          </div>
        </div>
      </section>` : null}
    <section class="card">
      <${ErrorBox} error=${error || rowError} />
      <table id="device-list">
        <thead><tr><th>${S.device.label}</th><th>${S.device.kind}</th><th>${S.device.window}</th>
          <th>${S.device.health}</th><th>${S.device.lastSeen}</th><th>${S.device.version}</th><th>${S.device.created}</th><th></th></tr></thead>
        <tbody>${devices.map((d) => {
          const h = health.get(d.id);
          const state = h ? deviceState(h) : null;
          return html`<tr key=${d.id} data-device=${d.id} data-kind=${d.kind}><td>${d.label}</td>
          <td>${T.device.kind[d.kind] || d.kind}</td><td>${d.window_id ? T.windowNo(numbers.get(d.window_id) || d.window_id) : T.none}</td>
          <td class="health">${state ? html`<span class=${`badge ${state.badge}`}>${state.label}</span>
            ${h.detail && h.online !== false ? html`<div class="small muted">${h.detail}</div>` : null}` : T.none}</td>
          <td class="num small seen">${h && h.last_seen_at ? fmt.dateTime(h.last_seen_at, hall.timezone) : T.none}</td>
          <td class="small version">${(h && h.version) || T.none}</td>
          <td class="num small">${fmt.dateTime(d.created_at, hall.timezone)}</td>
          <td>${d.revoked_at
            ? html`<span class="badge idle revoked">${S.device.revoked} ${fmt.dateTime(d.revoked_at, hall.timezone)}</span>`
            : html`<button class="secondary pair" onClick=${() => pairAgain(d)}>${S.device.pair}</button>
              <button class="danger revoke" onClick=${() => revoke(d)}>${S.device.revoke}</button>`}</td></tr>`;
        })}
        </tbody>
      </table>
    </section>
    <section class="card">
      <h2>${S.device.create}</h2>
      <form class="inline" id="device-form" onSubmit=${create} novalidate>
        <${Field} label=${S.device.kind} name="kind" error=${form.errors.kind}>
          <select name="kind" value=${form.values.kind} onChange=${form.set("kind")}>
            ${["kiosk", "display", "window"].map((k) => html`<option value=${k}>${T.device.kind[k]}</option>`)}
          </select><//>
        <${Field} label=${S.device.label} name="label" error=${form.errors.label}>
          <input name="label" value=${form.values.label} onInput=${form.set("label")} style="width:180px" /><//>
        ${form.values.kind === "window" ? html`
          <${Field} label=${S.device.window} name="window_id" error=${form.errors.window_id}>
            <select name="window_id" value=${form.values.window_id} onChange=${form.set("window_id")}>
              <option value="">—</option>
              ${windows.map((w) => html`<option value=${w.id}>${T.windowNo(w.number)}</option>`)}
            </select><//>` : null}
        <button type="submit" disabled=${form.busy}>${S.device.create}</button>
      </form>
      <${FormMessages} form=${form} />

    </section>`;
}

// --- notice -----------------------------------------------------------------------------

function Notice({ hall }) {
  const form = useForm({ text: hall.notice || "" });
  const save = (e) =>
    form.submit(e, {
      run: (v) => put(`/admin/halls/${hall.id}/notice`, { text: v.text }),
      fieldFor: { invalid_input: "text" },
    });
  return html`<section class="card">
    <form onSubmit=${save} id="notice-form" novalidate>
      <${Field} label=${S.notice.text} name="text" error=${form.errors.text} hint=${T.overview.noticeHint}>
        <textarea name="text" style="width:640px;min-height:90px" value=${form.values.text} onInput=${form.set("text")}></textarea><//>
      <div style="margin-top:8px"><button type="submit" disabled=${form.busy}>${T.save}</button></div>
      <${FormMessages} form=${form} />
    </form></section>`;
}
