from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Request

from server.api.deps import RuntimeDep
from server.api.responses import BODY, errors
from server.api.schemas import LoginIn, TokenOut
from server.domain.enums import Role
from server.domain.errors import AuthenticationRequired
from server.domain.texts import text
from server.queries.access import staff_by_no
from server.runtime import Runtime
from server.security import check_password, issue_access_token

router = APIRouter(prefix="/auth", tags=["auth"])


@router.post("/login", response_model=TokenOut, responses=errors(401, 429, *BODY))
async def login(body: LoginIn, request: Request, runtime: RuntimeDep) -> TokenOut:
    return await authenticate(body, runtime, client_address(request))


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


async def authenticate(body: LoginIn, runtime: Runtime, address: str) -> TokenOut:
    """工号 and password → a staff token (REST login and the console's sign-in). Failed
    attempts are throttled per 工号 and per `address` (429); argon2 runs off the loop."""
    attempt = runtime.login_throttle.begin(body.staff_no, address)  # 429 when too many failed

    staff = await runtime.read(lambda session: staff_by_no(session, body.staff_no))
    # Verify even for an unknown staff number so timing does not reveal which numbers exist.
    ok = await check_password(staff.password_hash if staff else None, body.password)
    if staff is None or not ok:
        raise AuthenticationRequired(text("auth.bad_credentials"), code="bad_credentials")
    runtime.login_throttle.succeeded(body.staff_no, address, attempt)
    if not staff.active:
        raise AuthenticationRequired(text("auth.inactive"), code="inactive")
    token = issue_access_token(
        runtime.secret_key,
        staff_id=staff.id or 0,
        staff_no=staff.staff_no,
        name=staff.name,
        role=staff.role,
        hall_id=staff.hall_id,
        now=datetime.now(UTC),  # real time: the token is checked against real time
        minutes=runtime.settings.access_token_minutes,
        token_version=staff.token_version,
    )
    return TokenOut(
        access_token=token,
        staff_id=staff.id or 0,
        staff_no=staff.staff_no,
        name=staff.name,
        role=Role(staff.role),
        hall_id=staff.hall_id,
    )
