// 统计, two tabs: 指标统计 — a period (today, this week, this month, custom) and a grouping; the
// indicator table; three charts; the XLSX / CSV download of the same period (GET
// /stats/export) — and 开窗建议 (#plan, pages/stats_plan.js: GET /stats/plan).
import { html, useEffect, useRef, useState } from "../../vendor/preact-htm-3.1.1.js";
import { get, query } from "../api.js";
import * as fmt from "../fmt.js";
import { T } from "../texts.js";
import { ErrorBox, Field } from "../ui.js";
import { loadChartLibrary } from "../charts.js";
import { PlanView } from "./stats_plan.js";

const S = T.stats;
const VIEWS = ["indicators", "plan"];

export function StatsPage({ user, hall, hallId }) {
  const initial = location.hash === "#plan" ? "plan" : "indicators";
  const [view, setView] = useState(initial);
  const choose = (v) => {
    setView(v);
    history.replaceState(null, "", v === "plan" ? "#plan" : location.pathname + location.search);
  };
  return html`
    <h1>${S.title}</h1>
    <div class="tabs" role="tablist" id="stats-tabs">
      ${VIEWS.map((v) => html`<button type="button" role="tab" id=${`tab-${v}`} class=${v === view ? "on" : ""}
        aria-selected=${v === view} onClick=${() => choose(v)}>${S.views[v]}</button>`)}
    </div>
    ${view === "plan" ? html`<${PlanView} hall=${hall} hallId=${hallId} />` : html`<${IndicatorsView} user=${user} hallId=${hallId} />`}`;
}

function IndicatorsView({ user, hallId }) {
  const compare = hallId === "all";
  const [today, setToday] = useState(null); // the server's business day (its clock decides)
  const [period, setPeriod] = useState("today");
  const [range, setRange] = useState({ from: "", to: "" });
  const [group, setGroup] = useState(compare ? "hall" : "day");
  const [result, setResult] = useState(null);
  const [charts, setCharts] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const hallParam = compare ? {} : { hall_id: hallId };

  function bounds(p = period) {
    if (!today) return {};
    if (p === "today") return { from: today, to: today };
    if (p === "week") return { from: fmt.weekStart(today), to: today };
    if (p === "month") return { from: fmt.monthStart(today), to: today };
    return { from: range.from, to: range.to };
  }

  async function run(p = period, g = group) {
    setBusy(true);
    setError(null);
    try {
      const b = bounds(p);
      const params = { ...hallParam, ...b };
      const main = await get("/stats/indicators", { ...params, group_by: g });
      if (!today) setToday(main.from);
      setResult(main);
      const by = async (key) => (key === g ? main : get("/stats/indicators", { ...params, group_by: key }));
      const [hour, window, day] = await Promise.all([by("hour"), by(compare ? "hall" : "window"), by("day")]);
      setCharts({ hour, window, day });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  useEffect(() => {
    if (hallId !== null) run("today", group);
  }, [hallId]);

  if (hallId === null) return html`<p class="muted">${T.pickHallFirst}</p>`;
  const choose = (p) => {
    setPeriod(p);
    if (p !== "custom") run(p, group);
    else setRange({ from: result?.from || today || "", to: result?.to || today || "" });
  };
  const b = result ? { from: result.from, to: result.to } : {};
  const exportUrl = (format) => `/api/v1/stats/export${query({ ...hallParam, ...b, format })}`;
  const groups = compare ? ["hall", "day", "hour", "service"] : ["day", "hour", "service", "window", "staff"];
  return html`
    <section class="card controls" id="stats-controls">
      <${Field} label=${S.period} name="period">
        <span class="seg">${["today", "week", "month", "custom"].map((p) => html`
          <button type="button" id=${`period-${p}`} class=${p === period ? "on" : ""} onClick=${() => choose(p)}>${S[p]}</button>`)}
        </span><//>
      ${period === "custom" ? html`
        <${Field} label=${S.from} name="from" error=${error?.fields?.from}>
          <input type="date" id="from" value=${range.from} onInput=${(e) => setRange({ ...range, from: e.target.value })} /><//>
        <${Field} label=${S.to} name="to" error=${error?.fields?.to}>
          <input type="date" id="to" value=${range.to} onInput=${(e) => setRange({ ...range, to: e.target.value })} /><//>` : null}
      <${Field} label=${S.groupBy} name="group_by">
        <select id="group-by" value=${group} onChange=${(e) => { setGroup(e.target.value); run(period, e.target.value); }}>
          ${groups.map((g) => html`<option value=${g}>${S.groups[g]}</option>`)}
        </select><//>
      <button id="run-query" onClick=${() => run()} disabled=${busy}>${S.query}</button>
      <span style="flex:1"></span>
      ${result ? html`<a class="button" id="download-xlsx" href=${exportUrl("xlsx")} download>${S.xlsx}</a>
        <a class="button" id="download-csv" href=${exportUrl("csv")} download>${S.csv}</a>` : null}
    </section>
    <${ErrorBox} error=${error} />
    ${result ? html`<${IndicatorTable} result=${result} />` : html`<p class="muted">${T.loading}</p>`}
    ${charts ? html`<${Charts} charts=${charts} compare=${compare} />` : null}
  `;
}

function IndicatorTable({ result }) {
  const cols = T.indicatorColumns;
  return html`
    <section class="card scroll" id="indicators">
      <h2>${result.from === result.to ? result.from : T.periodRange(result.from, result.to)}
        <span class="small muted">${S.groups[result.group_by]}</span></h2>
      <table>
        <thead><tr><th>${S.group}</th>${cols.map(([, name]) => html`<th class="n">${name}</th>`)}</tr></thead>
        <tbody>
          ${result.rows.length === 0 ? html`<tr><td colspan=${cols.length + 1} class="muted">${S.empty}</td></tr>` : null}
          ${result.rows.map((r) => html`<tr data-key=${r.key}><td>${r.label}</td>
            ${cols.map(([field, , kind]) => html`<td class="n">${fmt.indicator(r.values[field], kind)}</td>`)}</tr>`)}
          <tr class="total" style="font-weight:700"><td>${S.total}</td>
            ${cols.map(([field, , kind]) => html`<td class="n">${fmt.indicator(result.total[field], kind)}</td>`)}</tr>
        </tbody>
      </table>
      <p class="small muted" id="appeal-note">${S.appealNote(result.total.appeal_excluded || 0)}</p>
    </section>`;
}

function Charts({ charts, compare }) {
  const refs = [useRef(null), useRef(null), useRef(null)];
  useEffect(() => {
    let made = [];
    loadChartLibrary().then((Chart) => {
      const base = { responsive: true, maintainAspectRatio: false, animation: false,
        plugins: { legend: { labels: { font: { size: 13 } } } } };
      const minutes = (s) => (s === null || s === undefined ? null : Math.round((s / 60) * 10) / 10);
      const pct = (r) => (r === null || r === undefined ? null : Math.round(r * 1000) / 10);
      made = [
        new Chart(refs[0].current, { type: "bar", options: base, data: {
          labels: charts.hour.rows.map((r) => r.label),
          datasets: [{ label: S.waitSeries, data: charts.hour.rows.map((r) => minutes(r.values.wait_avg_s)), backgroundColor: "#0b3d91" }] } }),
        new Chart(refs[1].current, { type: "bar", options: { ...base, scales: { y: { min: 0, max: 100 } } }, data: {
          labels: charts.window.rows.map((r) => r.label),
          datasets: [{ label: S.satisfactionSeries, data: charts.window.rows.map((r) => pct(r.values.satisfaction_rate)), backgroundColor: "#0f6b3a" }] } }),
        new Chart(refs[2].current, { type: "bar", options: base, data: {
          labels: charts.day.rows.map((r) => r.label),
          datasets: [
            { label: S.issuedSeries, data: charts.day.rows.map((r) => r.values.issued), backgroundColor: "#7a9cc6" },
            { label: S.servedSeries, data: charts.day.rows.map((r) => r.values.served), backgroundColor: "#0b3d91" },
          ] } }),
      ];
    });
    return () => made.forEach((c) => c.destroy());
  }, [charts]);
  return html`
    <section class="charts" id="charts">
      <div class="card"><h2>${S.chartWait}</h2><div class="chart-box"><canvas ref=${refs[0]}></canvas></div></div>
      <div class="card"><h2>${compare ? S.chartSatisfactionHalls : S.chartSatisfaction}</h2><div class="chart-box"><canvas ref=${refs[1]}></canvas></div></div>
      <div class="card"><h2>${S.chartDaily}</h2><div class="chart-box"><canvas ref=${refs[2]}></canvas></div></div>
    </section>`;
}
