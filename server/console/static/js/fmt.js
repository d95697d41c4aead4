// Formatting: times in the hall's zone (Asia/Shanghai by default), durations, rates.
import { T } from "./texts.js";

export const DEFAULT_ZONE = "Asia/Shanghai";

const formatters = new Map();
function formatter(zone, opts) {
  const key = zone + JSON.stringify(opts);
  if (!formatters.has(key)) {
    formatters.set(key, new Intl.DateTimeFormat("zh-CN", { timeZone: zone, hour12: false, ...opts }));
  }
  return formatters.get(key);
}

function parts(date, zone) {
  const out = {};
  for (const p of formatter(zone, {
    year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit",
  }).formatToParts(date)) out[p.type] = p.value;
  if (out.hour === "24") out.hour = "00";
  return out;
}

export function toDate(value) {
  return value instanceof Date ? value : new Date(value);
}

export function time(value, zone = DEFAULT_ZONE) {
  if (!value) return T.none;
  const p = parts(toDate(value), zone);
  return `${p.hour}:${p.minute}:${p.second}`;
}

export function dateTime(value, zone = DEFAULT_ZONE) {
  if (!value) return T.none;
  const p = parts(toDate(value), zone);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

export function day(value, zone = DEFAULT_ZONE) {
  const p = parts(toDate(value), zone);
  return `${p.year}-${p.month}-${p.day}`;
}

// A duration in seconds as 时:分:秒 / 分:秒 (tabular), "—" for null.
export function duration(seconds) {
  if (seconds === null || seconds === undefined || Number.isNaN(seconds)) return T.none;
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${ss}` : `${m}:${ss}`;
}

// Words for a long span: "1 小时 5 分", "12 分钟", "40 秒".
export function span(seconds) {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return T.units.seconds(s);
  const m = Math.floor(s / 60);
  if (m < 60) return T.units.minutes(m);
  return T.units.hours(Math.floor(m / 60), m % 60);
}

export function percent(rate) {
  if (rate === null || rate === undefined) return T.none;
  return `${(rate * 100).toFixed(1)}%`;
}

export function count(n) {
  return n === null || n === undefined ? T.none : String(n);
}

export function indicator(value, kind) {
  if (kind === "p") return percent(value);
  if (kind === "s") return duration(value);
  return count(value);
}

// Working-day-free helpers for the period picker (dates as YYYY-MM-DD in the hall's zone).
export function addDays(iso, days) {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export function weekStart(iso) {
  const d = new Date(`${iso}T00:00:00Z`);
  const weekday = (d.getUTCDay() + 6) % 7; // Monday = 0
  return addDays(iso, -weekday);
}

export function monthStart(iso) {
  return `${iso.slice(0, 8)}01`;
}
