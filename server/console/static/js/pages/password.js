// 修改密码: the signed-in person's own password (POST /auth/password). Forced after a first
// password or an administrator's reset (the console shows nothing else until then), and
// reachable from every page's header. The server checks the old password and the rules and
// says what is wrong in words; the two new ones are compared here first.
import { html } from "../../vendor/preact-htm-3.1.1.js";
import { ApiError, api } from "../api.js";
import { T } from "../texts.js";
import { Field, FormMessages, signOut, useForm } from "../ui.js";
import { safeNext } from "./login.js";

const P = T.password;

export function PasswordPage({ user }) {
  const forced = Boolean(user.must_change_password);
  const form = useForm({ old_password: "", new_password: "", repeat: "" });
  const onSubmit = (e) => {
    if (e) e.preventDefault();
    if (form.values.repeat !== form.values.new_password && form.values.repeat) {
      form.submit(null, {
        required: [],
        run: () => Promise.reject(mismatch()),
        fieldFor: { mismatch: "repeat" },
      });
      return;
    }
    form.submit(null, {
      required: ["old_password", "new_password", "repeat"],
      run: (v) =>
        api("POST", "/auth/password", { old_password: v.old_password, new_password: v.new_password }),
      fieldFor: {
        wrong_password: "old_password",
        weak_password: "new_password",
        same_password: "new_password",
        too_many_attempts: "old_password",
      },
      done: () => {
        form.setValues({ old_password: "", new_password: "", repeat: "" });
        form.setOk(P.done);
        if (forced) location.assign(safeNext());
      },
    });
  };
  return html`
    <header class="top">
      <div class="brand">${T.brand}</div>
      <div class="spacer"></div>
      <span class="who">${user.name}（${T.roles[user.role]}）</span>
      ${forced ? null : html`<a class="link" id="back" href="/console/overview">${P.back}</a>`}
      <button class="link" id="sign-out" onClick=${signOut}>${T.signOut}</button>
    </header>
    <div class="login">
      <div class="card">
        <h1>${P.title}</h1>
        <p class="sub" id="password-why">${forced ? P.first : P.own}</p>
        <form id="password-form" onSubmit=${onSubmit} novalidate>
          <${Field} label=${P.old} name="old_password" error=${form.errors.old_password}>
            <input id="old_password" type="password" autocomplete="current-password" autofocus
              value=${form.values.old_password} onInput=${form.set("old_password")} />
          <//>
          <${Field} label=${P.new} name="new_password" error=${form.errors.new_password} hint=${P.rule}>
            <input id="new_password" type="password" autocomplete="new-password"
              value=${form.values.new_password} onInput=${form.set("new_password")} />
          <//>
          <${Field} label=${P.repeat} name="repeat" error=${form.errors.repeat}>
            <input id="repeat" type="password" autocomplete="new-password"
              value=${form.values.repeat} onInput=${form.set("repeat")} />
          <//>
          <button type="submit" id="change" disabled=${form.busy}>
            ${form.busy ? P.busy : P.submit}
          </button>
          <${FormMessages} form=${form} />
        </form>
      </div>
    </div>
  `;
}

function mismatch() {
  // shaped as the server's refusals are, so the form shows it under its field
  return new ApiError(422, { detail: P.mismatch, code: "mismatch" });
}
