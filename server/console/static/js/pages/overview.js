// 实时总览: the hall live from /ws, no reload. Queues against their targets, windows, kiosks
// and their printers, the notice, and alerts that stay until acknowledged.
import { html, useEffect, useRef, useState } from "../../vendor/preact-htm-3.1.1.js";
import { get, put } from "../api.js";
import * as fmt from "../fmt.js";
import { deviceState } from "../devices.js";
import { HallLive } from "../live.js";
import { T } from "../texts.js";
import { ErrorBox, Field, FormMessages, useForm } from "../ui.js";

const O = T.overview;

export function OverviewPage({ hall, user }) {
  const [, setTick] = useState(0);
  const [fatal, setFatal] = useState(null);
  const [error, setError] = useState(null);
  const live = useRef(null);

  useEffect(() => {
    if (!hall) return undefined;
    let stopped = false;
    Promise.all([get(`/halls/${hall.id}/services`), get(`/halls/${hall.id}/devices`)]).then(
      ([services, devices]) => {
        if (stopped) return;
        const feed = new HallLive(hall, {
          services,
          devices,
          onChange: () => setTick((n) => n + 1),
          onFatal: (code, detail) => setFatal(detail || String(code)),
        });
        live.current = feed;
        window.gqLive = feed; // for diagnostics and the browser tests
        feed.start();
      },
      setError,
    );
    return () => {
      stopped = true;
      if (live.current) live.current.stop();
    };
  }, [hall && hall.id]);

  if (!hall) return html`<p class="muted">${T.pickHallFirst}</p>`;
  if (error) return html`<${ErrorBox} error=${error} />`;
  const feed = live.current;
  if (!feed || feed.seq === null) {
    return html`<p class="muted">${fatal ? O.connRefused + fatal : T.loading}</p>`;
  }
  return html`
    <div class="row" style="align-items:center;margin-bottom:8px">
      <h1 style="margin:0">${feed.hall.name || O.title} · ${O.title}</h1>
      <span class=${`conn ${feed.connected ? "up" : "down"}`} id="conn">
        ${fatal ? O.connRefused + fatal : feed.connected ? O.connUp : O.connDown}
      </span>
      <span class="small muted num">${fmt.dateTime(feed.now(), feed.zone)}</span>
    </div>
    <div class="row">
      <div class="grow">
        <${Services} feed=${feed} />
        <${Windows} feed=${feed} />
        <${Recent} feed=${feed} />
      </div>
      <div class="side">
        <${Alerts} feed=${feed} />
        <${Devices} feed=${feed} />
        <${Notice} feed=${feed} hall=${hall} />
      </div>
    </div>
  `;
}

function Services({ feed }) {
  const now = feed.now();
  const rows = [...feed.services.values()];
  return html`
    <section class="card" id="services">
      <h2>${O.services}</h2>
      <table>
        <thead><tr>
          <th>${O.service}</th><th class="n">${O.waiting}</th><th>${O.longest}</th><th class="n">${O.target}</th><th>${O.state}</th>
        </tr></thead>
        <tbody>
          ${rows.map((s) => {
            const wait = feed.longestWait(s, now);
            const target = feed.targets.get(s.service_id)?.target_wait_minutes;
            const over = target !== undefined && wait !== null && wait > target * 60;
            const fill = target && wait !== null ? Math.min(100, (wait / (target * 60)) * 100) : 0;
            return html`<tr data-service=${s.service_id}>
              <td><b>${s.prefix}</b> ${s.name}</td>
              <td class="n big waiting">${s.waiting}</td>
              <td class="num wait">${fmt.duration(wait)}<span class=${`bar ${over ? "over" : ""}`}><i style=${`width:${fill}%`}></i></span></td>
              <td class="n">${target === undefined ? T.none : T.minutes(target)}</td>
              <td>${wait === null ? html`<span class="badge idle">${O.nobodyWaits}</span>`
                : over ? html`<span class="badge bad">${O.overTarget}</span>`
                : html`<span class="badge ok">${O.withinTarget}</span>`}</td>
            </tr>`;
          })}
        </tbody>
      </table>
    </section>`;
}

const STATE_BADGE = { open: "ok", paused: "warn", closed: "idle" };

function Recent({ feed }) {
  return html`
    <section class="card" id="recent">
      <h2>${O.recentCalls}</h2>
      ${feed.recent.length === 0 ? html`<p class="muted small">${T.none}</p>` : html`
      <div class="recent">${feed.recent.map((c) => html`<div class="call">
        <div class="ticket">${c.number}</div>
        <div class="small">${T.windowAt(c.window_number, fmt.time(c.at, feed.zone))}</div></div>`)}</div>`}
    </section>`;
}

function Windows({ feed }) {
  const now = feed.now();
  const names = new Map([...feed.services.values()].map((s) => [s.service_id, s.name]));
  return html`
    <section class="card" id="windows">
      <h2>${O.windows}<span style="flex:1"></span>
        <span class="small muted" style="font-weight:400" id="pause-limit">${O.pauseLimit(feed.pauseLimitMin)}</span>
      </h2>
      <table>
        <thead><tr>
          <th>${O.window}</th><th>${O.state}</th><th>${O.staff}</th><th>${O.current}</th><th>${O.since}</th><th>${O.serves}</th>
        </tr></thead>
        <tbody>
          ${[...feed.windows.values()].map((w) => {
            const since = w.state_since ? (now - new Date(w.state_since)) / 1000 : null;
            const long = w.state === "paused" && since > feed.pauseLimitMin * 60;
            return html`<tr data-window=${w.window_id} class=${long ? "overdue" : ""}>
              <td><b>${T.windowNo(w.window_number)}</b></td>
              <td><span class=${`badge ${STATE_BADGE[w.state] || "idle"}`}>${O.windowState[w.state] || w.state}</span>
                ${w.pause_reason ? html` <span class="small muted">${w.pause_reason}</span>` : null}</td>
              <td>${w.staff_name ? `${w.staff_name}（${w.staff_no}）` : T.none}</td>
              <td class="current"><span class="ticket">${w.current_number || T.none}</span>
                ${w.current_status ? html` <span class="small muted">${O.ticketState[w.current_status] || ""}</span>` : null}</td>
              <td class="num">${fmt.duration(since)}</td>
              <td class="small">${(w.service_ids || []).map((id) => names.get(id) || id).join("、")}</td>
            </tr>`;
          })}
        </tbody>
      </table>
    </section>`;
}

function Alerts({ feed }) {
  const alerts = feed.alerts;
  return html`
    <section class="card" id="alerts">
      <h2>${O.alerts} <span class=${`badge ${alerts.length ? "bad" : "ok"}`}>${alerts.length}</span>
        <span style="flex:1"></span>
        ${feed.helpToday !== null ? html`<span class="small muted" style="font-weight:400" id="help-today">${O.helpToday(feed.helpToday)}</span>` : null}
        ${alerts.length > 1 ? html`<button class="secondary" onClick=${() => feed.acknowledgeAll()}>${O.ackAll}</button>` : null}
      </h2>
      ${alerts.length === 0 ? html`<div class="alerts"><div class="none">${O.noAlerts}</div></div>` : null}
      <ul class="alerts">
        ${alerts.map((a) => html`
          <li class=${a.level} data-alert=${a.id} data-kind=${a.kind} data-subject=${a.subject}>
            <div class="what">
              <b>${T.alert.title[a.kind] || a.kind}${a.resolved_at ? O.resolved : ""}</b>
              <span>${a.text}</span>
              <div class="small muted">${fmt.time(a.raised_at, feed.zone)}</div>
            </div>
            <button class="secondary ack" onClick=${() => feed.acknowledge(a.id)}>${O.ack}</button>
          </li>`)}
      </ul>
    </section>`;
}

const KIND_ORDER = { kiosk: 0, display: 1, window: 2 };

export function DeviceRows({ devices, zone }) {
  const rows = [...devices].sort((a, b) => (KIND_ORDER[a.kind] ?? 9) - (KIND_ORDER[b.kind] ?? 9) || a.id - b.id);
  return rows.map((d) => {
    const state = deviceState(d);
    return html`<tr data-device=${d.id} data-kind=${d.kind}>
      <td>${d.label}<div class="small muted">${T.device.kind[d.kind] || d.kind}</div></td>
      <td class="health"><span class=${`badge ${state.badge}`}>${state.label}</span>
        ${d.detail && d.online !== false ? html`<div class="small muted">${d.detail}</div>` : null}</td>
      <td class="small num"><span class="seen">${d.last_seen_at ? fmt.time(d.last_seen_at, zone) : T.none}</span>
        ${d.version ? html`<div class="muted version">${d.version}</div>` : null}</td>
    </tr>`;
  });
}

function Devices({ feed }) {
  const devices = [...feed.devices.values()];
  return html`
    <section class="card" id="devices">
      <h2>${O.devices}</h2>
      ${devices.length === 0 ? html`<p class="muted small">${O.noDevices}</p>` : html`
      <table>
        <thead><tr><th>${O.device}</th><th>${O.health}</th><th>${O.lastSeen}</th></tr></thead>
        <tbody><${DeviceRows} devices=${devices} zone=${feed.zone} /></tbody>
      </table>`}
    </section>`;
}

function Notice({ feed, hall }) {
  const [editing, setEditing] = useState(false);
  const form = useForm({ text: feed.notice });
  const save = (e) =>
    form.submit(e, {
      run: (v) => put(`/admin/halls/${hall.id}/notice`, { text: v.text }),
      fieldFor: { invalid_input: "text" },
      done: () => setEditing(false),
    });
  return html`
    <section class="card" id="notice">
      <h2>${O.notice}<span style="flex:1"></span>
        ${editing ? null : html`<button class="secondary" id="edit-notice"
          onClick=${() => { form.setValues({ text: feed.notice }); setEditing(true); }}>${O.editNotice}</button>`}
      </h2>
      ${editing
        ? html`<form onSubmit=${save}>
            <${Field} label=${O.notice} name="text" error=${form.errors.text} hint=${O.noticeHint}>
              <textarea id="notice-text" maxlength="600" value=${form.values.text} onInput=${form.set("text")}></textarea>
            <//>
            <div class="actions" style="margin-top:8px">
              <button type="submit" disabled=${form.busy}>${T.save}</button>
              <button type="button" class="secondary" onClick=${() => setEditing(false)}>${T.cancel}</button>
            </div>
            <${FormMessages} form=${form} />
          </form>`
        : html`<div class="notice-text" id="notice-current">${feed.notice || O.noNotice}</div>`}
    </section>`;
}
