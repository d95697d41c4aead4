"""Every error becomes JSON {"detail": 中文, "code"} with the right status.

Domain errors and validation errors (4xx); the store's "cannot now" errors (503, with
Retry-After); and any other exception (500, logged with its traceback and an incident
number that the answer quotes), never a plain-text page.
"""

from __future__ import annotations

import logging
import secrets
import sqlite3
from collections import Counter
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from server.api import validation
from server.api.logredact import redact
from server.domain import errors as e
from server.domain.texts import text
from server.security import LoginBusy, RateLimited, TooManyAttempts
from server.store.failures import StoreBusy, StoreUnavailable, is_busy

log = logging.getLogger("govqueue.errors")

# Answers this process gave because the store could not do the work (503 by code, 500
# internal_error): /metrics shows them (server/metrics.py)
STORE_ERRORS: Counter[str] = Counter()

STATUS: list[tuple[type[e.DomainError], int]] = [
    (TooManyAttempts, 429),
    (LoginBusy, 503),
    (RateLimited, 429),
    (e.NotFound, 404),
    (e.Gone, 410),
    (e.AuthenticationRequired, 401),
    (e.PermissionDenied, 403),
    (e.InvalidInput, 422),
    (e.Conflict, 409),
]


def status_for(error: e.DomainError) -> int:
    for cls, status in STATUS:
        if isinstance(error, cls):
            return status
    return 400


async def domain_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, e.DomainError)
    headers = {"WWW-Authenticate": "Bearer"} if isinstance(exc, e.AuthenticationRequired) else None
    if isinstance(exc, TooManyAttempts | RateLimited | LoginBusy):
        headers = {"Retry-After": str(exc.retry_after_s)}
    return JSONResponse(
        {**exc.extra, "detail": exc.message, "code": exc.code},
        status_code=status_for(exc),
        headers=headers,
    )


async def validation_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    return JSONResponse(
        {
            "detail": validation.describe(exc.errors()),
            "code": "invalid_input",
            "errors": _plain(exc),
        },
        status_code=422,
    )


def _plain(exc: RequestValidationError) -> list[dict[str, object]]:
    return [{"loc": list(err.get("loc", ())), "type": err.get("type")} for err in exc.errors()]


async def http_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    messages = {
        400: "请求内容无法解析：请发送 UTF-8 编码的 JSON（嵌套不要过深）。",
        404: "请求的地址不存在。",
        405: "该地址不支持此请求方法。",
    }
    return JSONResponse(
        {
            "detail": messages.get(exc.status_code, f"请求无法处理（HTTP {exc.status_code}）。"),
            "code": f"http_{exc.status_code}",
        },
        status_code=exc.status_code,
        headers=getattr(exc, "headers", None),
    )


async def store_unavailable(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StoreUnavailable)
    STORE_ERRORS[exc.code] += 1
    return JSONResponse(
        {"detail": exc.message, "code": exc.code},
        status_code=503,
        headers={"Retry-After": str(exc.retry_after_s)},
    )


async def database_unavailable(request: Request, exc: Exception) -> JSONResponse:
    """The database refused the connection or the statement (server down, disk); a SQLite
    file that stayed locked by another program is 503 store_busy (nothing was written)."""
    if is_busy(exc):
        log.warning("database locked on %s %s", request.method, redact(request.url.path))
        return await store_unavailable(request, StoreBusy(text("server.store_busy")))
    log.error("database error on %s %s", request.method, redact(request.url.path), exc_info=exc)
    STORE_ERRORS["database_unavailable"] += 1
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
            STORE_ERRORS["internal_error"] += 1
            log.exception(
                "internal error %s on %s %s",
                incident,
                scope.get("method"),
                redact(str(scope.get("path"))),
            )
            if started:  # part of an answer is out: nothing valid can follow
                raise
            await internal_error_response(incident)(scope, receive, send)


Handler = Callable[[Request, Exception], Awaitable[JSONResponse]]

# which answer each error gets; the app's exception handlers, and the fast path's
HANDLERS: dict[type[Exception], Handler] = {
    e.DomainError: domain_error,
    RequestValidationError: validation_error,
    StarletteHTTPException: http_error,
    StoreUnavailable: store_unavailable,
    OperationalError: database_unavailable,
    sqlite3.OperationalError: database_unavailable,
}


def handler_for(exc: Exception) -> Handler | None:
    """The handler of `exc`: its class's, else its nearest base class's (the order in which
    Starlette looks the app's handlers up); None for any other exception (a 500)."""
    for cls in type(exc).__mro__:
        handler = HANDLERS.get(cls)
        if handler is not None:
            return handler
    return None


def install(app: FastAPI) -> None:
    for cls, handler in HANDLERS.items():
        app.add_exception_handler(cls, handler)
    app.add_middleware(InternalErrors)
