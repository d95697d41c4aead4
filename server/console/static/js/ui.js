// Shared pieces: the page frame (header, navigation, hall picker, sign-out), form fields that
// show the server's message next to themselves, and small helpers.
import { html, useEffect, useState } from "../vendor/preact-htm-3.1.1.js";
import { ApiError, del, get } from "./api.js";
import { T } from "./texts.js";

export { html };

const HALL_KEY = "gq.hall";

// The hall the page is about: ?hall= in the address, else the last one picked, else the
// user's own. A supervisor's own hall always wins (the server would refuse any other).
export function chosenHall(user) {
  if (user.hall_id !== null && user.role !== "admin") return user.hall_id;
  if (user.hall_id !== null) return user.hall_id;
  const fromUrl = new URLSearchParams(location.search).get("hall");
  if (fromUrl === "all") return "all";
  if (fromUrl) return Number(fromUrl);
  const saved = localStorage.getItem(HALL_KEY);
  if (saved === "all") return "all";
  return saved ? Number(saved) : null;
}

export function pickHall(id) {
  localStorage.setItem(HALL_KEY, String(id));
  const url = new URL(location.href);
  url.searchParams.set("hall", String(id));
  location.assign(url.toString());
}

export async function signOut() {
  try {
    await del("/auth/session");
  } finally {
    location.assign("/console/login");
  }
}

export function Frame({ user, page, halls, hallId, allowAll = false, children }) {
  const pages = ["overview", "stats", "appointments", "rectifications", "complaints", "platform", "sms"];
  if (user.role === "admin") pages.push("settings");
  const deploymentAdmin = user.role === "admin" && user.hall_id === null;
  const hallQuery = hallId && deploymentAdmin ? `?hall=${hallId}` : "";
  return html`
    <header class="top">
      <div class="brand">${T.brand}</div>
      <nav>
        ${pages.map(
          (p) => html`<a href=${`/console/${p}${hallQuery}`} class=${p === page ? "active" : ""}
            data-page=${p}>${T.nav[p]}</a>`,
        )}
      </nav>
      <div class="spacer"></div>
      ${deploymentAdmin
        ? html`<select aria-label=${T.hallPick} id="hall-picker"
            onChange=${(e) => pickHall(e.target.value)}>
            ${hallId === null ? html`<option value="">${T.hallPick}</option>` : null}
            ${allowAll ? html`<option value="all" selected=${hallId === "all"}>${T.allHalls}</option>` : null}
            ${(halls || []).map(
              (h) => html`<option value=${h.id} selected=${h.id === hallId}>${h.name}</option>`,
            )}
          </select>`
        : html`<span class="who">${(halls || []).find((h) => h.id === hallId)?.name || ""}</span>`}
      <span class="who">${user.name}（${T.roles[user.role]}）</span>
      <a class="link" id="change-password" href="/console/password">${T.changePassword}</a>
      <button class="link" id="sign-out" onClick=${signOut}>${T.signOut}</button>
    </header>
    <main>${children}</main>
  `;
}

// A labelled input whose error (client check or the server's Chinese message) is shown under it.
export function Field({ label, name, error, hint, children, check = false }) {
  return html`
    <label class=${`field ${check ? "check" : ""} ${error ? "has-error" : ""}`} data-field=${name}>
      ${check ? children : null}
      <span class="name">${label}</span>
      ${check ? null : children}
      ${hint && !error ? html`<span class="small muted">${hint}</span>` : null}
      ${error ? html`<span class="field-error" role="alert">${error}</span>` : null}
    </label>
  `;
}

// State for one form: values, per-field errors, a form-level error, and submit().
export function useForm(initial) {
  const [values, setValues] = useState(initial);
  const [errors, setErrors] = useState({});
  const [formError, setFormError] = useState("");
  const [busy, setBusy] = useState(false);
  const [ok, setOk] = useState("");
  const set = (name) => (e) => {
    const v = e.target.type === "checkbox" ? e.target.checked : e.target.value;
    setValues((old) => ({ ...old, [name]: v }));
  };
  async function submit(e, { required = [], run, fieldFor = {}, done }) {
    if (e) e.preventDefault();
    const missing = {};
    for (const name of required) {
      if (values[name] === undefined || String(values[name]).trim() === "") missing[name] = T.required;
    }
    setOk("");
    if (Object.keys(missing).length) {
      setErrors(missing);
      setFormError("");
      return;
    }
    setBusy(true);
    try {
      const result = await run(values);
      setErrors({});
      setFormError("");
      setOk(T.saved);
      if (done) done(result);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      const fields = { ...err.fields };
      const target = fieldFor[err.code];
      if (target && !Object.keys(fields).length) fields[target] = err.detail;
      setErrors(fields);
      setFormError(Object.keys(fields).length ? "" : err.detail);
    } finally {
      setBusy(false);
    }
  }
  return { values, setValues, set, errors, formError, busy, ok, submit, setOk };
}

export function FormMessages({ form }) {
  return html`${form.formError ? html`<p class="form-error" role="alert">${form.formError}</p>` : null}
    ${form.ok && !form.formError ? html`<p class="form-ok">${form.ok}</p>` : null}`;
}

// Load data once (and again when `deps` change); returns [data, error, reload].
export function useLoad(fn, deps) {
  const [state, setState] = useState({ data: null, error: null });
  const [n, setN] = useState(0);
  useEffect(() => {
    let live = true;
    fn().then(
      (data) => live && setState({ data, error: null }),
      (error) => live && setState({ data: null, error }),
    );
    return () => {
      live = false;
    };
  }, [...deps, n]);
  return [state.data, state.error, () => setN((x) => x + 1)];
}

export function ErrorBox({ error }) {
  if (!error) return null;
  return html`<p class="form-error" role="alert">${error.detail || error.message}</p>`;
}

export async function loadHalls(user) {
  if (user.role === "admin") return get("/admin/halls");
  return [{ id: user.hall_id, name: user.hall_name || "", timezone: user.hall_timezone || "Asia/Shanghai" }];
}
