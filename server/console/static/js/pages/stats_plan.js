// 统计 › 开窗建议: how many windows to open hour by hour on a day, from the hall's history
// (GET /stats/plan, simulated by the server's statistics process: a few seconds). The plan and
// the current staffing side by side, each figure with its spread over the simulated days.
import { html, useEffect, useRef, useState } from "../../vendor/preact-htm-3.1.1.js";
import { get } from "../api.js";
import * as fmt from "../fmt.js";
import { T } from "../texts.js";
import { ErrorBox, Field } from "../ui.js";
import { loadChartLibrary } from "../charts.js";

const P = T.plan;
const FIGURES = [
  ["wait_avg_s", P.waitAvg, fmt.duration],
  ["wait_p90_s", P.waitP90, fmt.duration],
  ["over_target_wait_rate", P.overRate, fmt.percent],
];

export function PlanView({ hallId }) {
  const [form, setForm] = useState({ day: "", from: "", to: "", target_minutes: "", runs: "20" });
  const [result, setResult] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);

  async function run(values = form) {
    setBusy(true);
    setError(null);
    try {
      const params = { hall_id: hallId };
      for (const key of ["day", "from", "to", "target_minutes", "runs"]) {
        if (values[key] !== "") params[key] = values[key];
      }
      const found = await get("/stats/plan", params);
      setResult(found);
      setForm({ ...values, day: found.day, from: found.from, to: found.to });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  useEffect(() => {
    if (typeof hallId === "number") run();
  }, [hallId]);

  if (typeof hallId !== "number") return html`<p class="muted">${T.pickHallFirst}</p>`;
  const field = (name, type, extra = {}) => html`
    <input type=${type} id=${`plan-${name}`} name=${name} value=${form[name]} ...${extra}
      onInput=${(e) => setForm({ ...form, [name]: e.target.value })} />`;
  return html`
    <section class="card controls" id="plan-controls">
      <${Field} label=${P.day} name="day" error=${error?.fields?.day}>${field("day", "date")}<//>
      <${Field} label=${P.from} name="from" error=${error?.fields?.from}>${field("from", "date")}<//>
      <${Field} label=${P.to} name="to" error=${error?.fields?.to}>${field("to", "date")}<//>
      <${Field} label=${P.target} name="target_minutes" hint=${P.targetHint}>
        ${field("target_minutes", "number", { min: 1, max: 240, placeholder: P.ownTargets, style: "width:9em" })}<//>
      <${Field} label=${P.runs} name="runs">${field("runs", "number", { min: 1, max: 200, style: "width:6em" })}<//>
      <button id="plan-run" onClick=${() => run()} disabled=${busy}>${busy ? P.running(form.runs || 20) : P.run}</button>
    </section>
    <${ErrorBox} error=${error} />
    ${result ? html`<${PlanResult} result=${result} />` : html`<p class="muted">${busy ? P.running(form.runs || 20) : T.loading}</p>`}`;
}

function Spread({ value, range, format }) {
  const main = format(value);
  if (!range) return html`${main}`;
  const [low, high] = range.map(format);
  return html`${main}<div class="small muted">${low === high ? low : `${low}–${high}`}</div>`;
}

function Figures({ side }) {
  return FIGURES.map(([key, , format]) => html`
    <td class="n"><${Spread} value=${side[key]} range=${side[`${key}_range`]} format=${format} /></td>`);
}

function PlanResult({ result }) {
  const current = result.current_day ? P.currentOf(result.current_day) : P.currentAll;
  const plan = result.total.plan;
  const now = result.total.current;
  return html`
    <section class="card" id="plan-summary">
      <h2>${P.heading(result.day, result.day_class_label)}
        <span class="small muted">${P.target_line(result)}</span></h2>
      <div class="row">
        <div class="grow"><div class="muted small">${P.plannedHours}</div>
          <div class="big" id="plan-window-hours">${plan.window_hours} <span class="small">${P.windowHours}</span></div></div>
        <div class="grow"><div class="muted small">${current}</div>
          <div class="big">${now.window_hours} <span class="small">${P.windowHours}</span></div></div>
        <div class="grow"><div class="muted small">${P.dayWait}</div>
          <div class="big">${fmt.duration(plan.wait_avg_s)} <span class="small muted">/ ${fmt.duration(now.wait_avg_s)}</span></div></div>
        <div class="grow"><div class="muted small">${P.dayOver}</div>
          <div class="big">${fmt.percent(plan.over_target_wait_rate)} <span class="small muted">/ ${fmt.percent(now.over_target_wait_rate)}</span></div></div>
      </div>
      ${result.unmet_hours.length ? html`<p><span class="badge bad">${P.unmetBadge}</span> ${P.unmet(result.unmet_hours)}</p>` : null}
    </section>
    <section class="card scroll" id="plan-table">
      <table>
        <thead>
          <tr><th rowspan="2">${P.hour}</th><th class="n" rowspan="2">${P.arrivals}</th>
            <th colspan="5" class="group plan">${P.plan}</th><th colspan="4" class="group current">${current}</th></tr>
          <tr><th class="n">${P.windows}</th><th>${P.which}</th>${FIGURES.map(([, name]) => html`<th class="n">${name}</th>`)}
            <th class="n">${P.windows}</th>${FIGURES.map(([, name]) => html`<th class="n">${name}</th>`)}</tr>
        </thead>
        <tbody>
          ${result.hours.map((h) => html`
            <tr data-hour=${h.hour} class=${h.plan.met ? "" : "overdue"}>
              <td>${h.label}</td><td class="n">${h.arrivals.toFixed(1)}</td>
              <td class="n plan-open"><b>${h.plan.open}</b>${h.plan.met ? null : html` <span class="badge bad">${P.unmetBadge}</span>`}</td>
              <td class="plan-windows">${h.plan.windows.length ? h.plan.windows.join("、") : T.none}</td>
              <${Figures} side=${h.plan} />
              <td class="n">${Number(h.current.open.toFixed(2))}</td>
              <${Figures} side=${h.current} />
            </tr>`)}
          <tr class="total" style="font-weight:700"><td>${P.day_total}</td><td class="n">${result.total.arrivals.toFixed(1)}</td>
            <td class="n">${plan.window_hours}</td><td class="small muted">${P.windowHours}</td><${Figures} side=${plan} />
            <td class="n">${now.window_hours}</td><${Figures} side=${now} /></tr>
        </tbody>
      </table>
      <p class="small muted">${P.spreadNote(result.runs, result.seed)}</p>
    </section>
    <${PlanChart} result=${result} current=${current} />
    <section class="card" id="plan-notes">
      <h2>${P.notes}</h2>
      <ul>${result.notes.map((n) => html`<li>${n}</li>`)}</ul>
      <${Basis} result=${result} />
    </section>`;
}

function PlanChart({ result, current }) {
  const canvas = useRef(null);
  useEffect(() => {
    let chart = null;
    loadChartLibrary().then((Chart) => {
      const minutes = (s) => (s === null || s === undefined ? null : Math.round((s / 60) * 10) / 10);
      chart = new Chart(canvas.current, {
        data: {
          labels: result.hours.map((h) => h.label.slice(0, 5)),
          datasets: [
            { type: "bar", label: P.plan, data: result.hours.map((h) => h.plan.open), backgroundColor: "#0b3d91", yAxisID: "y", order: 2 },
            { type: "bar", label: current, data: result.hours.map((h) => h.current.open), backgroundColor: "#c9a227", yAxisID: "y", order: 2 },
            { type: "line", label: `${P.plan} · ${P.waitP90}`, data: result.hours.map((h) => minutes(h.plan.wait_p90_s)),
              borderColor: "#c0392b", backgroundColor: "#c0392b", yAxisID: "w", spanGaps: true, order: 1, borderWidth: 3 },
            { type: "line", label: `${current} · ${P.waitP90}`, data: result.hours.map((h) => minutes(h.current.wait_p90_s)),
              borderColor: "#555f6b", backgroundColor: "#555f6b", borderDash: [6, 4], yAxisID: "w", spanGaps: true, order: 1, borderWidth: 3 },
          ],
        },
        options: {
          responsive: true, maintainAspectRatio: false, animation: false,
          plugins: { legend: { labels: { font: { size: 13 } } } },
          scales: {
            y: { beginAtZero: true, title: { display: true, text: P.axisWindows }, ticks: { precision: 0 } },
            w: { beginAtZero: true, position: "right", grid: { drawOnChartArea: false }, title: { display: true, text: P.axisMinutes } },
          },
        },
      });
    });
    return () => chart && chart.destroy();
  }, [result]);
  return html`
    <section class="card" id="plan-chart">
      <h2>${P.chart}</h2>
      <div class="chart-box" style="height:260px"><canvas ref=${canvas}></canvas></div>
    </section>`;
}

function Basis({ result }) {
  return html`
    <div class="row" id="plan-basis">
      <div class="grow scroll">
        <h3 class="small">${P.servicesTitle}</h3>
        <table>
          <thead><tr><th>${P.service}</th><th class="n">${P.targetMinutes}</th><th class="n">${P.historyTickets}</th>
            <th class="n">${P.expected}</th><th class="n">${P.occupancyAvg}</th><th class="n">${P.occupancyP90}</th><th class="n">${P.green}</th></tr></thead>
          <tbody>${result.services.map((s) => html`<tr><td>${s.name}</td><td class="n">${s.target_minutes}</td>
            <td class="n">${s.history_tickets}</td><td class="n">${s.expected_tickets.toFixed(1)}</td>
            <td class="n">${fmt.duration(s.occupancy_avg_s)}</td><td class="n">${fmt.duration(s.occupancy_p90_s)}</td>
            <td class="n">${fmt.percent(s.green_share)}</td></tr>`)}</tbody>
        </table>
      </div>
      <div class="side scroll">
        <h3 class="small">${P.windowsTitle}</h3>
        <table>
          <tbody>${result.windows.map((w) => html`<tr><td>${T.windowNo(w.number)}</td><td>${w.services.join(" → ")}</td></tr>`)}</tbody>
        </table>
      </div>
    </div>`;
}
