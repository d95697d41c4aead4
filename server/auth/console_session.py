"""The web console's sign-in: a server-side session named by an HttpOnly, SameSite cookie.

The REST API and `/ws` accept it in addition to bearer tokens (server/api/deps.py and the
feed endpoint call `cookie_actor`), so the console uses the same routes as every client; the
sign-in and sign-out routes are server/console/session_routes.py, their writes
server/commands/console_sessions.py.

- The cookie `gq_session` holds 256 random bits; only their SHA-256 is stored
  (`console_session`). Every request looks the session and its staff row up, so signing out,
  expiry, deactivation and role changes take effect at once in every server process.
- Changes made with the cookie (any method but GET/HEAD/OPTIONS) must carry the header
  `X-CSRF-Token`, whose value is an HMAC of the session token (signed double submit): the
  console reads it from the `gq_csrf` cookie (not HttpOnly) or from `GET /auth/session`.
  A request whose `Origin` is another site is refused too, and so is a `/ws` handshake
  authenticated by the cookie from another origin (cross-site WebSocket hijacking).
- A bearer token, when present, wins: devices and apps never touch cookies.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime
from urllib.parse import urlsplit

from starlette.requests import HTTPConnection
from starlette.responses import Response

from server.commands.console_sessions import SignedIn, token_hash
from server.domain.actor import StaffActor
from server.domain.enums import Role
from server.domain.errors import AuthenticationRequired, PermissionDenied
from server.domain.texts import text
from server.queries import access as access_queries
from server.runtime import Runtime

SESSION_COOKIE = "gq_session"
CSRF_COOKIE = "gq_csrf"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CONSOLE_ROLES = frozenset({Role.supervisor, Role.admin})


def csrf_token(secret_key: str, session_token: str) -> str:
    digest = hmac.new(secret_key.encode(), b"csrf:" + session_token.encode(), hashlib.sha256)
    return digest.hexdigest()


def real_now() -> datetime:
    """Sessions expire in real time, like access tokens (the hall clock may be simulated)."""
    return datetime.now(UTC)


def same_origin(conn: HTTPConnection) -> bool:
    """No Origin header (same-origin GET, old browsers) or one naming this very host."""
    origin = conn.headers.get("origin")
    if origin is None:
        return True
    return urlsplit(origin).netloc.lower() == conn.headers.get("host", "").lower()


async def cookie_actor(
    conn: HTTPConnection,
    runtime: Runtime,
    method: str = "GET",
    *,
    changing_password: bool = False,
) -> StaffActor | None:
    """The staff member signed in with the console cookie; None when there is no cookie.

    Raises when the cookie is stale or ended (401), the account is inactive (401), or a
    change lacks the CSRF token or comes from another origin (403). An account that must
    change its password may only do that, see who it is and sign out (`changing_password`);
    anything else is 403 password_change_required.
    """
    token = conn.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    if method not in SAFE_METHODS:
        if not same_origin(conn):
            raise PermissionDenied(text("console.cross_origin"), code="csrf")
        sent = conn.headers.get(CSRF_HEADER, "")
        if not hmac.compare_digest(sent, csrf_token(runtime.secret_key, token)):
            raise PermissionDenied(text("console.csrf"), code="csrf")
    hashed = token_hash(token)
    found = await runtime.read(lambda s: access_queries.console_session(s, hashed))
    if found is None:
        raise AuthenticationRequired(text("console.session_ended"), code="session_ended")
    row, staff = found
    if row.ended_at is not None or row.expires_at <= real_now():
        raise AuthenticationRequired(text("console.session_ended"), code="session_ended")
    if not staff.active:
        raise AuthenticationRequired(text("auth.inactive"), code="inactive")
    role = Role(staff.role)
    if role not in CONSOLE_ROLES:
        raise PermissionDenied(text("console.role"), code="console_role")
    if staff.must_change_password and not changing_password:
        raise PermissionDenied(text("password.change_required"), code="password_change_required")
    return StaffActor(staff.id or 0, staff.staff_no, staff.name, role, staff.hall_id)


async def websocket_actor(conn: HTTPConnection, runtime: Runtime) -> StaffActor | None:
    """For `/ws`: the cookie's staff member, only from a page of this very server."""
    if conn.cookies.get(SESSION_COOKIE) and not same_origin(conn):
        raise PermissionDenied(text("console.cross_origin"), code="csrf")
    return await cookie_actor(conn, runtime)


def set_cookies(response: Response, runtime: Runtime, signed: SignedIn, secure: bool) -> str:
    """Put the session and its CSRF token into cookies; returns the CSRF token."""
    csrf = csrf_token(runtime.secret_key, signed.token)
    max_age = max(0, int((signed.expires_at - real_now()).total_seconds()))
    response.set_cookie(
        SESSION_COOKIE,
        signed.token,
        max_age=max_age,
        path="/",
        httponly=True,
        samesite="strict",
        secure=secure,
    )
    response.set_cookie(
        CSRF_COOKIE,
        csrf,
        max_age=max_age,
        path="/",
        httponly=False,
        samesite="strict",
        secure=secure,
    )
    return csrf


def clear_cookies(response: Response) -> None:
    for name in (SESSION_COOKIE, CSRF_COOKIE):
        response.delete_cookie(name, path="/", samesite="strict")
