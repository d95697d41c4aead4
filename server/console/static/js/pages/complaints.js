// 投诉: register a complaint (linked to a ticket and/or staff member), handle it, close it;
// overdue ones stand out.
import { html, useState } from "../../vendor/preact-htm-3.1.1.js";
import { get, post } from "../api.js";
import { findTicket } from "../find_ticket.js";
import * as fmt from "../fmt.js";
import { T } from "../texts.js";
import { ErrorBox, Field, FormMessages, useForm, useLoad } from "../ui.js";
import { Pager } from "./rectifications.js";

const C = T.comp;
const PAGE = 50;

// Personal data on screen is kept minimal (PIPL): 13812341234 -> 138****1234.
function maskPhone(phone) {
  if (!phone) return "";
  return phone.length >= 7 ? `${phone.slice(0, 3)}****${phone.slice(-4)}` : phone;
}

export function ComplaintsPage({ hallId, hall, user }) {
  const [state, setState] = useState("");
  const [overdue, setOverdue] = useState(false);
  const [offset, setOffset] = useState(0);
  const [handling, setHandling] = useState(null);
  const params = { hall_id: hallId === "all" ? undefined : hallId, state, overdue: overdue ? "true" : undefined, limit: PAGE, offset };
  const [page, error, reload] = useLoad(() => get("/complaints", params), [hallId, state, overdue, offset]);
  if (hallId === null) return html`<p class="muted">${T.pickHallFirst}</p>`;
  const zone = hall?.timezone || fmt.DEFAULT_ZONE;
  return html`
    <h1>${C.title}</h1>
    <div class="row">
      <div class="grow">
        <section class="card controls">
          <${Field} label=${C.state} name="state">
            <select id="comp-state" value=${state} onChange=${(e) => { setOffset(0); setState(e.target.value); }}>
              <option value="">${T.rect.all}</option>
              ${Object.entries(C.states).map(([k, v]) => html`<option value=${k}>${v}</option>`)}
            </select><//>
          <${Field} label=${T.rect.onlyOverdue} name="overdue" check=${true}>
            <input type="checkbox" id="comp-overdue" checked=${overdue} onChange=${(e) => { setOffset(0); setOverdue(e.target.checked); }} /><//>
        </section>
        <${ErrorBox} error=${error} />
        <section class="card scroll" id="complaints">
          <table>
            <thead><tr><th>${C.received}</th><th>${C.channel}</th><th>${C.content}</th><th>${C.links}</th>
              <th>${C.deadline}</th><th>${C.state}</th><th></th></tr></thead>
            <tbody>
              ${page && page.items.length === 0 ? html`<tr><td colspan="7" class="muted">${C.none}</td></tr>` : null}
              ${(page?.items || []).map((c) => html`
                <tr key=${c.id} data-complaint=${c.id} class=${c.overdue ? "overdue" : ""}>
                  <td class="num">${fmt.dateTime(c.received_at, zone)}</td>
                  <td>${c.channel_text || C.channels[c.channel]}</td>
                  <td class="detail">${c.content}${c.complainant_name ? html`<div class="small muted">${c.complainant_name} ${maskPhone(c.complainant_phone)}</div>` : null}</td>
                  <td class="small">${[c.ticket_number && C.ticketLink(c.ticket_number), c.staff_no && C.staffLink(c.staff_no)].filter(Boolean).join("，") || T.none}</td>
                  <td class="num">${fmt.dateTime(c.deadline, zone)}${c.overdue ? html` <span class="badge bad">${C.overdue}</span>` : null}</td>
                  <td><span class=${`badge ${c.state === "closed" ? "ok" : "warn"}`}>${c.state_text || C.states[c.state]}</span>
                    ${c.result ? html`<div class="small detail">${C.result}：${c.result}</div>` : null}</td>
                  <td>${c.state !== "closed" ? html`<button class="handle" onClick=${() => setHandling(c.id)}>${C.handle}</button>` : null}</td>
                </tr>
                ${handling === c.id ? html`<tr><td colspan="7"><${HandleForm} item=${c} done=${() => { setHandling(null); reload(); }} /></td></tr>` : null}`)}
            </tbody>
          </table>
          ${page ? html`<${Pager} total=${page.total} offset=${offset} setOffset=${setOffset} />` : null}
        </section>
      </div>
      ${hallId !== "all" ? html`<div class="side"><${Register} hallId=${hallId} hall=${hall} done=${reload} /></div>` : null}
    </div>`;
}

function Register({ hallId, hall, done }) {
  const zone = hall?.timezone || fmt.DEFAULT_ZONE;
  const blank = { channel: "onsite", content: "", ticket_day: "", ticket_number: "", staff_no: "", complainant_name: "", complainant_phone: "" };
  const form = useForm(blank);
  const save = (e) => form.submit(e, {
    required: ["content"],
    run: async (v) => {
      let ticketId;
      if (v.ticket_number.trim()) {
        const day = v.ticket_day || fmt.day(new Date(), zone);
        ticketId = (await findTicket(hallId, day, v.ticket_number)).ticket_id;
      }
      const body = { hall_id: hallId, channel: v.channel, content: v.content.trim() };
      if (ticketId) body.ticket_id = ticketId;
      for (const k of ["staff_no", "complainant_name", "complainant_phone"]) if (v[k].trim()) body[k] = v[k].trim();
      return post("/complaints", body);
    },
    fieldFor: { invalid_input: "content", not_found: "ticket_number" },
    done: () => { form.setValues(blank); done(); },
  });
  return html`<section class="card" id="register">
    <h2>${C.register}</h2>
    <form onSubmit=${save} id="complaint-form" novalidate style="display:flex;flex-direction:column;gap:10px">
      <${Field} label=${C.channel} name="channel" error=${form.errors.channel}>
        <select name="channel" value=${form.values.channel} onChange=${form.set("channel")}>
          ${Object.entries(C.channels).map(([k, v]) => html`<option value=${k}>${v}</option>`)}
        </select><//>
      <${Field} label=${C.content} name="content" error=${form.errors.content}>
        <textarea name="content" value=${form.values.content} onInput=${form.set("content")}></textarea><//>
      <div class="actions">
        <${Field} label=${C.ticketDay} name="ticket_day" error=${form.errors.ticket_day}>
          <input type="date" name="ticket_day" value=${form.values.ticket_day} onInput=${form.set("ticket_day")} /><//>
        <${Field} label=${C.ticketNumber} name="ticket_number" error=${form.errors.ticket_number}>
          <input name="ticket_number" placeholder=${C.ticketExample} value=${form.values.ticket_number} onInput=${form.set("ticket_number")} style="width:100px" /><//>
      </div>
      <${Field} label=${C.staffNo} name="staff_no" error=${form.errors.staff_no}>
        <input name="staff_no" value=${form.values.staff_no} onInput=${form.set("staff_no")} /><//>
      <div class="actions">
        <${Field} label=${C.name} name="complainant_name" error=${form.errors.complainant_name}>
          <input name="complainant_name" value=${form.values.complainant_name} onInput=${form.set("complainant_name")} style="width:120px" /><//>
        <${Field} label=${C.phone} name="complainant_phone" error=${form.errors.complainant_phone}>
          <input name="complainant_phone" value=${form.values.complainant_phone} onInput=${form.set("complainant_phone")} style="width:150px" /><//>
      </div>
      <div><button type="submit" disabled=${form.busy}>${C.register}</button></div>
      <${FormMessages} form=${form} />
    </form></section>`;
}

function HandleForm({ item, done }) {
  const form = useForm({ result: "", close: true });
  const save = (e) => form.submit(e, {
    required: ["result"],
    run: (v) => post(`/complaints/${item.id}/handle`, { result: v.result.trim(), close: !!v.close }),
    fieldFor: { invalid_input: "result", conflict: "result" },
    done,
  });
  return html`<form class="inline" id="handle-form" onSubmit=${save} novalidate>
    <${Field} label=${C.result} name="result" error=${form.errors.result}>
      <textarea name="result" style="width:480px" value=${form.values.result} onInput=${form.set("result")}></textarea><//>
    <${Field} label=${C.closeIt} name="close" check=${true}>
      <input type="checkbox" name="close" checked=${form.values.close} onChange=${form.set("close")} /><//>
    <button type="submit" disabled=${form.busy}>${T.save}</button>
    <button type="button" class="secondary" onClick=${done}>${T.cancel}</button>
  </form><${FormMessages} form=${form} />`;
}
