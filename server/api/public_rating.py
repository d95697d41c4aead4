"""好差评 from the ticket's QR page: a finished, unrated ticket is rated here with the rating
pad's five levels and reasons (`client/rating.py`), once, under the same rules
(`server/commands/evaluations.py`: channel `mobile`, the QR channel), within the hall's rating
window (`rating_window_days`, 7 by default); after it the page says why rating is closed.

Plain HTML forms, no script, nothing from another host:

    /t/{token}                 the five levels (each a submit button)
    POST /t/{token}/rating     level 3–5: rated at once; 1–2: → /t/{token}?level=N (reasons)
    /t/{token}?level=2         the reasons (check boxes) and a comment, 提交评价 / 重新选择
    POST /t/{token}/rating     with step=reasons: rated → /t/{token}?rated=1

A rated 差评 whose 整改 the hall recorded offers one 追评 (评价次数 = 2) the same way, within the
rating window counted from the 整改 (the form carries times=2; server/commands/re_ratings.py).

This module renders the rating part of the page and reads its form; the page and both routes
are server/api/public_page.py (so 补充评价 / 追评 and a live page can grow here and there apart).
"""

from __future__ import annotations

import html
from datetime import datetime
from urllib.parse import parse_qs, quote
from zoneinfo import ZoneInfo

from client.rating import BAD_LEVELS, DEFAULT_BAD_REASONS, LEVEL_NAMES, LEVELS, MAX_COMMENT
from server.queries.views import PublicTicketOut

STYLE = """
 .rate { margin-top:18px; }
 .rate h2 { font-size:20px; margin:0 0 12px; }
 .levels { display:grid; gap:10px; }
 .levels button { font:inherit; font-size:20px; min-height:56px; border-radius:12px;
   border:2px solid #c9d3de; background:#fff; color:#1d2733; }
 .levels button.bad { border-color:#e3b3bb; }
 .reasons { display:grid; grid-template-columns:1fr 1fr; gap:8px; margin:8px 0 12px; }
 .reasons label { display:flex; align-items:center; gap:6px; min-height:48px; padding:0 8px;
   border:1px solid #c9d3de; border-radius:10px; background:#fff; font-size:16px;
   white-space:nowrap; }
 .reasons input { width:20px; height:20px; flex:none; margin:0; }
 textarea { width:100%; box-sizing:border-box; min-height:80px; font:inherit; font-size:17px;
   border:1px solid #c9d3de; border-radius:10px; padding:10px; }
 .submit { width:100%; font:inherit; font-size:20px; min-height:56px; margin-top:12px;
   border:0; border-radius:12px; background:#1456a0; color:#fff; }
 .again { display:block; text-align:center; margin-top:12px; color:#1456a0; font-size:17px; }
 .note { font-size:17px; line-height:1.5; padding:12px; border-radius:10px; background:#f2f5f8; }
 .note.ok { background:#e8f5ea; color:#1f6b35; }
 .note.error { background:#fde8ea; color:#9b1c2c; }
"""

T = {
    "title": "请为本次服务评价",
    "reasons": "请告诉我们哪里做得不好（可多选）",
    "comment": "其他意见（可不填，最多 500 字）",
    "submit": "提交评价",
    "again": "重新选择",
    "thanks": "感谢您的评价！您的意见将帮助我们改进服务。",
    "rated": "本号票已评价，感谢您的参与。",
    "closed": "评价已关闭：本号票于 {finished} 办结，扫码评价须在办结后 {days} 天内进行。",
    "closes": "可在 {closes} 前评价。",
    "bad_form": "请选择评价等级后再提交。",
    "again_title": "追评：您的差评已于 {rectified} 整改，请对整改结果再评价一次",
    "again_thanks": "感谢您的追评！",
    "again_done": "本号票已评价并追评，感谢您的参与。",
}


def _time(instant: datetime, zone: ZoneInfo) -> str:
    return instant.astimezone(zone).strftime("%m月%d日 %H:%M")


def rating_section(
    view: PublicTicketOut,
    token: str,
    zone: ZoneInfo,
    *,
    level: int | None = None,
    message: str | None = None,
    just_rated: bool = False,
) -> str:
    """The rating part of the page, or "" when the ticket is not finished."""
    e = html.escape
    note = f'<p class="note error" role="alert">{e(message)}</p>' if message else ""
    if view.status != "done":
        return f'<section class="rate" id="rate">{note}</section>' if message else ""
    action = f"/t/{quote(token, safe='')}/rating"
    again = view.evaluated and view.re_rating_open
    if view.evaluated and not again:
        if view.re_rated:
            said = T["again_thanks"] if just_rated else T["again_done"]
        else:
            said = T["thanks"] if just_rated else T["rated"]
        return f'<section class="rate" id="rate">{note}<p class="note ok">{e(said)}</p></section>'
    times = '<input type="hidden" name="times" value="2">' if again else ""
    title = (
        T["again_title"].format(rectified=_time(view.rectified_at, zone))
        if again and view.rectified_at
        else T["title"]
    )
    if not again and not view.can_evaluate:
        days = (
            (view.rating_closes_at - view.finished_at).days
            if view.rating_closes_at and view.finished_at
            else 7
        )
        finished = _time(view.finished_at, zone) if view.finished_at else "—"
        closed = T["closed"].format(finished=finished, days=days)
        return f'<section class="rate closed" id="rate"><p class="note">{e(closed)}</p></section>'
    if level in BAD_LEVELS:
        boxes = "".join(
            f'<label><input type="checkbox" name="reasons" value="{e(r)}">{e(r)}</label>'
            for r in DEFAULT_BAD_REASONS
        )
        return (
            f'<section class="rate" id="rate"><h2>{e(LEVEL_NAMES[level])} · {e(T["reasons"])}</h2>'
            f'{note}<form method="post" action="{action}">'
            f'<input type="hidden" name="step" value="reasons">{times}'
            f'<input type="hidden" name="level" value="{level}">'
            f'<div class="reasons">{boxes}</div>'
            f'<label for="comment">{e(T["comment"])}</label>'
            f'<textarea id="comment" name="comment" maxlength="{MAX_COMMENT}"></textarea>'
            f'<button class="submit" type="submit">{e(T["submit"])}</button></form>'
            f'<a class="again" href="/t/{quote(token, safe="")}#rate">{e(T["again"])}</a></section>'
        )
    buttons = "".join(
        f'<button type="submit" name="level" value="{n}" class="{"bad" if n in BAD_LEVELS else ""}">'
        f"{e(LEVEL_NAMES[n])}</button>"
        for n in LEVELS
    )
    closes = (
        f'<p class="small">{e(T["closes"].format(closes=_time(view.rating_closes_at, zone)))}</p>'
        if view.rating_closes_at and not again
        else ""
    )
    return (
        f'<section class="rate" id="rate"><h2>{e(title)}</h2>{note}'
        f'<form method="post" action="{action}">{times}<div class="levels">{buttons}</div></form>'
        f"{closes}</section>"
    )


def read_form(body: bytes) -> dict[str, list[str]]:
    try:
        return parse_qs(body.decode("utf-8"), keep_blank_values=True, max_num_fields=40)
    except (UnicodeDecodeError, ValueError):
        return {}
