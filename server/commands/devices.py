"""What a device learns about itself at start-up, and the health it reports (`device.status`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sqlmodel import Session

from client.events import DeviceStatus
from server.commands import lookups
from server.domain.actor import DeviceActor
from server.domain.errors import AuthenticationRequired
from server.domain.texts import text
from server.store.tables import Device, Window
from server.store.transaction import Tx

Health = Literal["ok", "warning", "error"]


@dataclass(frozen=True)
class DeviceIdentity:
    device_id: int
    kind: str
    label: str
    hall_id: int
    hall_name: str
    hall_timezone: str
    window_id: int | None
    window_number: str | None


def _device(session: Session, actor: DeviceActor) -> Device:
    device = session.get(Device, actor.device_id)
    if device is None or device.revoked_at is not None:
        raise AuthenticationRequired(text("auth.invalid_token"), code="invalid_token")
    return device


def identity(session: Session, actor: DeviceActor) -> DeviceIdentity:
    device = _device(session, actor)
    hall = lookups.hall(session, device.hall_id)
    window = session.get(Window, device.window_id) if device.window_id is not None else None
    return DeviceIdentity(
        device_id=device.id or 0,
        kind=device.kind,
        label=device.label,
        hall_id=hall.id or 0,
        hall_name=hall.name,
        hall_timezone=hall.timezone,
        window_id=device.window_id,
        window_number=window.number if window else None,
    )


def report_status(
    tx: Tx, actor: DeviceActor, status: Health, printer: str | None, detail: str | None
) -> DeviceStatus:
    """Append a `device.status` event to the device's hall; returns it."""
    device = _device(tx.session, actor)
    event = DeviceStatus(
        device_id=device.id or 0,
        kind=device.kind,
        label=device.label,
        status=status,
        printer=printer,
        detail=detail,
    )
    tx.lock_hall(device.hall_id)
    tx.emit(device.hall_id, event)
    return event
