from __future__ import annotations

import base64
import binascii
from datetime import UTC, datetime
from urllib.parse import parse_qs, unquote

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from server.api.deps import RuntimeDep
from server.api.responses import BODY, ErrorOut, errors
from server.api.schemas import LoginIn, TokenOut
from server.domain.enums import Role
from server.domain.errors import AuthenticationRequired
from server.domain.texts import text
from server.queries.access import integration_by_client_id, staff_by_no
from server.runtime import Runtime
from server.security import (
    LoginBusy,
    TooManyAttempts,
    issue_access_token,
    issue_integration_token,
    same_secret,
)

router = APIRouter(prefix="/auth", tags=["auth"])


@router.post("/login", response_model=TokenOut, responses=errors(401, 429, 503, *BODY))
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
    try:
        ok = await runtime.passwords.check(staff.password_hash if staff else None, body.password)
    except LoginBusy:
        runtime.login_throttle.withdraw(body.staff_no, address, attempt)
        raise
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
        must_change_password=staff.must_change_password,
    )


# --- integrations: the OAuth2 client-credentials grant (RFC 6749 §4.4) -----------------------


class ClientTokenOut(BaseModel):
    access_token: str = Field(description="Bearer token for the appointment routes")
    token_type: str = "bearer"
    expires_in: int = Field(description="seconds the token is valid")


class OAuthErrorOut(ErrorOut):
    error: str = Field(description="RFC 6749 error code: invalid_request, invalid_client, …")
    error_description: str


FORM = {
    "requestBody": {
        "required": True,
        "content": {
            "application/x-www-form-urlencoded": {
                "schema": {
                    "type": "object",
                    "required": ["grant_type"],
                    "properties": {
                        "grant_type": {"type": "string", "enum": ["client_credentials"]},
                        "client_id": {"type": "string"},
                        "client_secret": {"type": "string"},
                    },
                }
            }
        },
    }
}
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
MAX_FIELD = 200


def _oauth_error(status: int, error: str, message: str, **headers: str) -> JSONResponse:
    body = {"detail": message, "code": error, "error": error, "error_description": message}
    return JSONResponse(body, status_code=status, headers={**NO_STORE, **headers})


def _basic(request: Request) -> tuple[str, str] | None:
    """client_id and client_secret from `Authorization: Basic` (client_secret_basic)."""
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic" or not value:
        return None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    client_id, sep, secret = decoded.partition(":")
    return (unquote(client_id), unquote(secret)) if sep else None


@router.post(
    "/token",
    response_model=ClientTokenOut,
    openapi_extra=FORM,
    responses={
        400: {"model": OAuthErrorOut, "description": "invalid_request, unsupported_grant_type"},
        401: {"model": OAuthErrorOut, "description": "invalid_client (wrong or revoked)"},
        429: {"model": ErrorOut, "description": "too many failed attempts (Retry-After)"},
    },
)
async def client_token(request: Request, runtime: RuntimeDep) -> JSONResponse:
    """An integration's access token (OAuth2 client credentials): form fields `grant_type=
    client_credentials`, `client_id`, `client_secret` (or the last two as HTTP Basic).
    Failed attempts are throttled per client_id and per address, as logins are."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    raw = await request.body()
    form: dict[str, list[str]] = {}
    if content_type == "application/x-www-form-urlencoded":
        try:
            form = parse_qs(raw.decode(), keep_blank_values=True, max_num_fields=10)
        except (UnicodeDecodeError, ValueError):
            form = {}

    def field(name: str) -> str:
        values = form.get(name) or [""]
        return values[0][:MAX_FIELD] if len(values) == 1 else ""

    if field("grant_type") != "client_credentials":
        error = "unsupported_grant_type" if field("grant_type") else "invalid_request"
        return _oauth_error(400, error, text("integration.bad_grant"))
    credentials = _basic(request) or (field("client_id"), field("client_secret"))
    client_id, secret = (c[:MAX_FIELD] for c in credentials)
    if not client_id or not secret:
        return _oauth_error(400, "invalid_request", text("integration.missing"))
    address = client_address(request)
    try:
        attempt = runtime.client_throttle.begin(client_id, address)
    except TooManyAttempts as exc:
        return _oauth_error(
            429, "too_many_attempts", exc.message, **{"Retry-After": str(exc.retry_after_s)}
        )
    account = await runtime.read(lambda s: integration_by_client_id(s, client_id))
    if account is None or account.revoked or not same_secret(account.secret_hash, secret):
        return _oauth_error(
            401, "invalid_client", text("integration.bad_client"), **{"WWW-Authenticate": "Basic"}
        )
    runtime.client_throttle.succeeded(client_id, address, attempt)
    seconds = runtime.settings.integration_token_seconds
    token = issue_integration_token(
        runtime.secret_key,
        integration_id=account.actor.integration_id,
        hall_id=account.actor.hall_id,
        now=datetime.now(UTC),  # real time: the token is checked against real time
        seconds=seconds,
    )
    body = ClientTokenOut(access_token=token, expires_in=seconds)
    return JSONResponse(body.model_dump(), headers=NO_STORE)
