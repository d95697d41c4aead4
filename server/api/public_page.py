"""The small mobile page a ticket's QR code opens: /t/{public_token}."""

from __future__ import annotations

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
from server.api.ticket_page import not_found, render
from server.commands.evaluations import evaluate_by_token
from server.commands.re_ratings import re_rate_by_token
from server.commands.rejoin import rejoin_by_token
from server.domain.errors import DomainError, Gone, NotFound
from server.queries.public import public_view
from server.runtime import Runtime
from server.store.job import call

router = APIRouter(include_in_schema=False)


async def page_response(
    runtime: Runtime,
    public_token: str,
    *,
    level: int | None = None,
    message: str | None = None,
    just_rated: bool = False,
    status: int = 200,
    about: str = "rating",
    rejoined: bool = False,
) -> HTMLResponse:
    """The page; `message` is an error shown in the rating part, or in the rejoin part when
    `about` is "rejoin"."""
    now = runtime.clock.now()
    zone = ZoneInfo(runtime.settings.default_timezone)
    catalog = runtime.writer.catalog
    try:
        view = await runtime.read(lambda s: public_view(s, catalog, public_token, now))
    except NotFound as exc:
        return HTMLResponse(not_found("未找到该号票", exc.message), status_code=404)
    except Gone as exc:
        return HTMLResponse(not_found("号票链接已过期", exc.message), status_code=410)
    rating_message = message if about == "rating" else None
    rating = rating_section(
        view, public_token, zone, level=level, message=rating_message, just_rated=just_rated
    )
    rejoin_message = message if about == "rejoin" else None
    page = render(
        view,
        public_token,
        zone,
        now,
        rating=rating,
        rating_style=RATING_STYLE,
        rejoin_message=rejoin_message,
        rejoined=rejoined,
    )
    return HTMLResponse(page, status_code=status)


@router.get("/t/{public_token}", response_class=HTMLResponse)
async def ticket_page(
    public_token: str,
    runtime: RuntimeDep,
    level: int | None = None,
    rated: int = 0,
    rejoined: int = 0,
) -> HTMLResponse:
    """The page; `?level=1|2` shows the reasons of a bad rating, `?rated=1` the thanks,
    `?rejoined=1` that the ticket is back in the queue."""
    return await page_response(
        runtime, public_token, level=level, just_rated=bool(rated), rejoined=bool(rejoined)
    )


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
    again = form.get("times", [""])[0] == "2"  # 追评, after the 差评's 整改
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
    job = (
        call(re_rate_by_token, public_token, checked.level, list(checked.reasons), checked.comment)
        if again
        else call(
            evaluate_by_token,
            public_token,
            checked.level,
            list(checked.reasons),
            checked.comment,
            rectification_days=runtime.settings.rectification_working_days,
            calendar=runtime.settings.working_calendar(),
        )
    )
    try:
        await runtime.write(job)
    except DomainError as exc:
        status = {"not_found": 404, "gone": 410}.get(exc.code, 409)
        return await page_response(runtime, public_token, message=exc.message, status=status)
    return RedirectResponse(f"{back}?rated=1#rate", status_code=303)


@router.post("/t/{public_token}/rejoin", response_class=HTMLResponse)
async def rejoin(public_token: PublicToken, runtime: RuntimeDep) -> Response:
    """扫码过号重排 from the page's button (server/commands/rejoin.py): 303 back to the page,
    or the page with the reason (409; 404, 410)."""
    try:
        await runtime.write(call(rejoin_by_token, public_token))
    except DomainError as exc:
        status = {"not_found": 404, "gone": 410}.get(exc.code, 409)
        return await page_response(
            runtime, public_token, message=exc.message, status=status, about="rejoin"
        )
    return RedirectResponse(f"/t/{quote(public_token, safe='')}?rejoined=1", status_code=303)
