// 设置 › 公告: the hall notice its screens and kiosks show.
import { html } from "../../../vendor/preact-htm-3.1.1.js";
import { put } from "../../api.js";
import { T } from "../../texts.js";
import { Field, FormMessages, useForm } from "../../ui.js";
import { S } from "./shared.js";

export function Notice({ hall }) {
  const form = useForm({ text: hall.notice || "" });
  const save = (e) =>
    form.submit(e, {
      run: (v) => put(`/admin/halls/${hall.id}/notice`, { text: v.text }),
      fieldFor: { invalid_input: "text" },
    });
  return html`<section class="card">
    <form onSubmit=${save} id="notice-form" novalidate>
      <${Field} label=${S.notice.text} name="text" error=${form.errors.text} hint=${T.overview.noticeHint}>
        <textarea name="text" style="width:640px;min-height:90px" value=${form.values.text} onInput=${form.set("text")}></textarea><//>
      <div style="margin-top:8px"><button type="submit" disabled=${form.busy}>${T.save}</button></div>
      <${FormMessages} form=${form} />
    </form></section>`;
}
