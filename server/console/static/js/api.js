// The REST API (/api/v1) with the console's cookie session: the browser sends the HttpOnly
// cookie by itself; every change carries the CSRF token from the gq_csrf cookie.
import { T } from "./texts.js";

export class ApiError extends Error {
  constructor(status, body) {
    super(body.detail || T.networkError);
    this.status = status;
    this.code = body.code || `http_${status}`;
    this.detail = body.detail || T.networkError;
    this.fields = fieldMessages(body);
  }
}

// A 422 from request validation lists its problems in `detail` ("请求内容不正确：A；B") in
// the order of `errors[].loc`: give each field its own sentence.
function fieldMessages(body) {
  const out = {};
  if (!Array.isArray(body.errors) || typeof body.detail !== "string") return out;
  const parts = body.detail.replace(/^请求内容不正确：/, "").split("；");
  body.errors.forEach((err, i) => {
    const loc = (err.loc || []).filter((p) => typeof p === "string" && !["body", "query", "path"].includes(p));
    const name = loc[0];
    if (name && parts[i] && !out[name]) out[name] = parts[i];
  });
  return out;
}

export function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)gq_csrf=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) {
    if (v !== undefined && v !== null && v !== "") q.set(k, v);
  }
  const s = q.toString();
  return s ? `?${s}` : "";
}

export async function api(method, path, body, { params, redirectOn401 = true } = {}) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (!["GET", "HEAD"].includes(method)) headers["X-CSRF-Token"] = csrfToken();
  let response;
  try {
    response = await fetch(`/api/v1${path}${query(params)}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin",
    });
  } catch {
    throw new ApiError(0, { detail: T.networkError, code: "network" });
  }
  if (response.status === 204) return null;
  let data;
  try {
    data = await response.json();
  } catch {
    data = { detail: T.networkError };
  }
  if (!response.ok) {
    if (response.status === 401 && redirectOn401) toLogin();
    throw new ApiError(response.status, data);
  }
  return data;
}

export const get = (path, params) => api("GET", path, undefined, { params });
export const post = (path, body) => api("POST", path, body ?? {});
export const patch = (path, body) => api("PATCH", path, body);
export const put = (path, body) => api("PUT", path, body);
export const del = (path) => api("DELETE", path);

export function toLogin() {
  const back = location.pathname + location.search;
  if (!location.pathname.endsWith("/login")) {
    location.assign(`/console/login?next=${encodeURIComponent(back)}`);
  }
}
