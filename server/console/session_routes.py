"""`/api/v1/auth/session`: sign in to the web console (a cookie), ask who is signed in, sign out.

Sign-in goes through the same login as `POST /auth/login` (same checks, same throttle),
then refuses window staff: the console is for supervisors and admins.
"""

from __future__ import annotations

import contextlib
from datetime import datetime

from fastapi import APIRouter, Request, Response, status
from pydantic import BaseModel, Field

from server.api.deps import RuntimeDep
from server.api.responses import AUTH, BODY, errors
from server.api.routes import auth
from server.api.schemas import LoginIn
from server.auth import console_session as session
from server.commands import console_sessions
from server.domain.enums import Role
from server.domain.errors import AuthenticationRequired, PermissionDenied
from server.domain.texts import text
from server.queries import access as access_queries
from server.runtime import Runtime
from server.store.job import call
from server.store.tables import Hall

router = APIRouter(prefix="/auth", tags=["auth"])


class SessionOut(BaseModel):
    staff_id: int
    staff_no: str
    name: str
    role: Role
    hall_id: int | None = Field(description="null: an admin of the whole deployment")
    hall_name: str | None = None
    hall_timezone: str | None = None
    csrf_token: str = Field(description="Send as header X-CSRF-Token with every change")
    expires_at: datetime | None = None
    must_change_password: bool = Field(
        default=False, description="true: the console shows only 修改密码 until it is changed"
    )


async def _hall(runtime: Runtime, hall_id: int | None) -> dict[str, str | None]:
    if hall_id is None:
        return {"hall_name": None, "hall_timezone": None}
    hall = await runtime.read(lambda s: s.get(Hall, hall_id))
    return {
        "hall_name": hall.name if hall else None,
        "hall_timezone": hall.timezone if hall else None,
    }


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


@router.post("/session", response_model=SessionOut, responses=errors(*AUTH, 429, 503, *BODY))
async def sign_in(
    body: LoginIn, request: Request, response: Response, runtime: RuntimeDep
) -> SessionOut:
    """Sign in with 工号 and password; sets the HttpOnly session cookie (never in a URL)."""
    if not session.same_origin(request):
        raise PermissionDenied(text("console.cross_origin"), code="csrf")
    token = await auth.authenticate(body, runtime, auth.client_address(request))
    if token.role not in session.CONSOLE_ROLES:
        raise PermissionDenied(text("console.role"), code="console_role")
    hours = runtime.settings.console_session_hours
    now = session.real_now()
    signed = await runtime.write(call(console_sessions.start, token.staff_id, hours, now))
    csrf = session.set_cookies(response, runtime, signed, _secure(request))
    return SessionOut(
        **token.model_dump(exclude={"access_token", "token_type"}),  # who signed in
        **await _hall(runtime, token.hall_id),
        csrf_token=csrf,
        expires_at=signed.expires_at,
    )


@router.get("/session", response_model=SessionOut, responses=errors(401))
async def who(request: Request, runtime: RuntimeDep) -> SessionOut:
    """The signed-in console user (401 when not signed in)."""
    actor = await session.cookie_actor(request, runtime, changing_password=True)
    if actor is None:
        raise AuthenticationRequired(text("console.session_ended"), code="session_ended")
    account = await runtime.read(lambda s: access_queries.staff_account(s, actor.staff_id))
    return SessionOut(
        staff_id=actor.staff_id,
        staff_no=actor.staff_no,
        name=actor.name,
        role=actor.role,
        hall_id=actor.hall_id,
        **await _hall(runtime, actor.hall_id),
        csrf_token=session.csrf_token(runtime.secret_key, request.cookies[session.SESSION_COOKIE]),
        must_change_password=bool(account and account.must_change_password),
    )


@router.delete("/session", status_code=status.HTTP_204_NO_CONTENT, responses=errors(*AUTH))
async def sign_out(request: Request, runtime: RuntimeDep) -> Response:
    """End the session at once (CSRF-checked) and clear the cookies."""
    token = request.cookies.get(session.SESSION_COOKIE)
    if token:
        # already ended or expired: clearing the cookies is all that is left
        with contextlib.suppress(AuthenticationRequired):
            await session.cookie_actor(request, runtime, request.method, changing_password=True)
        now = session.real_now()
        await runtime.write(call(console_sessions.end, token, now))
    response = Response(status_code=status.HTTP_204_NO_CONTENT)
    session.clear_cookies(response)
    return response
