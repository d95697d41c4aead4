// 设置 (admins): halls, services, windows, staff, devices and the hall notice, all through
// the same /api/v1/admin routes as `govqueue admin` and any other client. One module per tab
// (settings/*.js, what they share in settings/shared.js); 预约 and 维护 are pages of their own.
import { html, useState } from "../../vendor/preact-htm-3.1.1.js";
import { T } from "../texts.js";
import { AppointmentSettings } from "./appointment_settings.js";
import { Maintenance } from "./maintenance.js";
import { Devices } from "./settings/devices.js";
import { HallRuleCards } from "./settings/hall_rules.js";
import { Halls } from "./settings/halls.js";
import { Notice } from "./settings/notice.js";
import { Services } from "./settings/services.js";
import { S } from "./settings/shared.js";
import { Staff } from "./settings/staff.js";
import { Windows } from "./settings/windows.js";

const TABS = ["halls", "services", "windows", "staff", "devices", "notice", "appointments", "maintenance"];

export function SettingsPage({ user, hall, halls }) {
  const initial = new URLSearchParams(location.search).get("tab");
  const [tab, setTab] = useState(TABS.includes(initial) ? initial : hall ? "services" : "halls");
  if (user.role !== "admin") return html`<p class="form-error">${S.adminOnly}</p>`;
  const needsHall = tab !== "halls" && tab !== "maintenance" && !hall;
  return html`
    <h1>${S.title}${hall ? ` · ${hall.name}` : ""}</h1>
    <div class="tabs" role="tablist">
      ${TABS.map((t) => html`<button role="tab" id=${`tab-${t}`} class=${t === tab ? "on" : ""}
        onClick=${() => setTab(t)}>${S.tabs[t]}</button>`)}
    </div>
    ${needsHall ? html`<p class="muted">${halls.length ? T.pickHallFirst : T.noHalls}</p>` : null}
    ${tab === "halls" ? html`<${Halls} user=${user} halls=${halls} />` : null}
    ${tab === "halls" && hall ? html`<${HallRuleCards} hall=${hall} />` : null}
    ${tab === "services" && hall ? html`<${Services} hall=${hall} />` : null}
    ${tab === "windows" && hall ? html`<${Windows} hall=${hall} />` : null}
    ${tab === "staff" && hall ? html`<${Staff} hall=${hall} user=${user} />` : null}
    ${tab === "devices" && hall ? html`<${Devices} hall=${hall} />` : null}
    ${tab === "notice" && hall ? html`<${Notice} hall=${hall} />` : null}
    ${tab === "appointments" && hall ? html`<${AppointmentSettings} hall=${hall} />` : null}
    ${tab === "maintenance" ? html`<${Maintenance} />` : null}
  `;
}
