"""The small mobile page a ticket's QR code opens: /t/{public_token}."""

from __future__ import annotations

import html
from datetime import datetime
from urllib.parse import quote
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from client.rating import BAD_LEVELS, DEFAULT_BAD_REASONS, LEVEL_NAMES
from server.api.deps import RuntimeDep
from server.api.params import PublicToken
from server.api.public_rating import STYLE as RATING_STYLE
from server.api.public_rating import T as RATING_TEXTS
from server.api.public_rating import rating_section, read_form
from server.api.schemas import EvaluationIn
from server.commands.evaluations import evaluate_by_token
from server.domain.errors import DomainError, NotFound
from server.queries.public import public_view
from server.queries.views import PublicTicketOut
from server.runtime import Runtime
from server.store.job import call

router = APIRouter(include_in_schema=False)

PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
{refresh}<title>{title}</title>
<style>
 body {{ margin:0; font-family:"Noto Sans CJK SC","WenQuanYi Micro Hei","PingFang SC",sans-serif;
        background:#eef3f8; color:#1d2733; }}
 header {{ background:#c8102e; color:#fff; padding:14px 18px; font-size:18px; }}
 main {{ padding:14px; }}
 .card {{ background:#fff; border-radius:14px; padding:18px; box-shadow:0 2px 8px rgba(0,0,0,.08); }}
 .number {{ font-size:64px; font-weight:700; text-align:center; letter-spacing:4px; color:#c8102e; }}
 .service {{ text-align:center; font-size:18px; color:#4a5867; margin-bottom:12px; }}
 .status {{ text-align:center; font-size:24px; font-weight:600; padding:12px; border-radius:10px;
           background:{status_bg}; color:{status_fg}; }}
 dl {{ display:grid; grid-template-columns:auto 1fr; gap:10px 16px; font-size:17px; margin:20px 0 0; }}
 dt {{ color:#6b7886; }} dd {{ margin:0; font-weight:600; }}
 footer {{ font-size:13px; color:#6b7886; text-align:center; margin-top:18px; }}
 .small {{ font-size:14px; color:#6b7886; }}
{rating_style}
</style></head>
<body><header>{hall} · 排队进度</header><main><div class="card">
<div class="number">{number}</div><div class="service">{service}</div>
<div class="status">{headline}</div><dl>{rows}</dl>{rating}</div>
<footer>{footer}</footer></main></body></html>"""
REFRESH_S = 15

NOT_FOUND = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>未找到号票</title></head>
<body style="font-family:sans-serif;padding:24px"><h2>未找到该号票</h2>
<p>请核对票面上的二维码，或到服务台咨询。</p></body></html>"""


def _local(instant: datetime | None, zone: ZoneInfo) -> str:
    return instant.astimezone(zone).strftime("%H:%M:%S") if instant else "—"


def render(view: PublicTicketOut, zone: ZoneInfo, now: datetime, rating: str = "") -> str:
    """The page; `rating` is the rating part (server/api/public_rating.py). A ticket that can
    still change reloads itself every 15 s; a finished one does not (nothing moves, and a
    reload would lose what the holder is choosing)."""
    e = html.escape
    if view.status == "waiting":
        headline, bg, fg = f"等候中 · 前面还有 {view.ahead} 人", "#e6f0fb", "#1456a0"
    elif view.status in ("called", "serving") and view.window_number:
        verb = "请到" if view.status == "called" else "正在"
        suffix = "窗口办理" if view.status == "called" else "窗口办理中"
        headline, bg, fg = f"{verb} {view.window_number} 号{suffix}", "#fff1d6", "#8a5300"
    elif view.status == "transferred" and view.transferred_to_number:
        headline, bg, fg = f"已转办，新号码 {view.transferred_to_number}", "#efe8fb", "#5a2ea6"
    else:
        headline, bg, fg = view.status_text, "#e8f5ea", "#1f6b35"
    rows = [("取号时间", _local(view.issued_at, zone))]
    if view.estimated_wait_minutes is not None:
        rows.append(("预计等候", f"约 {view.estimated_wait_minutes} 分钟"))
    if view.called_at:
        rows.append(("叫号时间", _local(view.called_at, zone)))
    rows.append(("当前状态", view.status_text))
    body = "".join(f"<dt>{e(k)}</dt><dd>{e(v)}</dd>" for k, v in rows)
    final = view.status in ("done", "cancelled", "transferred")
    updated = _local(now, zone)
    return PAGE.format(
        refresh="" if final else f'<meta http-equiv="refresh" content="{REFRESH_S}">\n',
        rating_style=RATING_STYLE if rating else "",
        rating=rating,
        footer=e(
            f"更新于 {updated}" if final else f"页面每 {REFRESH_S} 秒自动刷新 · 更新于 {updated}"
        ),
        title=e(f"{view.number} 排队进度"),
        hall=e(view.hall_name),
        number=e(view.number),
        service=e(view.service_name),
        headline=e(headline),
        status_bg=bg,
        status_fg=fg,
        rows=body,
    )


async def page_response(
    runtime: Runtime,
    public_token: str,
    *,
    level: int | None = None,
    message: str | None = None,
    just_rated: bool = False,
    status: int = 200,
) -> HTMLResponse:
    now = runtime.clock.now()
    zone = ZoneInfo(runtime.settings.default_timezone)
    catalog = runtime.writer.catalog
    try:
        view = await runtime.read(lambda s: public_view(s, catalog, public_token, now))
    except NotFound:
        return HTMLResponse(NOT_FOUND, status_code=404)
    rating = rating_section(
        view, public_token, zone, level=level, message=message, just_rated=just_rated
    )
    return HTMLResponse(render(view, zone, now, rating), status_code=status)


@router.get("/t/{public_token}", response_class=HTMLResponse)
async def ticket_page(
    public_token: str, runtime: RuntimeDep, level: int | None = None, rated: int = 0
) -> HTMLResponse:
    """The page; `?level=1|2` shows the reasons of a bad rating, `?rated=1` the thanks."""
    return await page_response(runtime, public_token, level=level, just_rated=bool(rated))


@router.post("/t/{public_token}/rating", response_class=HTMLResponse)
async def rate(public_token: PublicToken, request: Request, runtime: RuntimeDep) -> Response:
    """The rating form of the QR page (see the module's docstring)."""
    form = read_form(await request.body())
    back = f"/t/{quote(public_token, safe='')}"
    try:
        level = int(form.get("level", [""])[0])
    except ValueError:
        level = 0
    if level not in LEVEL_NAMES:
        return await page_response(
            runtime, public_token, message=RATING_TEXTS["bad_form"], status=422
        )
    if level in BAD_LEVELS and form.get("step", [""])[0] != "reasons":
        return RedirectResponse(f"{back}?level={level}#rate", status_code=303)
    comment = (form.get("comment", [""])[0] or "").strip() or None
    reasons = [r for r in form.get("reasons", []) if r in DEFAULT_BAD_REASONS]
    if level not in BAD_LEVELS:
        reasons, comment = [], None
    try:
        checked = EvaluationIn(level=level, reasons=reasons, comment=comment)
    except ValidationError as exc:
        detail = "；".join(str(err["msg"]) for err in exc.errors())
        return await page_response(runtime, public_token, level=level, message=detail, status=422)
    try:
        await runtime.write(
            call(
                evaluate_by_token,
                public_token,
                checked.level,
                list(checked.reasons),
                checked.comment,
                rectification_days=runtime.settings.rectification_working_days,
                calendar=runtime.settings.working_calendar(),
            )
        )
    except DomainError as exc:
        status = 404 if exc.code == "not_found" else 409
        return await page_response(runtime, public_token, message=exc.message, status=status)
    return RedirectResponse(f"{back}?rated=1#rate", status_code=303)
