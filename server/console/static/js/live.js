// The hall as the live feed (/ws) tells it, and the alerts a supervisor must acknowledge.
// No DOM here: the overview page renders `state` whenever `onChange` fires.
//
// - Connects with the console's cookie (no token in the URL), keeps the last `seq`, and
//   after a blip reconnects with `since` = that seq (the server replays what was missed,
//   or sends a fresh snapshot). Retries come at most RETRY_MAX_MS apart, so the page is
//   back within a few seconds of the server. A silent connection (no pong within 45 s) is
//   dropped and resumed the same way. At the hall's midnight it starts over.
// - Alerts are the server's (GET /alerts, then alert.raised / .resolved / .acknowledged):
//   a supervisor who opens the console later sees them, and one 确认 is for everyone.
// - "Now" is the server's clock, estimated from the `at` of the messages it sends, so
//   waits and times in state are right even when this PC's clock is not.
import { get, post } from "./api.js";
import { day as hallDay } from "./fmt.js";

const PING_MS = 20000;
const SILENCE_MS = 45000;
const RETRY_FIRST_MS = 250;
const RETRY_MAX_MS = 2000;
const DEVICES_REFRESH_MS = 30000; // last seen moves with heartbeats, which make no event
const FATAL = new Set([4400, 4401, 4403, 4404]);

export class HallLive {
  constructor(hall, { services, devices, onChange, onFatal }) {
    this.hall = hall; // {id, name, timezone}
    this.zone = hall.timezone || "Asia/Shanghai";
    this.targets = new Map(services.map((s) => [s.id, s])); // service id -> {target_wait_minutes, …}
    this.onChange = onChange;
    this.onFatal = onFatal;
    this.pauseLimitMin = 15; // the hall's, from GET /alerts
    this.helpToday = null; // 呼叫帮办 today (GET /help/counts, then help.requested)
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
    this.alertsById = new Map(); // alert id -> the route's alert object
    this.acknowledged = new Set(); // ids acknowledged while this page was open
    this.timer = setInterval(() => this.tick(), 1000);
    this.deviceTimer = setInterval(() => this.loadDevices(), DEVICES_REFRESH_MS);
    this.onOnline = () => {
      if (!this.connected && !this.closed) this.reconnectNow();
    };
    window.addEventListener("online", this.onOnline);
  }

  // Newest first; what the overview lists.
  get alerts() {
    return [...this.alertsById.values()].sort((a, b) => b.id - a.id);
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
    clearInterval(this.deviceTimer);
    clearInterval(this.pinger);
    clearTimeout(this.retryTimer);
    window.removeEventListener("online", this.onOnline);
    if (this.ws) this.ws.close();
  }

  reconnectNow() {
    clearTimeout(this.retryTimer);
    if (this.ws && this.ws.readyState <= WebSocket.OPEN) return;
    this.connect();
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
      const delay = Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** this.retry++);
      this.reconnects++;
      clearTimeout(this.retryTimer);
      this.retryTimer = setTimeout(() => !this.closed && this.connect(), delay);
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
      this.loadAlerts(); // what happened while this page was away (or before it opened)
      this.loadDevices();
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
        ...known, label: d.label, status: d.status, printer: d.printer, detail: d.detail,
        online: d.online !== false, version: d.version ?? known.version,
        last_seen_at: d.last_seen_at || at, reported_at: d.online === false ? known.reported_at : at,
      });
    } else if (type === "alert.raised") {
      const known = this.alertsById.get(d.alert_id) || {};
      this.alertsById.set(d.alert_id, { ...known, ...d, id: d.alert_id, resolved_at: null, live: true });
    } else if (type === "alert.resolved") {
      const known = this.alertsById.get(d.alert_id);
      if (known) known.resolved_at = d.resolved_at;
    } else if (type === "alert.acknowledged") {
      this.alertsById.delete(d.alert_id);
      this.acknowledged.add(d.alert_id);
    } else if (type === "help.requested" && this.helpToday !== null) {
      this.helpToday += 1;
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

  // Every second: waits and pauses against their limits; a new business day starts over.
  tick() {
    if (this.offset === null) return;
    const now = this.now();
    if (this.businessDay && hallDay(now, this.zone) !== this.businessDay && this.connected) {
      this.seq = null; // a fresh snapshot: counts and windows of the new day
      this.businessDay = hallDay(now, this.zone);
      this.blip();
    }
    this.changed();
  }

  longestWait(s, now = this.now()) {
    if (!s.waiting || !s.oldest_waiting_at) return null;
    return Math.max(0, (now - new Date(s.oldest_waiting_at)) / 1000);
  }

  async loadAlerts() {
    try {
      const answer = await get("/alerts", { hall_id: this.hall.id });
      this.pauseLimitMin = answer.pause_alert_minutes;
      const fresh = new Map();
      for (const a of answer.items) {
        if (!this.acknowledged.has(a.id)) fresh.set(a.id, a);
      }
      // raised live while the list was on its way
      for (const [id, a] of this.alertsById) if (!fresh.has(id) && a.live) fresh.set(id, a);
      this.alertsById = fresh;
      this.helpToday = (await get("/help/counts", { hall_id: this.hall.id })).total;
      this.changed();
    } catch {
      /* the next snapshot (reconnect) asks again */
    }
  }

  async loadDevices() {
    if (!this.connected) return;
    try {
      const devices = await get(`/halls/${this.hall.id}/devices`);
      this.devices = new Map(devices.map((d) => [d.id, d]));
      this.changed();
    } catch {
      /* shown as they were; the next refresh asks again */
    }
  }

  async acknowledge(id) {
    await post(`/alerts/${id}/ack`);
    this.alertsById.delete(id);
    this.acknowledged.add(id);
    this.changed();
  }

  async acknowledgeAll() {
    for (const a of this.alerts) await this.acknowledge(a.id);
  }

  changed() {
    if (this.onChange) this.onChange(this);
  }
}
