"""The page of /t/{public_token}: one HTML document, its style and script inline, nothing
from another host (first load about 12 KB; tests/console/test_phone_page_browser.py counts it).

The server renders the whole page, so it reads without script (then it reloads itself every
15 s: the <noscript> refresh). With script (ticket_page.js) it follows the ticket's own live
feed, /t/{public_token}/live (server/realtime/ticket_feed.py), and redraws the parts that
change from each view it receives, with the same texts (`T`, given to the script in the page)
so the server's first drawing and the script's later ones say the same thing.
"""

from __future__ import annotations

import html
import json
from datetime import datetime
from pathlib import Path
from urllib.parse import quote
from zoneinfo import ZoneInfo

from server.queries.views import PublicTicketOut

SCRIPT = (Path(__file__).with_name("ticket_page.js")).read_text(encoding="utf-8")
REFRESH_S = 15

# every text of the live parts: {name} fields are filled by render() here and fill() there
T = {
    "waiting": "等候中 · 前面还有 {ahead} 人",
    "called": "请到 {window} 号窗口办理",
    "serving": "正在 {window} 号窗口办理中",
    "transferred": "已转办，新号码 {number}",
    "ahead": "前面还有",
    "ahead_value": "{ahead} 人",
    "wait": "预计等候",
    "wait_value": "约 {minutes} 分钟",
    "issued": "取号时间",
    "called_at": "叫号时间",
    "state": "当前状态",
    "connecting": "正在连接…",
    "live": "实时更新中",
    "offline": "连接中断，正在重新连接…（显示的可能不是最新状态）",
    "updated": "更新于 {time}",
    "static": "页面每 {seconds} 秒自动刷新 · 更新于 {time}",
    "title": "{number} 排队进度",
    # 到号提醒: the banner and the title at the hall's N ahead and when called
    "near": "即将到号：前面还有 {ahead} 人，请回到等候区留意叫号",
    "near0": "下一位就是您，请在等候区留意叫号",
    "now": "请到 {window} 号窗口办理",
    "title_near": "【即将到号】{number} 前面还有 {ahead} 人",
    "title_called": "【请到{window}号窗口】{number}",
    "remind": "点击开启到号提醒",
    "remind_on": "到号提醒已开启：快到号和叫号时手机会振动并响铃。",
    "remind_hint": "锁屏或切换到其他应用时可能收不到提醒，请留意大厅叫号。",
    # 扫码过号重排
    "rejoin_can": "您的号码已过号。可在 {until} 前重新排队（仅一次），{where}。",
    "rejoin_behind": "排在当前等候的 {n} 人之后",
    "rejoin_end": "排到队尾",
    "rejoin_button": "重新排队",
    "rejoin_late": "过号已超过可重新排队的时间（{until} 前），请重新取号或到服务台咨询。",
    "rejoin_used": "本号票已重新排过一次队，不能再次重排；请重新取号或到服务台咨询。",
    "rejoin_off": "本大厅过号需重新取号，请到取号机重新取号或到服务台咨询。",
    "rejoin_done": "已重新排队，请留意叫号。",
    "rejoined": "重排",
    "rejoined_value": "已扫码重新排队",
}

PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
{refresh}<title>{title}</title>
<style>
 body {{ margin:0; font-family:"Noto Sans CJK SC","WenQuanYi Micro Hei","PingFang SC",sans-serif;
        background:#eef3f8; color:#1d2733; line-height:1.4; }}
 header {{ background:#c8102e; color:#fff; padding:14px 18px; font-size:18px; }}
 main {{ padding:14px; }}
 .conn {{ padding:6px 18px; font-size:15px; background:#e8f5ea; color:#1f6b35; }}
 .conn.off {{ background:#fff1d6; color:#7a4a00; }}
 .card {{ background:#fff; border-radius:14px; padding:18px; box-shadow:0 2px 8px rgba(0,0,0,.08); }}
 .number {{ font-size:64px; font-weight:700; text-align:center; letter-spacing:4px; color:#c8102e;
           font-variant-numeric:tabular-nums; }}
 .service {{ text-align:center; font-size:18px; color:#4a5867; margin-bottom:12px; }}
 .status {{ text-align:center; font-size:24px; font-weight:600; padding:12px; border-radius:10px;
           background:#e8f5ea; color:#1f6b35; }}
 .status.waiting {{ background:#e6f0fb; color:#1456a0; }}
 .status.called, .status.serving {{ background:#fff1d6; color:#7a4a00; }}
 .status.called {{ font-size:34px; padding:18px 6px; font-weight:700; }}
 .status.transferred {{ background:#efe8fb; color:#5a2ea6; }}
 .status.no_show, .status.cancelled {{ background:#fde8ea; color:#9b1c2c; }}
 [hidden] {{ display:none !important; }}
 dl {{ display:grid; grid-template-columns:auto 1fr; gap:10px 16px; font-size:18px; margin:20px 0 0; }}
 dt {{ color:#5b6876; }} dd {{ margin:0; font-weight:600; }}
 footer {{ font-size:14px; color:#5b6876; text-align:center; margin-top:18px; }}
 .small {{ font-size:14px; color:#5b6876; }}
 .banner {{ padding:14px 18px; font-size:22px; font-weight:700; background:#fff1d6; color:#7a4a00;
           border-bottom:3px solid #e0a000; }}
 .banner.called {{ background:#c8102e; color:#fff; border-color:#8a0b20; font-size:26px; }}
 .remind {{ display:block; width:100%; box-sizing:border-box; margin-top:14px; min-height:56px;
           font:inherit; font-size:20px; border:2px solid #1456a0; border-radius:12px;
           background:#fff; color:#1456a0; }}
 .remind.on {{ border-color:#1f6b35; color:#1f6b35; background:#e8f5ea; font-size:17px; }}
 .rejoin {{ margin-top:16px; font-size:18px; }}
 .rejoin p {{ margin:0 0 10px; padding:12px; border-radius:10px; background:#f2f5f8; }}
 .rejoin p.error {{ background:#fde8ea; color:#9b1c2c; }}
 .rejoin p.ok {{ background:#e8f5ea; color:#1f6b35; }}
 .rejoin button {{ width:100%; min-height:56px; font:inherit; font-size:22px; font-weight:700;
                  border:0; border-radius:12px; background:#1456a0; color:#fff; }}
{rating_style}
</style></head>
<body><header>{hall} · 排队进度</header>
<div id="conn" class="conn" role="status" hidden></div>
<div id="banner" class="banner" role="alert" hidden></div>
<main><div class="card">
<div class="number">{number}</div><div class="service">{service}</div>
<div id="headline" class="status {status}">{headline}</div><dl id="rows">{rows}</dl>{rejoin}{rating}</div>
<button id="remind" class="remind" type="button" hidden>{remind}</button>
<p id="remind-hint" class="small" hidden>{remind_hint}</p>
<footer id="footer">{footer}</footer></main>
<script type="application/json" id="gq-config">{config}</script>
<script>{script}</script></body></html>"""

NOT_FOUND = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,">
<title>{title}</title><style>
 body {{ margin:0; font-family:"Noto Sans CJK SC","WenQuanYi Micro Hei","PingFang SC",sans-serif;
        background:#eef3f8; color:#1d2733; line-height:1.5; }}
 header {{ background:#c8102e; color:#fff; padding:14px 18px; font-size:18px; }}
 .card {{ background:#fff; border-radius:14px; padding:18px; margin:14px; font-size:18px;
         box-shadow:0 2px 8px rgba(0,0,0,.08); }}
</style></head>
<body><header>{title}</header><div class="card">
<section id="rate"><p class="note">{detail}</p></section></div></body></html>"""


def _local(instant: datetime | None, zone: ZoneInfo) -> str:
    return instant.astimezone(zone).strftime("%H:%M:%S") if instant else "—"


def headline(view: PublicTicketOut) -> str:
    """The status line as HTML."""
    e = html.escape
    if view.status == "waiting":
        return e(T["waiting"].format(ahead=view.ahead))
    if view.status in ("called", "serving") and view.window_number:
        return e(T[view.status].format(window=view.window_number))
    if view.status == "transferred" and view.transferred_to_number:
        return e(T["transferred"].format(number=view.transferred_to_number))
    return e(view.status_text)


def rows(view: PublicTicketOut, zone: ZoneInfo) -> str:
    items = []
    if view.ahead is not None:
        items.append((T["ahead"], T["ahead_value"].format(ahead=view.ahead)))
    if view.estimated_wait_minutes is not None:
        items.append((T["wait"], T["wait_value"].format(minutes=view.estimated_wait_minutes)))
    items.append((T["issued"], _local(view.issued_at, zone)))
    if view.called_at:
        items.append((T["called_at"], _local(view.called_at, zone)))
    items.append((T["state"], view.status_text))
    if view.rejoined:
        items.append((T["rejoined"], T["rejoined_value"]))
    e = html.escape
    return "".join(f"<dt>{e(k)}</dt><dd>{e(v)}</dd>" for k, v in items)


def rejoin_section(
    view: PublicTicketOut,
    token: str,
    zone: ZoneInfo,
    now: datetime,
    message: str | None,
    just_done: bool,
) -> str:
    """扫码过号重排 on the page: the button while a no-show may rejoin, or why it may not."""
    e = html.escape
    notes = []
    if message:
        notes.append(f'<p class="error" role="alert">{e(message)}</p>')
    if just_done and view.status == "waiting":
        notes.append(f'<p class="ok">{e(T["rejoin_done"])}</p>')
    if view.status == "no_show" and not message:
        until = view.rejoin_until.astimezone(zone).strftime("%H:%M") if view.rejoin_until else ""
        if view.can_rejoin:
            where = (
                T["rejoin_behind"].format(n=view.rejoin_behind)
                if view.rejoin_position == "behind"
                else T["rejoin_end"]
            )
            action = f"/t/{quote(token, safe='')}/rejoin"
            notes.append(
                f"<p>{e(T['rejoin_can'].format(until=until, where=where))}</p>"
                f'<form method="post" action="{action}">'
                f'<button type="submit">{e(T["rejoin_button"])}</button></form>'
            )
        elif view.rejoined:
            notes.append(f"<p>{e(T['rejoin_used'])}</p>")
        elif view.rejoin_until is not None:
            notes.append(f"<p>{e(T['rejoin_late'].format(until=until))}</p>")
        else:
            notes.append(f"<p>{e(T['rejoin_off'])}</p>")
    if not notes:
        return ""
    return f'<section id="rejoin" class="rejoin">{"".join(notes)}</section>'


def render(
    view: PublicTicketOut,
    token: str,
    zone: ZoneInfo,
    now: datetime,
    *,
    rating: str = "",
    rating_style: str = "",
    rejoin_message: str | None = None,
    rejoined: bool = False,
) -> str:
    """The page; `rating` is the rating part (server/api/public_rating.py); `rejoin_message`
    a refusal of 扫码过号重排, `rejoined` that it was just accepted."""
    e = html.escape
    final = view.status in ("done", "cancelled", "transferred")
    updated = _local(now, zone)
    config = {"token": token, "zone": zone.key, "texts": T, "view": view.model_dump(mode="json")}
    # in a <script> element only "</" could end it early: escaped as JSON allows
    config_json = json.dumps(config, ensure_ascii=False).replace("</", "<\\/")
    return PAGE.format(
        refresh=""
        if final
        else f'<noscript><meta http-equiv="refresh" content="{REFRESH_S}"></noscript>\n',
        rating_style=rating_style if rating else "",
        rating=rating,
        footer=e(
            T["updated"].format(time=updated)
            if final
            else T["static"].format(seconds=REFRESH_S, time=updated)
        ),
        title=e(T["title"].format(number=view.number)),
        hall=e(view.hall_name),
        number=e(view.number),
        service=e(view.service_name),
        status=e(view.status),
        headline=headline(view),
        rows=rows(view, zone),
        rejoin=rejoin_section(view, token, zone, now, rejoin_message, rejoined),
        remind=e(T["remind"]),
        remind_hint=e(T["remind_hint"]),
        config=config_json,
        script=SCRIPT,
    )


def not_found(title: str, detail: str) -> str:
    e = html.escape
    return NOT_FOUND.format(title=e(title), detail=e(detail))
