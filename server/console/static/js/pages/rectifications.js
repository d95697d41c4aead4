// 差评整改: every bad rating with its ticket, window, staff, reasons, deadline (working days)
// and state; record the rectification (整改) and the follow-up (回访); overdue ones stand out.
import { html, useState } from "../../vendor/preact-htm-3.1.1.js";
import { get, post } from "../api.js";
import * as fmt from "../fmt.js";
import { T } from "../texts.js";
import { ErrorBox, Field, FormMessages, useForm, useLoad } from "../ui.js";

const R = T.rect;
const PAGE = 50;

export function RectificationsPage({ hallId, hall }) {
  const [state, setState] = useState("");
  const [overdue, setOverdue] = useState(false);
  const [offset, setOffset] = useState(0);
  const [open, setOpen] = useState(null); // {id, kind: "rectify" | "follow"}
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
    </section>
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
              <td class="num">${fmt.dateTime(r.deadline, zone)}${r.overdue ? html` <span class="badge bad">${R.overdue}</span>` : null}</td>
              <td><span class=${`badge ${r.state === "open" ? "warn" : "ok"}`}>${r.state_text || R.states[r.state]}</span>
                ${r.measures ? html`<div class="small detail">${R.measures}：${r.measures}</div>` : null}
                ${r.followup_result ? html`<div class="small detail">${R.result}：${r.followup_result}（${r.followup_satisfied ? R.againSatisfied : R.stillUnsatisfied}）</div>` : null}</td>
              <td class="actions">
                ${r.state === "open" ? html`<button class="rectify" onClick=${() => setOpen({ id: r.id, kind: "rectify" })}>${R.rectify}</button>` : null}
                ${r.state === "rectified" ? html`<button class="follow-up" onClick=${() => setOpen({ id: r.id, kind: "follow" })}>${R.followUp}</button>` : null}
              </td>
            </tr>
            ${open && open.id === r.id ? html`<tr><td colspan="10">
              ${open.kind === "rectify"
                ? html`<${RectifyForm} item=${r} done=${() => { setOpen(null); reload(); }} />`
                : html`<${FollowUpForm} item=${r} done=${() => { setOpen(null); reload(); }} />`}
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
