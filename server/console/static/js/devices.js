// How a device's state reads on the overview and under 设置 → 设备.
import { T } from "./texts.js";

const O = T.overview;

// One line for a device: 离线 first, then its printer (kiosks), then its health.
export function deviceState(d) {
  if (d.online === false) return { label: T.device.offline, badge: "bad" };
  if (d.online === null || d.online === undefined) {
    if (!d.status) return { label: O.neverReported, badge: "idle" };
  }
  const bad = d.printer === "paper_out" || d.status === "error";
  const warn = d.status === "warning" || d.printer === "paper_low";
  const label = d.printer && d.printer !== "ok" ? T.device.printer[d.printer] || d.printer : T.device.status[d.status] || O.neverReported;
  return { label, badge: bad ? "bad" : warn ? "warn" : "ok" };
}
