// 差评整改: every bad rating with its ticket, window, staff, reasons, deadline (working days)
// and state; record the rectification (整改) and the follow-up (回访); overdue ones stand out.
import { html, useState } from "../../vendor/preact-htm-3.1.1.js";
import { get, post } from "../api.js";
import { findTicket } from "../find_ticket.js";
import * as fmt from "../fmt.js";
import { T } from "../texts.js";
import { ErrorBox, Field, FormMessages, useForm, useLoad } from "../ui.js";

const R = T.rect;
const PAGE = 50;

export function RectificationsPage({ user, hallId, hall }) {
  const [state, setState] = useState("");
  const [overdue, setOverdue] = useState(false);
  const [offset, setOffset] = useState(0);
  const [open, setOpen] = useState(null); // {id, kind: "rectify" | "follow"}
  const [phone, setPhone] = useState(false); // the form of a rating taken by phone
  const params = { hall_id: hallId === "all" ? undefined : hallId, state, overdue: overdue ? "true" : undefined, limit: PAGE, offset };
  const [page, error, reload] = useLoad(() => get("/rectifications", params), [hallId, state, overdue, offset]);
  if (hallId === null) return html`<p class="muted">${T.pickHallFirst}</p>`;
  const zone = hall?.timezone || fmt.DEFAULT_ZONE;
  return html`
    <h1>${R.title} <span class="small muted">${R.workingDays}</span></h1>
    <section class="card controls">
      <${Field} label=${R.filterState} name="state">
        <select id="rect-state" value=${state} onChange=${(e) => { setOffset(0); setState(e.target.value); }}>
          <option value="">${R.all}</option>
          ${Object.entries(R.states).map(([k, v]) => html`<option value=${k}>${v}</option>`)}
        </select><//>
      <${Field} label=${R.onlyOverdue} name="overdue" check=${true}>
        <input type="checkbox" id="rect-overdue" checked=${overdue} onChange=${(e) => { setOffset(0); setOverdue(e.target.checked); }} /><//>
      ${hallId !== "all" && user.role !== "staff"
        ? html`<button class="secondary" id="phone-rating-open" onClick=${() => setPhone(!phone)}>${R.phoneRating}</button>`
        : null}
    </section>
    ${phone ? html`<${PhoneRatingForm} hallId=${hallId} zone=${zone} saved=${reload} close=${() => setPhone(false)} />` : null}
    <${ErrorBox} error=${error} />
    <section class="card scroll" id="rectifications">
      <table>
        <thead><tr><th>${R.ticket}</th><th>${R.day}</th><th>${R.service}</th><th>${R.window}</th><th>${R.staff}</th>
          <th>${R.level}</th><th>${R.reasons}</th><th>${R.deadline}</th><th>${R.state}</th><th>${R.actions}</th></tr></thead>
        <tbody>
          ${page && page.items.length === 0 ? html`<tr><td colspan="10" class="muted">${R.none}</td></tr>` : null}
          ${(page?.items || []).map((r) => html`
            <tr key=${r.id} data-rect=${r.id} class=${r.overdue ? "overdue" : ""}>
              <td class="ticket">${r.ticket_number}</td><td class="num">${r.business_day}</td><td>${r.service_name}</td>
              <td>${r.window_number ? T.windowNo(r.window_number) : T.none}</td>
              <td>${r.staff_name ? `${r.staff_name}（${r.staff_no}）` : r.staff_no || T.none}</td>
              <td><span class="badge bad">${T.levels[r.level]}</span></td>
              <td class="detail">${r.reasons.join("、") || T.none}${r.comment ? html`<div class="small muted">${r.comment}</div>` : null}</td>
              <td class="num">${fmt.dateTime(r.deadline, zone)}${r.overdue && r.appeal_state !== "upheld" ? html` <span class="badge bad">${R.overdue}</span>` : null}</td>
              <td>${r.appeal_state === "upheld" && r.state === "open"
                  ? html`<span class="badge idle">${R.noNeed}</span>`
                  : html`<span class=${`badge ${r.state === "open" ? "warn" : "ok"}`}>${r.state_text || R.states[r.state]}</span>`}
                ${r.measures ? html`<div class="small detail">${R.measures}：${r.measures}</div>` : null}
                ${r.state === "rectified" && r.followup_deadline ? html`<div class="small detail">${R.followupBy}：${fmt.dateTime(r.followup_deadline, zone)}${new Date(r.followup_deadline) < new Date() ? html` <span class="badge bad">${R.overdue}</span>` : null}</div>` : null}
                ${r.followup_result ? html`<div class="small detail">${R.result}：${r.followup_result}（${r.followup_satisfied ? R.againSatisfied : R.stillUnsatisfied}）</div>` : null}
                ${r.re_rating_level ? html`<div class="small detail">${R.reRating}：<span class=${`badge ${r.re_rating_level <= 2 ? "bad" : "ok"}`}>${T.levels[r.re_rating_level]}</span>${r.re_rating_reasons.length ? `（${r.re_rating_reasons.join("、")}）` : ""}</div>` : null}
                ${r.appeal_state ? html`<div class="appeal"><span class=${`badge ${r.appeal_state === "upheld" ? "idle" : r.appeal_state === "pending" ? "warn" : "ok"}`}>${r.appeal_state_text}</span>
                  <div class="small detail">${R.appealReason}：${r.appeal_reason}</div>
                  ${r.appeal_decision ? html`<div class="small detail">${R.appealDecision}：${r.appeal_decision}</div>` : null}</div>` : null}</td>
              <td><div class="actions">
                ${r.state === "open" && r.appeal_state !== "upheld" ? html`<button class="rectify" onClick=${() => setOpen({ id: r.id, kind: "rectify" })}>${R.rectify}</button>` : null}
                ${r.state === "rectified" ? html`<button class="follow-up" onClick=${() => setOpen({ id: r.id, kind: "follow" })}>${R.followUp}</button>` : null}
                ${!r.appeal_state && r.state === "open" ? html`<button class="secondary appeal" onClick=${() => setOpen({ id: r.id, kind: "appeal" })}>${R.appeal}</button>` : null}
                ${r.appeal_state === "pending" && user.role === "admin" ? html`<button class="decide" onClick=${() => setOpen({ id: r.id, kind: "decide" })}>${R.decide}</button>` : null}
              </div></td>
            </tr>
            ${open && open.id === r.id ? html`<tr><td colspan="10">
              ${open.kind === "rectify"
                ? html`<${RectifyForm} item=${r} done=${() => { setOpen(null); reload(); }} />`
                : open.kind === "follow"
                ? html`<${FollowUpForm} item=${r} done=${() => { setOpen(null); reload(); }} />`
                : open.kind === "appeal"
                ? html`<${AppealForm} item=${r} done=${() => { setOpen(null); reload(); }} />`
                : html`<${DecisionForm} item=${r} done=${() => { setOpen(null); reload(); }} />`}
            </td></tr>` : null}`)}
        </tbody>
      </table>
      ${page ? html`<${Pager} total=${page.total} offset=${offset} setOffset=${setOffset} />` : null}
    </section>`;
}

export function Pager({ total, offset, setOffset }) {
  if (total <= PAGE) return html`<div class="pager muted">${T.pager.total(total)}</div>`;
  return html`<div class="pager">
    <button class="secondary" disabled=${offset === 0} onClick=${() => setOffset(Math.max(0, offset - PAGE))}>${T.pager.prev}</button>
    <span>${T.pager.range(offset + 1, Math.min(total, offset + PAGE), total)}</span>
    <button class="secondary" disabled=${offset + PAGE >= total} onClick=${() => setOffset(offset + PAGE)}>${T.pager.next}</button>
  </div>`;
}

function RectifyForm({ item, done }) {
  const form = useForm({ measures: "" });
  const save = (e) => form.submit(e, {
    required: ["measures"],
    run: (v) => post(`/rectifications/${item.id}/rectify`, { measures: v.measures.trim() }),
    fieldFor: { invalid_input: "measures", conflict: "measures" },
    done,
  });
  return html`<form class="inline" id="rectify-form" onSubmit=${save} novalidate>
    <${Field} label=${R.measures} name="measures" error=${form.errors.measures}>
      <textarea name="measures" style="width:520px" value=${form.values.measures} onInput=${form.set("measures")}></textarea><//>
    <button type="submit" disabled=${form.busy}>${T.save}</button>
    <button type="button" class="secondary" onClick=${done}>${T.cancel}</button>
  </form><${FormMessages} form=${form} />`;
}

function FollowUpForm({ item, done }) {
  const form = useForm({ way: "phone", result: "", satisfied: true });
  const save = (e) => form.submit(e, {
    required: ["result"],
    run: (v) => post(`/rectifications/${item.id}/follow-up`, { way: v.way, result: v.result.trim(), satisfied: !!v.satisfied }),
    fieldFor: { invalid_input: "result", conflict: "result" },
    done,
  });
  return html`<form class="inline" id="follow-up-form" onSubmit=${save} novalidate>
    <${Field} label=${R.way} name="way" error=${form.errors.way}>
      <select name="way" value=${form.values.way} onChange=${form.set("way")}>
        ${Object.entries(R.ways).map(([k, v]) => html`<option value=${k}>${v}</option>`)}
      </select><//>
    <${Field} label=${R.result} name="result" error=${form.errors.result}>
      <textarea name="result" style="width:420px" value=${form.values.result} onInput=${form.set("result")}></textarea><//>
    <${Field} label=${R.satisfied} name="satisfied" check=${true}>
      <input type="checkbox" name="satisfied" checked=${form.values.satisfied} onChange=${form.set("satisfied")} /><//>
    <button type="submit" disabled=${form.busy}>${T.save}</button>
    <button type="button" class="secondary" onClick=${done}>${T.cancel}</button>
  </form><${FormMessages} form=${form} />`;
}

function AppealForm({ item, done }) {
  const form = useForm({ reason: "", evidence: "" });
  const save = (e) => form.submit(e, {
    required: ["reason"],
    run: (v) => post(`/rectifications/${item.id}/appeal`, { reason: v.reason.trim(), evidence: v.evidence.trim() || null }),
    fieldFor: { invalid_input: "reason", conflict: "reason" },
    done,
  });
  return html`<form class="inline" id="appeal-form" onSubmit=${save} novalidate>
    <${Field} label=${R.appealReason} name="reason" error=${form.errors.reason} hint=${R.appealReasonHint}>
      <input name="reason" style="width:360px" value=${form.values.reason} onInput=${form.set("reason")} /><//>
    <${Field} label=${R.appealEvidence} name="evidence" error=${form.errors.evidence} hint=${R.appealEvidenceHint}>
      <textarea name="evidence" style="width:420px" value=${form.values.evidence} onInput=${form.set("evidence")}></textarea><//>
    <button type="submit" disabled=${form.busy}>${R.appealSubmit}</button>
    <button type="button" class="secondary" onClick=${done}>${T.cancel}</button>
  </form><${FormMessages} form=${form} />`;
}

function DecisionForm({ item, done }) {
  const form = useForm({ upheld: "true", decision: "" });
  const save = (e) => form.submit(e, {
    required: ["decision"],
    run: (v) => post(`/rectifications/${item.id}/appeal/decision`, { upheld: v.upheld === "true", decision: v.decision.trim() }),
    fieldFor: { invalid_input: "decision", conflict: "decision" },
    done,
  });
  return html`<form class="inline" id="decision-form" onSubmit=${save} novalidate>
    <div class="small detail">${R.appealReason}：${item.appeal_reason}${item.appeal_evidence ? html`<br />${R.appealEvidence}：${item.appeal_evidence}` : null}</div>
    <${Field} label=${R.decision} name="upheld">
      <select name="upheld" value=${form.values.upheld} onChange=${form.set("upheld")}>
        <option value="true">${R.upheld}</option>
        <option value="false">${R.rejected}</option>
      </select><//>
    <${Field} label=${R.appealDecision} name="decision" error=${form.errors.decision}>
      <input name="decision" style="width:360px" value=${form.values.decision} onInput=${form.set("decision")} /><//>
    <button type="submit" disabled=${form.busy}>${R.decideSubmit}</button>
    <button type="button" class="secondary" onClick=${done}>${T.cancel}</button>
  </form><${FormMessages} form=${form} />`;
}

// A rating the applicant gave by phone (评价渠道 电话): the ticket by its number and day, the
// level, reasons and words; reported to the 好差评 platform like any rating.
function PhoneRatingForm({ hallId, zone, saved, close }) {
  const blank = { ticket_day: fmt.day(new Date(), zone), ticket_number: "", level: "5", reasons: "", comment: "" };
  const form = useForm(blank);
  const save = (e) => form.submit(e, {
    required: ["ticket_day", "ticket_number"],
    run: async (v) => {
      const ticket = await findTicket(hallId, v.ticket_day, v.ticket_number);
      const reasons = v.reasons.split(/[、,，;；\n]/).map((r) => r.trim()).filter(Boolean);
      const level = Number(v.level);
      const rated = await post(`/tickets/${ticket.ticket_id}/evaluation`, { level, reasons, comment: v.comment.trim() || null });
      return { number: ticket.number, level: rated.level };
    },
    fieldFor: { conflict: "ticket_number", already_exists: "ticket_number", rating_closed: "ticket_number", permission_denied: "ticket_number", not_found: "ticket_number" },
    done: (r) => { form.setValues(blank); saved(); form.setOk(R.phoneRated(r.number, T.levels[r.level])); },
  });
  return html`<section class="card" id="phone-rating">
    <h2>${R.phoneRating}</h2>
    <p class="small muted">${R.phoneRatingHint}</p>
    <form class="inline" id="phone-rating-form" onSubmit=${save} novalidate>
      <${Field} label=${T.comp.ticketDay} name="ticket_day" error=${form.errors.ticket_day}>
        <input type="date" name="ticket_day" value=${form.values.ticket_day} onInput=${form.set("ticket_day")} /><//>
      <${Field} label=${T.comp.ticketNumber} name="ticket_number" error=${form.errors.ticket_number}>
        <input name="ticket_number" placeholder=${T.comp.ticketExample} value=${form.values.ticket_number} onInput=${form.set("ticket_number")} style="width:100px" /><//>
      <${Field} label=${R.level} name="level" error=${form.errors.level}>
        <select name="level" value=${form.values.level} onChange=${form.set("level")}>
          ${[5, 4, 3, 2, 1].map((l) => html`<option value=${String(l)}>${T.levels[l]}</option>`)}
        </select><//>
      <${Field} label=${R.reasons} name="reasons" error=${form.errors.reasons} hint=${R.phoneReasonsHint}>
        <input name="reasons" style="width:220px" value=${form.values.reasons} onInput=${form.set("reasons")} /><//>
      <${Field} label=${R.phoneComment} name="comment" error=${form.errors.comment}>
        <input name="comment" style="width:260px" value=${form.values.comment} onInput=${form.set("comment")} /><//>
      <button type="submit" disabled=${form.busy}>${T.save}</button>
      <button type="button" class="secondary" onClick=${close}>${T.close}</button>
    </form><${FormMessages} form=${form} /></section>`;
}
