"""Every error becomes JSON {"detail": 中文, "code"} with the right status.

Domain errors and validation errors (4xx); the store's "cannot now" errors (503, with
Retry-After); and any other exception (500, logged with its traceback and an incident
number that the answer quotes), never a plain-text page.
"""

from __future__ import annotations

import logging
import secrets

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from server.domain import errors as e
from server.domain.texts import text
from server.security import TooManyAttempts
from server.store.failures import StoreUnavailable

log = logging.getLogger("govqueue.errors")

STATUS: list[tuple[type[e.DomainError], int]] = [
    (TooManyAttempts, 429),
    (e.NotFound, 404),
    (e.AuthenticationRequired, 401),
    (e.PermissionDenied, 403),
    (e.InvalidInput, 422),
    (e.Conflict, 409),
]

FIELD_NAMES = {
    "service_id": "业务编号 service_id",
    "priority": "优先级 priority",
    "level": "评价等级 level",
    "outcome": "办理结果 outcome",
    "staff_no": "工号 staff_no",
    "password": "密码 password",
}


def status_for(error: e.DomainError) -> int:
    for cls, status in STATUS:
        if isinstance(error, cls):
            return status
    return 400


async def domain_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, e.DomainError)
    headers = {"WWW-Authenticate": "Bearer"} if isinstance(exc, e.AuthenticationRequired) else None
    if isinstance(exc, TooManyAttempts):
        headers = {"Retry-After": str(exc.retry_after_s)}
    return JSONResponse(
        {"detail": exc.message, "code": exc.code}, status_code=status_for(exc), headers=headers
    )


async def validation_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    problems = []
    for err in exc.errors():
        where = [str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path")]
        name = FIELD_NAMES.get(where[-1], where[-1]) if where else "请求"
        problems.append(f"{name}：{_explain(err)}")
    return JSONResponse(
        {
            "detail": "请求内容不正确：" + "；".join(problems),
            "code": "invalid_input",
            "errors": _plain(exc),
        },
        status_code=422,
    )


def _explain(err: dict[str, object]) -> str:
    kind = str(err.get("type", ""))
    ctx = err.get("ctx") if isinstance(err.get("ctx"), dict) else {}
    assert isinstance(ctx, dict)
    if kind == "missing":
        return "必填"
    if kind in ("int_parsing", "int_type"):
        return "应为整数"
    if kind == "greater_than_equal":
        return f"不能小于 {ctx.get('ge')}"
    if kind == "less_than_equal":
        return f"不能大于 {ctx.get('le')}"
    if kind == "enum" or kind == "literal_error":
        return f"只能是 {ctx.get('expected')}"
    if kind in ("string_too_short", "string_too_long"):
        return f"长度应在允许范围内（{ctx}）"
    if kind == "json_invalid":
        return "不是有效的 JSON"
    return str(err.get("msg", "格式不正确"))


def _plain(exc: RequestValidationError) -> list[dict[str, object]]:
    return [{"loc": list(err.get("loc", ())), "type": err.get("type")} for err in exc.errors()]


async def http_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    messages = {404: "请求的地址不存在。", 405: "该地址不支持此请求方法。"}
    return JSONResponse(
        {
            "detail": messages.get(exc.status_code, str(exc.detail)),
            "code": f"http_{exc.status_code}",
        },
        status_code=exc.status_code,
        headers=getattr(exc, "headers", None),
    )


async def store_unavailable(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StoreUnavailable)
    return JSONResponse(
        {"detail": exc.message, "code": exc.code},
        status_code=503,
        headers={"Retry-After": str(exc.retry_after_s)},
    )


async def database_unavailable(request: Request, exc: Exception) -> JSONResponse:
    """The database refused the connection or the statement (server down, disk, locked)."""
    log.error("database error on %s %s", request.method, request.url.path, exc_info=exc)
    return JSONResponse(
        {"detail": text("server.database_unavailable"), "code": "database_unavailable"},
        status_code=503,
        headers={"Retry-After": "5"},
    )


def internal_error_response(incident: str) -> JSONResponse:
    return JSONResponse(
        {"detail": text("server.internal_error", incident=incident), "code": "internal_error"},
        status_code=500,
    )


class InternalErrors:
    """ASGI middleware: an exception nothing else handled becomes a JSON 500.

    Logged here with its traceback and an incident number quoted in the answer (so an
    administrator finds it in the log), and not raised further: no plain-text page, no
    second traceback from the server."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracked(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracked)
        except Exception:
            incident = secrets.token_hex(4)
            log.exception(
                "internal error %s on %s %s", incident, scope.get("method"), scope.get("path")
            )
            if started:  # part of an answer is out: nothing valid can follow
                raise
            await internal_error_response(incident)(scope, receive, send)


def install(app: FastAPI) -> None:
    app.add_exception_handler(e.DomainError, domain_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(StoreUnavailable, store_unavailable)
    app.add_exception_handler(OperationalError, database_unavailable)
    app.add_middleware(InternalErrors)
