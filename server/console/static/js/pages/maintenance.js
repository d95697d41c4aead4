// 设置 → 夜间维护: the nightly maintenance's last runs (GET /api/v1/maintenance/runs), each
// step with its result, so an administrator sees a failed backup or rollup the next morning.
import { html } from "../../vendor/preact-htm-3.1.1.js";
import { get } from "../api.js";
import * as fmt from "../fmt.js";
import { T } from "../texts.js";
import { ErrorBox, useLoad } from "../ui.js";

const M = T.settings.maintenance;

export function Maintenance() {
  const [runs, error] = useLoad(() => get("/maintenance/runs"), []);
  return html`
    <section class="card">
      <p class="muted">${M.about}</p>
      ${error ? html`<${ErrorBox} error=${error} />` : null}
      ${runs && !runs.length ? html`<p class="muted">${M.none}</p>` : null}
      <table id="maintenance-runs">
        <thead><tr><th>${M.night}</th><th>${M.result}</th><th>${M.finished}</th>
          ${["rollup", "retention", "backup", "checkpoint"].map((s) => html`<th>${M.steps[s]}</th>`)}</tr></thead>
        <tbody>${(runs || []).map((run) => html`<tr key=${run.night}>
          <td class="nowrap">${run.night}</td>
          <td class=${run.ok === false ? "bad nowrap" : "nowrap"}>${run.ok === null ? M.running : run.ok ? M.ok : M.failed}</td>
          <td>${run.finished_at ? fmt.dateTime(run.finished_at) : "—"}</td>
          ${run.steps.map((s) => html`<td class=${s.ok ? "" : "bad"}>${s.ok ? "✓ " : "✗ "}${s.detail}</td>`)}
        </tr>`)}</tbody>
      </table>
    </section>`;
}
