// 设置 › 大厅: the chosen hall's rules, one card each (PATCH /admin/halls/{id}).
import { html } from "../../../vendor/preact-htm-3.1.1.js";
import { get, patch } from "../../api.js";
import { T } from "../../texts.js";
import { Field, useForm, useLoad } from "../../ui.js";
import { FormCard, S, checked, numberBox } from "./shared.js";

export function HallRuleCards({ hall }) {
  return html`
    <${HallRules} hall=${hall} />
    <${LoopRules} hall=${hall} />
    <${ElderlyRules} hall=${hall} />
    <${PhoneRules} hall=${hall} />`;
}

// How long the QR page takes a rating, when a pause is an alert, and whether windows may put
// a no-show back in the queue (the ticket's footer says which).
function HallRules({ hall }) {
  const R = S.hall.rules;
  const form = useForm({
    rating_window_days: String(hall.rating_window_days ?? 7),
    pause_alert_minutes: String(hall.pause_alert_minutes ?? 15),
    no_show_requeue: hall.no_show_requeue !== false,
  });
  const save = (e) =>
    form.submit(e, {
      required: ["rating_window_days", "pause_alert_minutes"],
      run: (v) => patch(`/admin/halls/${hall.id}`, {
        rating_window_days: Number(v.rating_window_days),
        pause_alert_minutes: Number(v.pause_alert_minutes),
        no_show_requeue: Boolean(v.no_show_requeue),
      }),
    });
  return html`<${FormCard} id="hall-rules" title=${R.title} form=${form} save=${save} hint=${R.requeueHint}>
    <${Field} label=${R.ratingDays} name="rating_window_days" error=${form.errors.rating_window_days} hint=${R.ratingHint}>
      ${numberBox(form, "rating_window_days", 1, 90, 90)}<//>
    <${Field} label=${R.pauseMinutes} name="pause_alert_minutes" error=${form.errors.pause_alert_minutes}>
      ${numberBox(form, "pause_alert_minutes", 1, 480, 90)}<//>
    <label class="check"><input type="checkbox" name="no_show_requeue" checked=${form.values.no_show_requeue}
      onChange=${checked(form, "no_show_requeue")} /> ${R.requeue}</label>
  <//>`;
}

// 适老化 (issue 29): kiosks in 长辈版, 绿色通道 calls said twice, the 导办 desk (呼叫帮办).
function ElderlyRules({ hall }) {
  const E = S.hall.elderly;
  const [windows] = useLoad(() => get("/admin/windows", { hall_id: hall.id }), [hall.id]);
  const form = useForm({
    kiosk_elderly: !!hall.kiosk_elderly,
    repeat_priority_calls: !!hall.repeat_priority_calls,
    guide_window_id: String(hall.guide_window_id ?? 0),
  });
  const save = (e) =>
    form.submit(e, {
      run: (v) => patch(`/admin/halls/${hall.id}`, {
        kiosk_elderly: Boolean(v.kiosk_elderly),
        repeat_priority_calls: Boolean(v.repeat_priority_calls),
        guide_window_id: Number(v.guide_window_id),
      }),
    });
  return html`<${FormCard} id="hall-elderly" title=${E.title} form=${form} save=${save} hint=${E.hint}>
    <label class="check"><input type="checkbox" name="kiosk_elderly" checked=${form.values.kiosk_elderly}
      onChange=${checked(form, "kiosk_elderly")} /> ${E.kiosk}</label>
    <label class="check"><input type="checkbox" name="repeat_priority_calls" checked=${form.values.repeat_priority_calls}
      onChange=${checked(form, "repeat_priority_calls")} /> ${E.repeat}</label>
    <${Field} label=${E.guide} name="guide_window_id" error=${form.errors.guide_window_id}>
      <select name="guide_window_id" value=${form.values.guide_window_id} onChange=${form.set("guide_window_id")}>
        <option value="0">${E.noGuide}</option>
        ${(windows || []).map((w) => html`<option value=${String(w.id)}>${T.windowNo(w.number)}</option>`)}
      </select><//>
  <//>`;
}

// The 差评 loop (issue 25): 办件编号 at 办结, the 整改 and 回访 deadlines, 超期预警, 追评.
function LoopRules({ hall }) {
  const L = S.hall.loop;
  const form = useForm({
    case_numbers: hall.case_numbers || "off",
    rectification_working_days: String(hall.rectification_working_days ?? 15),
    followup_working_days: String(hall.followup_working_days ?? 1),
    rectification_warn_days: String(hall.rectification_warn_days ?? 3),
    followup_warn_hours: String(hall.followup_warn_hours ?? 4),
    re_rating: hall.re_rating !== false,
  });
  const numbers = ["rectification_working_days", "followup_working_days", "rectification_warn_days", "followup_warn_hours"];
  const save = (e) =>
    form.submit(e, {
      required: numbers,
      run: (v) => patch(`/admin/halls/${hall.id}`, {
        case_numbers: v.case_numbers,
        ...Object.fromEntries(numbers.map((k) => [k, Number(v[k])])),
        re_rating: Boolean(v.re_rating),
      }),
    });
  return html`<${FormCard} id="loop-rules" title=${L.title} form=${form} save=${save} hint=${L.hint}>
    <${Field} label=${L.cases} name="case_numbers" error=${form.errors.case_numbers}>
      <select name="case_numbers" value=${form.values.case_numbers} onChange=${form.set("case_numbers")}>
        ${Object.entries(L.casesOptions).map(([k, v]) => html`<option value=${k}>${v}</option>`)}
      </select><//>
    <${Field} label=${L.rectDays} name="rectification_working_days" error=${form.errors.rectification_working_days}>${numberBox(form, "rectification_working_days", 1, 60)}<//>
    <${Field} label=${L.followDays} name="followup_working_days" error=${form.errors.followup_working_days}>${numberBox(form, "followup_working_days", 1, 30)}<//>
    <${Field} label=${L.rectWarn} name="rectification_warn_days" error=${form.errors.rectification_warn_days}>${numberBox(form, "rectification_warn_days", 0, 30)}<//>
    <${Field} label=${L.followWarn} name="followup_warn_hours" error=${form.errors.followup_warn_hours}>${numberBox(form, "followup_warn_hours", 0, 72)}<//>
    <label class="check"><input type="checkbox" name="re_rating" checked=${form.values.re_rating}
      onChange=${checked(form, "re_rating")} /> ${L.reRating}</label>
  <//>`;
}

// The applicant's phone (issue 27): 到号提醒 on the ticket's page, 扫码过号重排.
function PhoneRules({ hall }) {
  const M = S.hall.phone;
  const form = useForm({
    notify_ahead: String(hall.notify_ahead ?? 3),
    rejoin_allowed: hall.rejoin_allowed !== false,
    rejoin_minutes: String(hall.rejoin_minutes ?? 10),
    rejoin_position: hall.rejoin_position || "behind",
    rejoin_behind: String(hall.rejoin_behind ?? 3),
  });
  const numbers = ["notify_ahead", "rejoin_minutes", "rejoin_behind"];
  const save = (e) =>
    form.submit(e, {
      required: numbers,
      run: (v) => patch(`/admin/halls/${hall.id}`, {
        ...Object.fromEntries(numbers.map((k) => [k, Number(v[k])])),
        rejoin_allowed: Boolean(v.rejoin_allowed),
        rejoin_position: v.rejoin_position,
      }),
    });
  return html`<${FormCard} id="phone-rules" title=${M.title} form=${form} save=${save} hint=${M.hint}>
    <${Field} label=${M.notifyAhead} name="notify_ahead" error=${form.errors.notify_ahead} hint=${M.notifyHint}>${numberBox(form, "notify_ahead", 0, 50)}<//>
    <label class="check"><input type="checkbox" name="rejoin_allowed" checked=${form.values.rejoin_allowed}
      onChange=${checked(form, "rejoin_allowed")} /> ${M.rejoin}</label>
    <${Field} label=${M.rejoinMinutes} name="rejoin_minutes" error=${form.errors.rejoin_minutes}>${numberBox(form, "rejoin_minutes", 1, 120)}<//>
    <${Field} label=${M.position} name="rejoin_position" error=${form.errors.rejoin_position}>
      <select name="rejoin_position" value=${form.values.rejoin_position} onChange=${form.set("rejoin_position")}>
        ${Object.entries(M.positions).map(([k, v]) => html`<option value=${k}>${v}</option>`)}
      </select><//>
    <${Field} label=${M.behind} name="rejoin_behind" error=${form.errors.rejoin_behind}>${numberBox(form, "rejoin_behind", 1, 50)}<//>
  <//>`;
}
