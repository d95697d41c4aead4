// 登录: 工号 and password → the HttpOnly session cookie. Window staff are refused by the server
// with a message saying where they should sign in instead.
import { html } from "../../vendor/preact-htm-3.1.1.js";
import { api } from "../api.js";
import { T } from "../texts.js";
import { Field, useForm } from "../ui.js";

export function safeNext() {
  const next = new URLSearchParams(location.search).get("next") || "";
  // Only a page of this console: never an absolute or protocol-relative address.
  return /^\/console\/[a-z]+(\?[^\s]*)?$/.test(next) ? next : "/console/overview";
}

export function LoginPage() {
  const form = useForm({ staff_no: "", password: "" });
  const onSubmit = (e) =>
    form.submit(e, {
      required: ["staff_no", "password"],
      run: (v) => api("POST", "/auth/session", { staff_no: v.staff_no.trim(), password: v.password }, { redirectOn401: false }),
      fieldFor: { bad_credentials: "password", console_role: "staff_no", inactive: "staff_no", too_many_attempts: "password" },
      done: (user) =>
        location.assign(
          user && user.must_change_password
            ? `/console/password?next=${encodeURIComponent(safeNext())}`
            : safeNext(),
        ),
    });
  return html`
    <header class="top"><div class="brand">${T.brand}</div></header>
    <div class="login">
      <div class="card">
        <h1>${T.login.title}</h1>
        <p class="sub">${T.login.sub}</p>
        <form onSubmit=${onSubmit} novalidate>
          <${Field} label=${T.login.staffNo} name="staff_no" error=${form.errors.staff_no}>
            <input id="staff_no" autocomplete="username" autofocus value=${form.values.staff_no}
              onInput=${form.set("staff_no")} />
          <//>
          <${Field} label=${T.login.password} name="password" error=${form.errors.password}>
            <input id="password" type="password" autocomplete="current-password"
              value=${form.values.password} onInput=${form.set("password")} />
          <//>
          <button type="submit" id="sign-in" disabled=${form.busy}>
            ${form.busy ? T.login.busy : T.login.submit}
          </button>
          ${form.formError ? html`<p class="form-error" role="alert">${form.formError}</p>` : null}
        </form>
      </div>
    </div>
  `;
}
