// 设置 → 预约: the hall's appointment rules and each service's slots, quota and days ahead —
// the same settings as the hall file's `[appointments]` and `appointment_*` keys, through
// PUT /admin/halls/{id}/appointments and PATCH /admin/services/{id}.
import { html } from "../../vendor/preact-htm-3.1.1.js";
import { get, patch, put } from "../api.js";
import { T } from "../texts.js";
import { ErrorBox, Field, FormMessages, useForm, useLoad } from "../ui.js";

const A = T.appointmentSettings;
const RULES = [
  ["book_before_minutes", 0, 10080],
  ["cancel_before_minutes", 0, 10080],
  ["early_minutes", 0, 240],
  ["grace_minutes", 0, 240],
  ["no_show_limit", 0, 100],
  ["no_show_days", 1, 366],
  ["ban_days", 1, 366],
  ["retention_days", 1, 3650],
  ["on_time_minutes", 0, 240],
];

export function AppointmentSettings({ hall }) {
  const [rules, error] = useLoad(() => get(`/admin/halls/${hall.id}/appointments`), [hall.id]);
  const [services, servicesError, reload] = useLoad(() => get("/admin/services", { hall_id: hall.id }), [hall.id]);
  return html`
    <${ErrorBox} error=${error || servicesError} />
    ${rules ? html`<${Rules} hall=${hall} rules=${rules} />` : null}
    <section class="card" id="appointment-services">
      <h2>${A.services}</h2>
      <p class="small muted">${A.servicesHint}</p>
      ${(services || []).map((s) => html`<${ServiceBooking} key=${s.id} service=${s} done=${reload} />`)}
    </section>`;
}

function Rules({ hall, rules }) {
  const form = useForm(Object.fromEntries([["same_day", rules.same_day], ...RULES.map(([k]) => [k, String(rules[k])])]));
  const save = (e) => form.submit(e, {
    required: RULES.map(([k]) => k),
    run: (v) => put(`/admin/halls/${hall.id}/appointments`, {
      same_day: Boolean(v.same_day),
      ...Object.fromEntries(RULES.map(([k]) => [k, Number(v[k])])),
    }),
  });
  return html`<section class="card" id="appointment-rules">
    <h2>${A.rules}</h2>
    <form class="inline" id="appointment-rules-form" onSubmit=${save} novalidate>
      ${RULES.map(([k, min, max]) => html`<${Field} label=${A.labels[k]} name=${k} error=${form.errors[k]}>
        <input type="number" min=${min} max=${max} name=${k} value=${form.values[k]} onInput=${form.set(k)} style="width:90px" /><//>`)}
      <label class="check"><input type="checkbox" name="same_day" checked=${form.values.same_day}
        onChange=${form.set("same_day")} /> ${A.labels.same_day}</label>
      <button type="submit" disabled=${form.busy}>${T.save}</button>
    </form>
    <p class="small muted">${A.rulesHint}</p>
    <${FormMessages} form=${form} />
  </section>`;
}

function ServiceBooking({ service, done }) {
  const form = useForm({
    appointment_quota: String(service.appointment_quota ?? 0),
    appointment_slot_minutes: String(service.appointment_slot_minutes ?? 30),
    appointment_days_ahead: String(service.appointment_days_ahead ?? 5),
  });
  const save = (e) => form.submit(e, {
    required: ["appointment_quota", "appointment_slot_minutes", "appointment_days_ahead"],
    run: (v) => patch(`/admin/services/${service.id}`, {
      appointment_quota: Number(v.appointment_quota),
      appointment_slot_minutes: Number(v.appointment_slot_minutes),
      appointment_days_ahead: Number(v.appointment_days_ahead),
    }),
    fieldFor: { invalid_input: "appointment_quota" },
    done,
  });
  return html`<form class="inline service-booking" data-service=${service.id} onSubmit=${save} novalidate>
    <strong style="min-width:9em">${service.prefix} ${service.name}</strong>
    <${Field} label=${A.quota} name="appointment_quota" error=${form.errors.appointment_quota}>
      <input type="number" min="0" max="1000" name="appointment_quota" value=${form.values.appointment_quota}
        onInput=${form.set("appointment_quota")} style="width:80px" /><//>
    <${Field} label=${A.slotMinutes} name="appointment_slot_minutes" error=${form.errors.appointment_slot_minutes}>
      <input type="number" min="5" max="240" name="appointment_slot_minutes" value=${form.values.appointment_slot_minutes}
        onInput=${form.set("appointment_slot_minutes")} style="width:80px" /><//>
    <${Field} label=${A.daysAhead} name="appointment_days_ahead" error=${form.errors.appointment_days_ahead}>
      <input type="number" min="0" max="60" name="appointment_days_ahead" value=${form.values.appointment_days_ahead}
        onInput=${form.set("appointment_days_ahead")} style="width:80px" /><//>
    <button type="submit" disabled=${form.busy}>${T.save}</button>
    <${FormMessages} form=${form} />
  </form>`;
}
