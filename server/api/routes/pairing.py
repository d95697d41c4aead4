"""Device pairing (server/commands/pairing.py): a one-time code made in the console, exchanged
by the device's app for its token."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from client.replies import PairedOut
from server.api.deps import AdminUser, RuntimeDep
from server.api.params import IdPath
from server.api.responses import AUTH, BODY, errors
from server.api.routes.auth import client_address
from server.commands import pairing
from server.domain import pairing as codes
from server.domain.errors import AuthenticationRequired, InvalidInput
from server.domain.texts import text
from server.store.job import call

router = APIRouter(tags=["devices"])


class PairingCodeOut(BaseModel):
    device_id: int
    code: str = Field(description="ABCD-EFGH: 8 characters, good once for 10 minutes")
    expires_at: datetime


class PairIn(BaseModel):
    code: str = Field(max_length=32, description="The code as shown (case, spaces, dash ignored)")


@router.post(
    "/admin/devices/{device_id}/pairing-code",
    response_model=PairingCodeOut,
    status_code=201,
    responses=errors(*AUTH, 404, 422),
)
async def make_pairing_code(
    device_id: IdPath, runtime: RuntimeDep, user: AdminUser
) -> PairingCodeOut:
    """A one-time pairing code for the device (10 minutes); an earlier unused one stops
    working. The device's app exchanges it for a token: `govqueue kiosk --pair CODE`."""
    made = await runtime.write(call(pairing.start_pairing, user, device_id))
    return PairingCodeOut(device_id=made.device_id, code=made.code, expires_at=made.expires_at)


@router.post("/devices/pair", response_model=PairedOut, responses=errors(401, 429, *BODY))
async def pair(body: PairIn, request: Request, runtime: RuntimeDep) -> PairedOut:
    """Exchange a pairing code for the device's token (no other credential: the code is
    one). Failed codes are throttled per client address (429)."""
    code = codes.normalize(body.code)
    if code is None:
        raise InvalidInput(text("pairing.bad_format"))
    address = client_address(request)
    attempt = runtime.login_throttle.begin(f"pairing:{address}", address)
    paired = await runtime.write(call(pairing.redeem_pairing, code))
    if paired is None:
        raise AuthenticationRequired(text("pairing.invalid"), code="invalid_pairing_code")
    runtime.login_throttle.succeeded(f"pairing:{address}", address, attempt)
    runtime.access.revoked("device", paired.device_id)  # its earlier token, in this process
    return PairedOut(
        device_id=paired.device_id,
        kind=paired.kind,
        label=paired.label,
        hall_id=paired.hall_id,
        hall_name=paired.hall_name,
        token=paired.token,
    )
