// The hall as the live feed (/ws) tells it, and the alerts a supervisor must acknowledge.
// No DOM here: the overview page renders `state` whenever `onChange` fires.
//
// - Connects with the console's cookie (no token in the URL), keeps the last `seq`, and
//   after a blip reconnects with `since` = that seq (the server replays what was missed,
//   or sends a fresh snapshot). A silent connection (no pong within 45 s) is dropped and
//   resumed the same way. At the hall's midnight it starts over with a new snapshot.
// - "Now" is the server's clock, estimated from the `at` of the messages it sends, so
//   waits and times in state are right even when this PC's clock is not.
import { day as hallDay, span } from "./fmt.js";
import { T } from "./texts.js";

const PING_MS = 20000;
const SILENCE_MS = 45000;
const FATAL = new Set([4400, 4401, 4403, 4404]);

export class HallLive {
  constructor(hall, { services, devices, pauseLimitMin, onChange, onFatal }) {
    this.hall = hall; // {id, name, timezone}
    this.zone = hall.timezone || "Asia/Shanghai";
    this.targets = new Map(services.map((s) => [s.id, s])); // service id -> {target_wait_minutes, …}
    this.onChange = onChange;
    this.onFatal = onFatal;
    this.pauseLimitMin = pauseLimitMin;
    this.seq = null;
    this.offset = null; // server clock − this PC's clock (ms)
    this.businessDay = null;
    this.services = new Map();
    this.windows = new Map();
    this.devices = new Map(devices.map((d) => [d.id, d]));
    this.notice = "";
    this.recent = [];
    this.connected = false;
    this.closed = false;
    this.retry = 0;
    this.reconnects = 0;
    this.store = `gq.alerts.${hall.id}`;
    const saved = loadJSON(this.store, { alerts: [], acked: {} });
    this.alerts = saved.alerts;
    this.acked = saved.acked;
    this.episodes = new Map(Object.entries(saved.episodes || {}));
    this.timer = setInterval(() => this.tick(), 1000);
  }

  now() {
    return new Date(Date.now() + (this.offset ?? 0));
  }

  start() {
    this.connect();
  }

  stop() {
    this.closed = true;
    clearInterval(this.timer);
    clearInterval(this.pinger);
    if (this.ws) this.ws.close();
  }

  connect() {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const since = this.seq === null ? "" : `&since=${this.seq}`;
    const ws = new WebSocket(`${scheme}://${location.host}/ws?hall_id=${this.hall.id}${since}`);
    this.ws = ws;
    this.lastHeard = Date.now();
    ws.onopen = () => {
      this.retry = 0;
    };
    ws.onmessage = (e) => {
      this.lastHeard = Date.now();
      let message;
      try {
        message = JSON.parse(e.data);
      } catch {
        return;
      }
      this.receive(message);
    };
    ws.onclose = (e) => {
      if (this.ws !== ws) return;
      this.connected = false;
      clearInterval(this.pinger);
      this.changed();
      if (this.closed) return;
      if (FATAL.has(e.code)) {
        this.onFatal(e.code, this.refusal);
        return;
      }
      const delay = Math.min(10000, 500 * 2 ** this.retry++);
      this.reconnects++;
      setTimeout(() => !this.closed && this.connect(), delay);
    };
    clearInterval(this.pinger);
    this.pinger = setInterval(() => {
      if (ws.readyState !== WebSocket.OPEN) return;
      if (Date.now() - this.lastHeard > SILENCE_MS) ws.close();
      else ws.send('{"type":"ping"}');
    }, PING_MS);
  }

  // Drop the connection and resume from the last seq (as after a network blip).
  blip() {
    if (this.ws) this.ws.close();
  }

  clock(at) {
    if (!at) return;
    const estimate = new Date(at).getTime() - Date.now();
    // Replayed events are older than now: keep the largest estimate (the freshest message).
    if (this.offset === null || estimate > this.offset) this.offset = estimate;
  }

  receive(m) {
    if (m.type === "pong") return;
    if (m.type === "error") {
      this.refusal = m.detail;
      return;
    }
    this.connected = true;
    if (m.type === "snapshot") {
      this.offset = new Date(m.at).getTime() - Date.now();
      this.applySnapshot(m.data);
      this.seq = m.seq;
      this.changed();
      return;
    }
    if (typeof m.seq !== "number" || (this.seq !== null && m.seq <= this.seq)) return;
    this.seq = m.seq;
    this.clock(m.at);
    this.apply(m.type, m.data, m.at);
    this.changed();
  }

  applySnapshot(d) {
    this.businessDay = d.business_day;
    this.services = new Map(d.services.map((s) => [s.service_id, { ...s }]));
    this.windows = new Map(d.windows.map((w) => [w.window_id, { ...w }]));
    this.notice = d.notice || "";
    this.recent = (d.recent_calls || []).slice(0, 6);
  }

  apply(type, d, at) {
    if (type.startsWith("ticket.")) {
      this.applyTicket(type, d, at);
      if (type === "ticket.transferred" && d.new_ticket) this.applyTicket("ticket.issued", d.new_ticket, at);
    } else if (type === "window.status") {
      const w = this.windows.get(d.window_id) || { window_id: d.window_id, service_ids: [] };
      Object.assign(w, {
        window_number: d.window_number, state: d.state, pause_reason: d.pause_reason,
        staff_no: d.staff_no, staff_name: d.staff_name, state_since: d.state_since || at,
      });
      if (d.state === "closed") Object.assign(w, { current_number: null, current_status: null, current_ticket_id: null });
      this.windows.set(d.window_id, w);
    } else if (type === "queue.counts") {
      for (const s of d.services) this.services.set(s.service_id, { ...this.services.get(s.service_id), ...s });
    } else if (type === "notice.updated") {
      this.notice = d.text || "";
    } else if (type === "device.status") {
      const known = this.devices.get(d.device_id) || { id: d.device_id, kind: d.kind, label: d.label };
      this.devices.set(d.device_id, {
        ...known, label: d.label, status: d.status, printer: d.printer, detail: d.detail, reported_at: at,
      });
      this.deviceAlert(d, at);
    } else if (type === "evaluation.created") {
      if (d.level <= 2) {
        this.raise(`rating:${d.ticket_id}`, "bad", T.alert.ratingTitle,
          T.alert.rating(d.number, d.window_number, T.levels[d.level], (d.reasons || []).join("、")), at);
      }
    }
  }

  applyTicket(type, d, at) {
    const s = this.services.get(d.service_id);
    if (s && typeof d.waiting === "number") s.waiting = d.waiting;
    if (type === "ticket.called" || type === "ticket.recalled") {
      this.recent.unshift({ number: d.number, window_number: d.window_number, at, service_name: d.service_name });
      this.recent = this.recent.slice(0, 6);
    }
    if (d.window_id === null || d.window_id === undefined) return;
    const w = this.windows.get(d.window_id);
    if (!w) return;
    if (["called", "serving"].includes(d.status)) {
      Object.assign(w, { current_ticket_id: d.ticket_id, current_number: d.number, current_status: d.status });
    } else if (w.current_ticket_id === d.ticket_id) {
      Object.assign(w, { current_ticket_id: null, current_number: null, current_status: null });
    }
  }

  deviceAlert(d, at) {
    const paperOut = d.printer === "paper_out";
    const broken = !paperOut && d.status === "error";
    this.episode(`paper:${d.device_id}`, paperOut, "bad", T.alert.paperTitle, T.alert.paper(d.label), at);
    this.episode(`device:${d.device_id}`, broken, "bad", T.alert.deviceTitle,
      T.alert.device(d.label, d.detail || T.device.status.error), at);
  }

  // Every second: waits and pauses against their limits; a new business day starts over.
  tick() {
    if (this.offset === null) return;
    const now = this.now();
    if (this.businessDay && hallDay(now, this.zone) !== this.businessDay && this.connected) {
      this.seq = null; // a fresh snapshot: counts and windows of the new day
      this.businessDay = hallDay(now, this.zone);
      this.blip();
    }
    for (const s of this.services.values()) {
      const target = this.targets.get(s.service_id)?.target_wait_minutes;
      const wait = this.longestWait(s, now);
      const over = target !== undefined && wait !== null && wait > target * 60;
      this.episode(`wait:${s.service_id}`, over, "bad", T.alert.waitTitle,
        T.alert.wait(s.name, spanText(wait), target), now.toISOString());
    }
    for (const w of this.windows.values()) {
      const since = w.state_since ? (now - new Date(w.state_since)) / 1000 : 0;
      const long = w.state === "paused" && since > this.pauseLimitMin * 60;
      this.episode(`pause:${w.window_id}`, long, "warn", T.alert.pauseTitle,
        T.alert.pause(w.window_number, spanText(since), w.pause_reason), now.toISOString());
    }
    this.changed();
  }

  longestWait(s, now = this.now()) {
    if (!s.waiting || !s.oldest_waiting_at) return null;
    return Math.max(0, (now - new Date(s.oldest_waiting_at)) / 1000);
  }

  // A condition that holds for a while raises one alert per episode; the alert stays (marked
  // resolved when the condition ends) until someone acknowledges it.
  episode(condition, holds, level, title, text, at) {
    const running = this.episodes.get(condition);
    if (holds) {
      const key = running || `${condition}@${at}`;
      if (!running) {
        this.episodes.set(condition, key);
        this.save();
      }
      const existing = this.alerts.find((a) => a.key === key);
      if (existing) {
        existing.text = text;
        existing.resolved = false;
      } else {
        this.raise(key, level, title, text, at);
      }
    } else if (running) {
      this.episodes.delete(condition);
      this.save();
      const existing = this.alerts.find((a) => a.key === running);
      if (existing) existing.resolved = true;
    }
  }

  raise(key, level, title, text, at) {
    if (this.acked[key] || this.alerts.some((a) => a.key === key)) return;
    this.alerts.unshift({ key, level, title, text, at, resolved: false });
    this.save();
  }

  acknowledge(key) {
    this.alerts = this.alerts.filter((a) => a.key !== key);
    this.acked[key] = Date.now();
    this.save();
    this.changed();
  }

  acknowledgeAll() {
    for (const a of this.alerts) this.acked[a.key] = Date.now();
    this.alerts = [];
    this.save();
    this.changed();
  }

  save() {
    const week = Date.now() - 7 * 86400000;
    for (const [k, t] of Object.entries(this.acked)) if (t < week) delete this.acked[k];
    saveJSON(this.store, {
      alerts: this.alerts.slice(0, 200),
      acked: this.acked,
      episodes: Object.fromEntries(this.episodes),
    });
  }

  changed() {
    if (this.onChange) this.onChange(this);
  }
}

function spanText(seconds) {
  return seconds === null ? T.none : span(Math.floor(seconds / 60) * 60);
}

function loadJSON(key, fallback) {
  try {
    return JSON.parse(localStorage.getItem(key)) || fallback;
  } catch {
    return fallback;
  }
}

function saveJSON(key, value) {
  try {
    localStorage.setItem(key, JSON.stringify(value));
  } catch {
    /* storage full or disabled: alerts then live only as long as the page */
  }
}
