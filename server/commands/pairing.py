"""Device pairing: an administrator makes a one-time code for a device (the console shows it
beside the device's QR code); the device's app exchanges it for a new token on its first
start (`POST /api/v1/devices/pair`, the apps' `--pair CODE`). The exchange gives the device a
fresh token (any earlier one of that device stops working): the code never reveals a stored
secret, and a device reinstalled on a new PC is paired the same way."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, select

from server.commands.admin import _notify_revocation
from server.domain import pairing
from server.domain.actor import StaffActor, ensure_hall
from server.domain.errors import InvalidInput
from server.domain.texts import text
from server.security import hash_device_token, new_device_token
from server.store import lookups
from server.store.tables import Device, DevicePairing, Hall
from server.store.transaction import Tx


@dataclass(frozen=True)
class PairingCode:
    device_id: int
    code: str  # as shown: ABCD-EFGH
    expires_at: datetime


@dataclass(frozen=True)
class Paired:
    device_id: int
    kind: str
    label: str
    hall_id: int
    hall_name: str
    token: str


def start_pairing(tx: Tx, actor: StaffActor, device_id: int) -> PairingCode:
    """A new code for the device (any earlier unused one of it stops working)."""
    device = lookups.get_or_404(
        tx.session, Device, device_id, "device.not_found", device_id=device_id
    )
    ensure_hall(actor, device.hall_id)
    if device.revoked_at is not None:
        raise InvalidInput(text("pairing.revoked", label=device.label))
    for old in tx.session.exec(
        select(DevicePairing).where(
            DevicePairing.device_id == device_id, col(DevicePairing.used_at).is_(None)
        )
    ):
        old.expires_at = min(old.expires_at, tx.now)
        tx.session.add(old)
    code = pairing.new_code()
    expires = tx.now + pairing.LIFETIME
    tx.session.add(
        DevicePairing(
            device_id=device_id,
            code_hash=pairing.code_hash(code),
            created_at=tx.now,
            expires_at=expires,
        )
    )
    tx.session.flush()
    return PairingCode(device_id, pairing.shown(code), expires)


def redeem_pairing(tx: Tx, code: str) -> Paired | None:
    """The device's new token for a valid code (used up now); None for any other code."""
    found = tx.session.exec(
        select(DevicePairing).where(DevicePairing.code_hash == pairing.code_hash(code))
    ).first()
    if found is None or found.used_at is not None or found.expires_at <= tx.now:
        return None
    device = tx.session.get(Device, found.device_id)
    if device is None or device.revoked_at is not None:
        return None
    tx.lock_hall(device.hall_id)
    token = new_device_token()
    found.used_at = tx.now
    device.token_hash = hash_device_token(token)
    tx.session.add(found)
    tx.session.add(device)
    tx.session.flush()
    _notify_revocation(tx, "device", device.id or 0)  # the old token, in every process
    hall = tx.session.get(Hall, device.hall_id)
    return Paired(
        device.id or 0, device.kind, device.label, device.hall_id, hall.name if hall else "", token
    )
