// 预约 (supervisors and admins): a day's appointments per service and slot — booked, checked
// in, called, 失约 — the list (names masked), a staffed desk's check-in, and the no-show list
// with 解除限制. Everything through /api/v1/appointments.
import { html, useState } from "../../vendor/preact-htm-3.1.1.js";
import { ApiError, del, get, post } from "../api.js";
import * as fmt from "../fmt.js";
import { T } from "../texts.js";
import { ErrorBox, useLoad } from "../ui.js";

const A = T.appointments;

export function AppointmentsPage({ hallId, hall }) {
  const zone = hall?.timezone || fmt.DEFAULT_ZONE;
  const [day, setDay] = useState(fmt.day(new Date(), zone));
  const [data, error, reload] = useLoad(() => get("/appointments/day", { hall_id: hallId, day }), [hallId, day]);
  const [people, peopleError, reloadPeople] = useLoad(() => get("/appointments/no-shows", { hall_id: hallId }), [hallId]);
  const [message, setMessage] = useState("");
  if (hallId === null || hallId === "all") return html`<p class="muted">${T.pickHallFirst}</p>`;
  const act = async (run, done) => {
    setMessage("");
    try {
      const result = await run();
      setMessage(done(result));
      reload();
      reloadPeople();
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      setMessage(err.detail);
    }
  };
  const slotOf = (a) => `${fmt.time(a.slot_start, zone).slice(0, 5)}–${fmt.time(a.slot_end, zone).slice(0, 5)}`;
  return html`
    <h1>${A.title}</h1>
    <section class="card controls">
      <label class="field" data-field="day"><span class="name">${A.day}</span>
        <input type="date" id="appointment-day" value=${day} onChange=${(e) => setDay(e.target.value)} /></label>
      <span class="small muted">${A.hint}</span>
    </section>
    <${ErrorBox} error=${error} />
    ${message ? html`<p class="form-ok" role="status" id="appointment-message">${message}</p>` : null}
    <section class="card scroll" id="appointment-slots">
      <h2>${A.bySlot}</h2>
      <table>
        <thead><tr><th>${A.service}</th><th>${A.slot}</th><th class="num">${A.quota}</th><th class="num">${A.booked}</th>
          <th class="num">${A.checkedIn}</th><th class="num">${A.called}</th><th class="num">${A.missed}</th><th class="num">${A.cancelled}</th></tr></thead>
        <tbody>
          ${data && data.slots.length === 0 ? html`<tr><td colspan="8" class="muted">${A.none}</td></tr>` : null}
          ${(data?.slots || []).map((s) => html`<tr data-slot=${`${s.service_id}-${s.slot_start}`}>
            <td>${s.service_name}</td><td class="num">${slotOf(s)}</td><td class="num">${s.quota}</td>
            <td class="num">${s.booked}</td><td class="num">${s.checked_in}</td><td class="num">${s.called}</td>
            <td class="num">${s.missed ? html`<span class="badge bad">${s.missed}</span>` : 0}</td><td class="num">${s.cancelled}</td></tr>`)}
        </tbody>
      </table>
    </section>
    <section class="card scroll" id="appointment-list">
      <h2>${A.list}</h2>
      <table>
        <thead><tr><th>${A.slot}</th><th>${A.service}</th><th>${A.name}</th><th>${A.idNo}</th><th>${A.phone}</th>
          <th>${A.status}</th><th>${A.ticket}</th><th>${A.calledAt}</th><th>${A.actions}</th></tr></thead>
        <tbody>
          ${data && data.items.length === 0 ? html`<tr><td colspan="9" class="muted">${A.none}</td></tr>` : null}
          ${(data?.items || []).map((a) => html`<tr key=${a.id} data-appointment=${a.id}>
            <td class="num">${slotOf(a)}</td><td>${a.service.name}</td><td>${a.name || T.none}</td>
            <td class="num">${a.id_no || T.none}</td><td class="num">${a.phone || T.none}</td>
            <td><span class=${`badge ${A.tone[a.status] || ""}`}>${a.status_text}</span></td>
            <td class="ticket">${a.ticket_number || T.none}</td>
            <td class="num">${a.called_at ? fmt.time(a.called_at, zone).slice(0, 5) : T.none}</td>
            <td class="actions">${a.status === "booked" ? html`
              <button class="check-in" onClick=${() => act(() => post(`/appointments/${a.id}/check-in`), (t) => A.checkedInAs(t.number))}>${A.checkIn}</button>
              <button class="secondary cancel" onClick=${() => confirm(A.cancelAsk) && act(() => del(`/appointments/${a.id}`), () => A.cancelled)}>${A.cancel}</button>` : null}</td>
          </tr>`)}
        </tbody>
      </table>
    </section>
    <section class="card scroll" id="no-shows">
      <h2>${A.noShows} <span class="small muted">${A.noShowHint}</span></h2>
      <${ErrorBox} error=${peopleError} />
      <table>
        <thead><tr><th>${A.name}</th><th>${A.idNo}</th><th>${A.phone}</th><th class="num">${A.misses}</th>
          <th>${A.lastMissed}</th><th>${A.barredUntil}</th><th>${A.actions}</th></tr></thead>
        <tbody>
          ${people && people.length === 0 ? html`<tr><td colspan="7" class="muted">${A.noNoShows}</td></tr>` : null}
          ${(people || []).map((p) => html`<tr key=${p.appointment_id} data-person=${p.appointment_id}>
            <td>${p.name || T.none}</td><td class="num">${p.id_no || T.none}</td><td class="num">${p.phone || T.none}</td>
            <td class="num">${p.misses}</td><td class="num">${fmt.dateTime(p.last_missed_at, zone)}</td>
            <td>${p.barred_until ? html`<span class="badge bad">${A.barredTill(fmt.day(p.barred_until, zone))}</span>` : A.notBarred}</td>
            <td class="actions"><button class="lift" onClick=${() => act(() => post(`/appointments/no-shows/${p.appointment_id}/lift`), () => A.lifted)}>${A.lift}</button></td>
          </tr>`)}
        </tbody>
      </table>
    </section>`;
}
