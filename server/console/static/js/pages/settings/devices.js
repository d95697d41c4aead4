// 设置 › 设备: kiosks, hall screens and window pads; a new one's token (QR) and pairing code,
// each one's health as it last reported it.
import { html, useEffect, useState } from "../../../vendor/preact-htm-3.1.1.js";
import { del, get, post } from "../../api.js";
import { deviceState } from "../../devices.js";
import * as fmt from "../../fmt.js";
import { T } from "../../texts.js";
import { ErrorBox, Field, useForm, useLoad } from "../../ui.js";
import { FormCard, S, textField, useRowAction } from "./shared.js";

function qrDataUrl(text) {
  const qr = window.qrcode(0, "M");
  qr.addData(text);
  qr.make();
  return qr.createDataURL(6, 2);
}

function loadQrLibrary() {
  if (window.qrcode) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = "/console/static/vendor/qrcode-generator-1.4.4.js";
    script.onload = resolve;
    script.onerror = reject;
    document.head.appendChild(script);
  });
}

export function Devices({ hall }) {
  const [data, error, reload] = useLoad(
    () => Promise.all([
      get("/admin/devices", { hall_id: hall.id }),
      get("/admin/windows", { hall_id: hall.id }),
      get(`/halls/${hall.id}/devices`),
    ]),
    [hall.id],
  );
  const [devices, windows, healthList] = data || [[], [], []];
  const health = new Map(healthList.map((d) => [d.id, d]));
  const form = useForm({ kind: "kiosk", label: "", window_id: "" });
  const [created, setCreated] = useState(null);
  const [rowError, act] = useRowAction();
  useEffect(() => {
    loadQrLibrary();
  }, []);
  const create = (e) =>
    form.submit(e, {
      required: form.values.kind === "window" ? ["label", "window_id"] : ["label"],
      run: (v) => post("/admin/devices", {
        hall_id: hall.id, kind: v.kind, label: v.label.trim(),
        window_id: v.kind === "window" && v.window_id ? Number(v.window_id) : null,
      }),
      fieldFor: { invalid_input: "window_id" },
      done: async (device) => {
        await loadQrLibrary();
        const pairing = await post(`/admin/devices/${device.id}/pairing-code`, {});
        setCreated({ ...device, qr: qrDataUrl(device.token), pairing });
        form.setValues({ kind: "kiosk", label: "", window_id: "" });
        reload();
      },
    });
  const revoke = (d) =>
    confirm(S.device.confirmRevoke) &&
    act(async () => {
      await del(`/admin/devices/${d.id}`);
      reload();
    });
  const pairAgain = (d) =>
    act(async () => setCreated({ ...d, pairing: await post(`/admin/devices/${d.id}/pairing-code`, {}) }));
  const numbers = new Map(windows.map((w) => [w.id, w.number]));
  return html`
    ${created ? html`<section class="card">
        <div class="token-box" id="device-token" style="margin-top:0">
          ${created.qr ? html`<img src=${created.qr} alt=${S.device.qrAlt} />` : null}
          <div><b>${created.label}</b>（${T.device.kind[created.kind]}）
            ${created.token ? html`<div class="small">${S.device.tokenOnce}</div>
            <code class="token">${created.token}</code>` : null}
            ${created.pairing ? html`<div class="pairing" id="pairing-code">
              <div class="small">${S.device.pairingHint(fmt.time(created.pairing.expires_at, hall.timezone))}</div>
              <code class="pairing-code">${created.pairing.code}</code>
              <div class="small muted">govqueue ${created.kind === "window" ? "window --evaluator" : created.kind} --server ${location.origin} --pair ${created.pairing.code}</div>
            </div>` : null}
            <div class="small muted">${S.device.server}${location.origin}</div>
          </div>
        </div>
      </section>` : null}
    <section class="card">
      <${ErrorBox} error=${error || rowError} />
      <table id="device-list">
        <thead><tr><th>${S.device.label}</th><th>${S.device.kind}</th><th>${S.device.window}</th>
          <th>${S.device.health}</th><th>${S.device.lastSeen}</th><th>${S.device.version}</th><th>${S.device.created}</th><th></th></tr></thead>
        <tbody>${devices.map((d) => {
          const h = health.get(d.id);
          const state = h ? deviceState(h) : null;
          return html`<tr key=${d.id} data-device=${d.id} data-kind=${d.kind}><td>${d.label}</td>
          <td>${T.device.kind[d.kind] || d.kind}</td><td>${d.window_id ? T.windowNo(numbers.get(d.window_id) || d.window_id) : T.none}</td>
          <td class="health">${state ? html`<span class=${`badge ${state.badge}`}>${state.label}</span>
            ${h.detail && h.online !== false ? html`<div class="small muted">${h.detail}</div>` : null}` : T.none}</td>
          <td class="num small seen">${h && h.last_seen_at ? fmt.dateTime(h.last_seen_at, hall.timezone) : T.none}</td>
          <td class="small version">${(h && h.version) || T.none}</td>
          <td class="num small">${fmt.dateTime(d.created_at, hall.timezone)}</td>
          <td>${d.revoked_at
            ? html`<span class="badge idle revoked">${S.device.revoked} ${fmt.dateTime(d.revoked_at, hall.timezone)}</span>`
            : html`<button class="secondary pair" onClick=${() => pairAgain(d)}>${S.device.pair}</button>
              <button class="danger revoke" onClick=${() => revoke(d)}>${S.device.revoke}</button>`}</td></tr>`;
        })}
        </tbody>
      </table>
    </section>
    <${FormCard} id="device-form" title=${S.device.create} form=${form} save=${create} button=${S.device.create}>
      <${Field} label=${S.device.kind} name="kind" error=${form.errors.kind}>
        <select name="kind" value=${form.values.kind} onChange=${form.set("kind")}>
          ${["kiosk", "display", "window"].map((k) => html`<option value=${k}>${T.device.kind[k]}</option>`)}
        </select><//>
      ${textField(form, "label", S.device.label, 180)}
      ${form.values.kind === "window" ? html`
        <${Field} label=${S.device.window} name="window_id" error=${form.errors.window_id}>
          <select name="window_id" value=${form.values.window_id} onChange=${form.set("window_id")}>
            <option value="">—</option>
            ${windows.map((w) => html`<option value=${w.id}>${T.windowNo(w.number)}</option>`)}
          </select><//>` : null}
    <//>`;
}
