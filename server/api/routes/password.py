"""`POST /api/v1/auth/password`: a staff member changes their own password.

Any signed-in staff member (bearer token, or the console's cookie with its CSRF token), also
one whose first password must be changed (the only thing such an account may do). The old
password is checked as a login is (off the event loop, throttled per 工号: a wrong one counts
as a failed login), the new one must follow the same rules as every password (at least 8
characters) and differ from the old one and from the 工号; it is hashed before the writer
(server/commands/own_password.py stores it). The account's other sessions end; a bearer
caller gets a new token, a console session goes on.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime

from fastapi import APIRouter, Request

from server.api.deps import Credentials, RuntimeDep
from server.api.responses import AUTH, BODY, errors
from server.api.routes.auth import client_address
from server.api.schemas import PasswordChangedOut, PasswordChangeIn
from server.auth import console_session as session
from server.auth.tokens import staff_from_token
from server.commands.admin import MIN_PASSWORD_LENGTH
from server.commands.own_password import change_own_password
from server.domain.actor import StaffActor
from server.domain.errors import AuthenticationRequired, InvalidInput, PermissionDenied
from server.domain.texts import text
from server.queries.access import staff_by_no
from server.runtime import Runtime
from server.security import is_device_token, is_integration_token, issue_access_token
from server.store.job import call

router = APIRouter(prefix="/auth", tags=["auth"])


@router.post(
    "/password", response_model=PasswordChangedOut, responses=errors(*AUTH, 409, 429, *BODY)
)
async def change_password(
    body: PasswordChangeIn, request: Request, runtime: RuntimeDep, creds: Credentials
) -> PasswordChangedOut:
    """Change the caller's own password: `{old_password, new_password}`."""
    keep_session: str | None = None
    if creds is not None:
        token = creds.credentials
        if is_device_token(token) or is_integration_token(token):
            raise PermissionDenied(text("auth.role", roles="window、supervisor、admin"))
        actor = await staff_from_token(runtime, token, changing_password=True)
    else:
        cookie_actor = await session.cookie_actor(
            request, runtime, request.method, changing_password=True
        )
        if cookie_actor is None:
            raise AuthenticationRequired(text("auth.required"))
        actor, keep_session = cookie_actor, request.cookies.get(session.SESSION_COOKIE)
    checked_hash = await _old_password_checked(runtime, actor, body.old_password, request)
    new = body.new_password
    if len(new) < MIN_PASSWORD_LENGTH:  # the rule of every password
        raise InvalidInput(text("staff.weak_password"), code="weak_password")
    if new == body.old_password:
        raise InvalidInput(text("password.same"), code="same_password")
    if new.strip() == actor.staff_no:
        raise InvalidInput(text("password.is_staff_no"), code="weak_password")
    hashed = await runtime.passwords.hash(new)  # before the writer: it would hold every write
    now = datetime.now(UTC)
    done = await runtime.write(
        call(change_own_password, actor.staff_id, checked_hash, hashed, keep_session, now)
    )
    runtime.access.revoked("staff", done.staff_id)  # other processes: see server/access.py
    access_token = None
    if creds is not None:  # the caller goes on with a new token (the old one just ended)
        minutes = runtime.settings.access_token_minutes
        claims = asdict(done)  # the account's claims: 工号, name, role, hall, token version
        access_token = issue_access_token(runtime.secret_key, **claims, now=now, minutes=minutes)
    return PasswordChangedOut(
        staff_id=done.staff_id, staff_no=done.staff_no, access_token=access_token
    )


async def _old_password_checked(
    runtime: Runtime, actor: StaffActor, old_password: str, request: Request
) -> str:
    """The stored hash, once `old_password` matched it (a wrong one counts as a failed login
    of the 工号: 429 past the limit)."""
    address = client_address(request)
    attempt = runtime.login_throttle.begin(actor.staff_no, address)
    staff = await runtime.read(lambda s: staff_by_no(s, actor.staff_no))
    if staff is None:
        raise AuthenticationRequired(text("auth.invalid_token"), code="invalid_token")
    if not await runtime.passwords.check(staff.password_hash, old_password):
        raise InvalidInput(text("password.wrong_old"), code="wrong_password")
    runtime.login_throttle.succeeded(actor.staff_no, address, attempt)
    return staff.password_hash
