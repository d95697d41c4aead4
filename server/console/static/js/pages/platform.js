// 好差评上报: where the hall's records to the government platform stand — sent today, still to
// send, the oldest one's age (red past the hall's threshold), and every failed record with the
// platform's answer; an admin retries one or marks it settled. Refreshed every 10 s.
import { html, useEffect, useState } from "../../vendor/preact-htm-3.1.1.js";
import { get, post } from "../api.js";
import * as fmt from "../fmt.js";
import { T } from "../texts.js";
import { ErrorBox, Field, FormMessages, useForm, useLoad } from "../ui.js";

const REFRESH_MS = 10_000;

export function PlatformPage(props) {
  return OutboxPage({ ...props, P: T.platform, path: "/platform/outbox" });
}

// 短信提醒 (issue 27): the hall's text messages, the same outbox and the same handling
export function SmsPage(props) {
  return OutboxPage({ ...props, P: T.sms, path: "/sms/outbox" });
}

function OutboxPage({ user, hallId, hall, P, path }) {
  const [state, error, reload] = useLoad(() => get(path, { hall_id: hallId }), [hallId]);
  const [marking, setMarking] = useState(null);
  const [busy, setBusy] = useState(null);
  const [actionError, setActionError] = useState(null);
  useEffect(() => {
    const timer = setInterval(reload, REFRESH_MS);
    return () => clearInterval(timer);
  }, [hallId]);
  if (hallId === null) return html`<p class="muted">${T.pickHallFirst}</p>`;
  const zone = hall?.timezone || fmt.DEFAULT_ZONE;
  const admin = user.role === "admin";
  async function retry(item) {
    setBusy(item.id);
    setActionError(null);
    try {
      await post(`/platform/outbox/${item.id}/retry`, {});
      reload();
    } catch (err) {
      setActionError(err);
    } finally {
      setBusy(null);
    }
  }
  if (!state) return html`<h1>${P.title}</h1><${ErrorBox} error=${error} />`;
  if (!state.configured) {
    return html`<h1>${P.title}</h1>
      <section class="card" id="platform-none"><p>${P.notConfigured}</p><p class="small muted">${P.howTo}</p></section>`;
  }
  return html`
    <h1>${P.title} <span class="small muted">${state.profile_title || state.profile}</span></h1>
    <${ErrorBox} error=${error || actionError} />
    <section class="figures" id="platform-figures">
      <div class="card figure"><div class="label">${P.sentToday}</div><div class="value num" id="sent-today">${state.sent_today}</div></div>
      <div class=${`card figure ${state.pending ? "warn" : ""}`}><div class="label">${P.pending}</div><div class="value num" id="pending">${state.pending}</div></div>
      <div class=${`card figure ${state.overdue ? "bad" : ""}`}>
        <div class="label">${P.oldest}</div>
        <div class="value num" id="oldest">${state.oldest_pending_s === null ? P.noneWaiting : fmt.span(state.oldest_pending_s)}</div>
        <div class="small">${state.overdue ? html`<span class="badge bad">${P.overdue(state.alert_minutes)}</span>` : html`<span class="muted">${P.threshold(state.alert_minutes)}</span>`}</div>
      </div>
      <div class=${`card figure ${state.failed.length ? "bad" : ""}`}><div class="label">${P.failedCount}</div><div class="value num" id="failed-count">${state.failed.length}</div></div>
    </section>
    <section class="card scroll" id="platform-failed">
      <h2>${P.failed}</h2>
      <table>
        <thead><tr><th>${P.ticket}</th><th>${P.kind}</th><th>${P.key}</th><th>${P.created}</th>
          <th class="n">${P.attempts}</th><th>${P.answer}</th>${admin ? html`<th>${P.actions}</th>` : null}</tr></thead>
        <tbody>
          ${state.failed.length === 0 ? html`<tr><td colspan="7" class="muted">${P.noFailed}</td></tr>` : null}
          ${state.failed.map((m) => html`
            <tr key=${m.id} data-message=${m.id} class="overdue">
              <td class="ticket">${m.ticket_number || T.none}</td>
              <td>${P.kinds[m.kind] || m.kind}</td>
              <td class="num small">${m.key}</td>
              <td class="num">${fmt.dateTime(m.created_at, zone)}</td>
              <td class="n">${m.attempts}</td>
              <td class="detail"><span class="badge bad">${m.last_status ? `HTTP ${m.last_status}` : P.noAnswer}</span>
                <div class="small answer">${m.last_answer || ""}</div>
                ${m.last_attempt_at ? html`<div class="small muted">${P.lastTry(fmt.dateTime(m.last_attempt_at, zone))}</div>` : null}</td>
              ${admin ? html`<td><div class="actions">
                <button class="retry" disabled=${busy === m.id} onClick=${() => retry(m)}>${P.retry}</button>
                <button class="secondary mark" onClick=${() => setMarking(m.id)}>${P.mark}</button>
              </div></td>` : null}
            </tr>
            ${marking === m.id ? html`<tr><td colspan="7"><${MarkForm} item=${m} P=${P} done=${() => { setMarking(null); reload(); }} /></td></tr>` : null}`)}
        </tbody>
      </table>
      ${admin ? null : html`<p class="small muted">${P.adminOnly}</p>`}
    </section>
    <section class="card scroll" id="platform-waiting">
      <h2>${P.waiting} <span class="small muted">${P.waitingHint}</span></h2>
      <table>
        <thead><tr><th>${P.ticket}</th><th>${P.kind}</th><th>${P.key}</th><th>${P.created}</th>
          <th class="n">${P.attempts}</th><th>${P.next}</th><th>${P.answer}</th></tr></thead>
        <tbody>
          ${state.waiting.length === 0 ? html`<tr><td colspan="7" class="muted">${P.noneWaiting}</td></tr>` : null}
          ${state.waiting.map((m) => html`
            <tr key=${m.id} data-message=${m.id}>
              <td class="ticket">${m.ticket_number || T.none}</td>
              <td>${P.kinds[m.kind] || m.kind}</td>
              <td class="num small">${m.key}</td>
              <td class="num">${fmt.dateTime(m.created_at, zone)}</td>
              <td class="n">${m.attempts}</td>
              <td class="num">${m.attempts ? fmt.dateTime(m.next_attempt_at, zone) : P.now}</td>
              <td class="detail small">${m.last_attempt_at ? `${m.last_status ? `HTTP ${m.last_status}` : P.noAnswer} ${m.last_answer || ""}` : T.none}</td>
            </tr>`)}
        </tbody>
      </table>
    </section>
    <p class="small muted">${P.footer(state.url)}</p>`;
}

function MarkForm({ item, P, done }) {
  const form = useForm({ note: "" });
  const save = (e) => form.submit(e, {
    required: ["note"],
    run: (v) => post(`/platform/outbox/${item.id}/mark`, { note: v.note.trim() }),
    fieldFor: { invalid_input: "note", conflict: "note" },
    done,
  });
  return html`<form class="inline" id="mark-form" onSubmit=${save} novalidate>
    <${Field} label=${P.markNote} name="note" error=${form.errors.note} hint=${P.markHint}>
      <input name="note" style="width:420px" value=${form.values.note} onInput=${form.set("note")} /><//>
    <button type="submit" disabled=${form.busy}>${P.markSave}</button>
    <button type="button" class="secondary" onClick=${done}>${T.cancel}</button>
  </form><${FormMessages} form=${form} />`;
}
