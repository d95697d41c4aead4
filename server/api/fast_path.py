"""The hot requests without FastAPI's routing, dependency solving and body validation layers.

A kiosk taking a number (`POST /api/v1/tickets`) and a window's clerk calling and moving
tickets (`POST /api/v1/windows/{id}/call-next`, `POST /api/v1/tickets/{id}/start|finish|…`)
are nearly all of the traffic. FastAPI spends ~0.3 ms of the event loop's CPU on each
(matching the path against the routes, solving four nested dependencies, validating); this
layer answers the common, well-formed case directly:

- the path is exactly one of those routes, the id a plain positive number in range;
- a bearer token that the access caches already know and that may act (the same cached
  checks as server/auth/tokens.py's: `cached_device`, `cached_staff`), of the right kind or role;
- a body (where the route takes one) that is `application/json` and validates into the same
  pydantic model as the route's (same `json.loads`, same model, python mode).

It then runs the route's own work function (`issue_answer`, `transition_answer`,
`call_next_answer`): the same command through the writer, the same answer. Anything else —
no or unknown token, a token that must be read from the database, another content type, bad
JSON, a body that does not validate, another method or path — goes to the FastAPI app
unchanged (the body read so far replayed), so every refusal of a request is FastAPI's.
Refusals of the work itself (the command raises) are answered by the handlers the app
registers (server/api/errors.py, `handler_for`); any other exception goes on to
InternalErrors (a JSON 500), as from a route. This layer sits inside BodyLimit and
InternalErrors (server/app.py adds it first), so both apply to it as to every route.
tests/api/test_fast_path.py checks that both paths answer byte for byte the same.

It uses no private part of Starlette or FastAPI. Its own copy of the routing is checked
against the app's (`check_routes`, in tests/api/test_fast_path.py: every path it answers
must be a POST route of the app), and every request it hands to FastAPI is counted by reason (`fallbacks`)
and logged (DEBUG; an unexpected error while preparing one is an ERROR with its traceback).
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from fastapi import FastAPI
from fastapi.security.utils import get_authorization_scheme_param
from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from client.actions import WITHOUT_BODY, TicketAction
from server.api.deps import WINDOW_ROLES
from server.api.errors import handler_for
from server.api.routes.tickets import issue_answer, transition_answer
from server.api.routes.windows import call_next_answer
from server.api.schemas import FinishIn, TicketIn
from server.auth.tokens import cached_device, cached_staff
from server.domain.enums import DeviceKind
from server.runtime import Runtime
from server.security import is_device_token
from server.store.types import MAX_ID

PREFIX = "/api/v1/"
# path segment after /tickets/{id}/ -> the transition's action (no body)
TRANSITIONS: dict[str, TicketAction] = {action.path: action for action in WITHOUT_BODY}
JSON = b"application/json"
# the app's routes this layer answers (tests/api/test_fast_path.py checks the app has them)
ROUTES = (
    "/api/v1/tickets",
    "/api/v1/windows/{window_id}/call-next",
    "/api/v1/tickets/{ticket_id}/finish",
    *(f"/api/v1/tickets/{{ticket_id}}/{verb}" for verb in TRANSITIONS),
)

log = logging.getLogger(__name__)
Work = Callable[[], Awaitable[Response]]
M = TypeVar("M", bound=BaseModel)


def check_routes(app: FastAPI) -> None:
    """Refuse (RuntimeError) an app in which a path this layer answers is not a POST route
    (read from its OpenAPI schema: seconds, so a test does it, not every start): this
    layer's copy of the routing would answer a path the app no longer has."""
    paths = app.openapi()["paths"]
    missing = [path for path in ROUTES if "post" not in paths.get(path, {})]
    if missing:
        raise RuntimeError(
            f"server/api/fast_path.py answers POST {', '.join(missing)}, which the app no "
            "longer routes: update ROUTES and _route together with the routes"
        )


class FastPath:
    """Pure ASGI middleware in front of FastAPI's router (see the module's docstring)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.enabled = True  # off: everything goes to FastAPI (tests compare the two)
        self.served = 0  # requests answered here
        self.fallbacks: Counter[str] = Counter()  # requests of its routes FastAPI answered
        self._base_urls: dict[tuple[Any, ...], str] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and scope["method"] == "POST"
            and self.enabled
            and not scope.get("root_path")
        ):
            route = _route(scope["path"])
            if route is not None:
                await self._serve(route, scope, receive, send)
                return
        await self.app(scope, receive, send)

    async def _serve(
        self, route: tuple[str, int], scope: Scope, receive: Receive, send: Send
    ) -> None:
        kind, ident = route
        read: list[Message] = []
        work: Work | str = "no bearer token"
        token, content_type = _headers(scope)
        if token is not None and kind in ("issue", "finish") and content_type != JSON:
            work = "not application/json"
        elif token is not None:
            body: bytes | None = b""
            if kind in ("issue", "finish"):
                body = await _read_body(receive, read)
            work = (
                "the client left"
                if body is None
                else self._prepared(kind, ident, scope, token, body)
            )
        if isinstance(work, str):
            self.fallbacks[work] += 1
            log.debug("fast path: %s %s goes to FastAPI: %s", kind, ident, work)
            await self.app(scope, _replay(read, receive) if read else receive, send)
            return
        self.served += 1
        try:
            response: Response = await work()
        except Exception as exc:
            handler = handler_for(exc)
            if handler is None:
                raise  # InternalErrors: a JSON 500, as from a route
            response = await handler(Request(scope, receive), exc)
        await response(scope, receive, send)

    def _prepared(self, kind: str, ident: int, scope: Scope, token: str, body: bytes) -> Work | str:
        """The work, or why FastAPI answers instead; an error here is a bug of this layer:
        logged with its traceback, and FastAPI answers."""
        try:
            return self._work(kind, ident, scope, token, body)
        except Exception:
            log.exception("fast path: preparing %s %s failed; FastAPI answers it", kind, ident)
            return "error in the fast path"

    def _work(self, kind: str, ident: int, scope: Scope, token: str, body: bytes) -> Work | str:
        runtime: Runtime | None = getattr(scope["app"].state, "runtime", None)
        if runtime is None:
            return "no runtime"
        if kind == "issue":
            device = cached_device(runtime, token)
            if device is None or device.kind != DeviceKind.kiosk:
                return "not a cached kiosk"
            ticket_in = _validated(TicketIn, body)
            if ticket_in is None:
                return "body does not validate"
            base = runtime.settings.public_base_url or self._base_url(scope)
            return lambda: issue_answer(runtime, device, ticket_in, base)
        if is_device_token(token):  # refused by the route (403)
            return "a device's token"
        staff = cached_staff(runtime, token)
        if staff is None or staff.role not in WINDOW_ROLES:
            return "not cached window staff"
        if kind == "call-next":
            return lambda: call_next_answer(runtime, staff, ident)
        if kind == "finish":
            finish_in = _validated(FinishIn, body)
            if finish_in is None:
                return "body does not validate"
            outcome, numbers = finish_in.outcome, finish_in.case_nos
            return lambda: transition_answer(
                runtime, staff, ident, TicketAction.finish, outcome=outcome, case_nos=numbers
            )
        return lambda: transition_answer(runtime, staff, ident, TicketAction(kind))

    def _base_url(self, scope: Scope) -> str:
        """`str(request.base_url)`, as the route computes it, cached per host."""
        key = (
            scope.get("scheme"),
            scope.get("server"),
            scope.get("root_path"),
            scope.get("app_root_path"),
            next((v for k, v in scope["headers"] if k == b"host"), None),
        )
        base = self._base_urls.get(key)
        if base is None:
            base = str(Request(scope).base_url)
            if len(self._base_urls) >= 64:
                self._base_urls.clear()
            self._base_urls[key] = base
        return base


def _route(path: str) -> tuple[str, int] | None:
    """("issue", 0) | (transition action, ticket id) | ("call-next", window id) | None."""
    if not path.startswith(PREFIX):
        return None
    rest = path[len(PREFIX) :]
    if rest == "tickets":
        return "issue", 0
    parts = rest.split("/")
    if len(parts) != 3:
        return None
    resource, ident, verb = parts
    number = _id(ident)
    if number is None:
        return None
    if resource == "tickets":
        if verb == "finish":
            return "finish", number
        action = TRANSITIONS.get(verb)
        return (action, number) if action is not None else None
    if resource == "windows" and verb == "call-next":
        return "call-next", number
    return None


def _id(segment: str) -> int | None:
    """A path id written plainly (digits, no leading zero) within IdPath's range."""
    if not (0 < len(segment) <= 10 and segment.isascii() and segment.isdigit()):
        return None
    if segment[0] == "0":
        return None
    number = int(segment)
    return number if number <= MAX_ID else None


def _headers(scope: Scope) -> tuple[str | None, bytes | None]:
    """The bearer credentials (as fastapi.security.HTTPBearer reads them) and the
    content type: each header's first value, as Starlette's `headers.get` takes it."""
    authorization: bytes | None = None
    content_type: bytes | None = None
    for name, value in scope["headers"]:
        if name == b"authorization" and authorization is None:
            authorization = value
        elif name == b"content-type" and content_type is None:
            content_type = value
    if not authorization:
        return None, content_type
    scheme, credentials = get_authorization_scheme_param(authorization.decode("latin-1"))
    if not (scheme and credentials) or scheme.lower() != "bearer":
        return None, content_type
    return credentials, content_type


async def _read_body(receive: Receive, read: list[Message]) -> bytes | None:
    """The whole body (None when the client left first); every message kept in `read`."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        read.append(message)
        if message["type"] != "http.request":
            return None
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replay(messages: list[Message], receive: Receive) -> Receive:
    pending = list(messages)

    async def replayed() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return replayed


def _validated(model: type[M], body: bytes) -> M | None:
    """The body as FastAPI reads a JSON body into `model` (json.loads, then validation in
    python mode); None when it would not (FastAPI then answers the refusal)."""
    try:
        return model.model_validate(json.loads(body))
    except (ValueError, RecursionError):  # not JSON, not UTF-8, too deep, not valid
        return None
