"""The devices of a hall with the health each last reported, when it was last heard from,
its version, and whether it is 离线 (server/commands/devices.py keeps these on the device's
row; a device that reported only before they existed is read from its `device.status`
events)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlmodel import Session, col, select

from server.store.tables import Device, Event, Window

# Status reports are read back from the newest end of the hall's log, at most this many.
STATUS_SCAN_LIMIT = 2000


class DeviceHealth(BaseModel):
    id: int
    kind: str
    label: str
    window_id: int | None
    window_number: str | None
    status: str | None  # ok / warning / error; None: never reported
    printer: str | None
    detail: str | None
    reported_at: datetime | None
    reported_seq: int | None
    last_seen_at: datetime | None = None
    online: bool | None = None  # None: never heard from; False: 离线
    version: str | None = None


def hall_devices(session: Session, hall_id: int) -> list[DeviceHealth]:
    """Registered, not revoked devices, each with its last reported status."""
    devices = list(
        session.exec(
            select(Device)
            .where(Device.hall_id == hall_id, Device.revoked_at == None)  # noqa: E711
            .order_by(col(Device.id))
        )
    )
    numbers = dict(
        session.exec(select(Window.id, Window.number).where(Window.hall_id == hall_id)).all()
    )
    last: dict[int, Event] = {}
    for event in session.exec(
        select(Event)
        .where(Event.hall_id == hall_id, Event.type == "device.status")
        .order_by(col(Event.seq).desc())
        .limit(STATUS_SCAN_LIMIT)
    ):
        device_id = event.data.get("device_id")
        if isinstance(device_id, int) and device_id not in last:
            last[device_id] = event
    out = []
    for d in devices:
        found = last.get(d.id or 0)
        data: dict[str, Any] = found.data if found is not None else {}
        kept = d.health is not None
        seen = d.last_seen_at or (found.at if found is not None else None)
        out.append(
            DeviceHealth(
                id=d.id or 0,
                kind=d.kind,
                label=d.label,
                window_id=d.window_id,
                window_number=numbers.get(d.window_id) if d.window_id else None,
                status=d.health if kept else data.get("status"),
                printer=d.printer if kept else data.get("printer"),
                detail=d.detail if kept else data.get("detail"),
                reported_at=d.health_at if kept else (found.at if found is not None else None),
                reported_seq=found.seq if found is not None else None,
                last_seen_at=seen,
                online=None if seen is None else d.offline_since is None,
                version=d.version,
            )
        )
    return out
