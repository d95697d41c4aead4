"""What a device learns about itself at start-up, and the health it reports (`device.status`)."""

from __future__ import annotations

from typing import Literal

from sqlmodel import Session

from client.events import DeviceStatus
from client.kinds import DeviceKind
from client.replies import DeviceMeOut
from server.commands import sms
from server.commands.alerts import raise_alert, resolve_alert
from server.domain.actor import DeviceActor
from server.domain.errors import AuthenticationRequired
from server.domain.texts import text
from server.store import lookups
from server.store.tables import Device, Window
from server.store.transaction import Tx

Health = Literal["ok", "warning", "error"]


def device_of(session: Session, actor: DeviceActor) -> Device:
    device = session.get(Device, actor.device_id)
    if device is None or device.revoked_at is not None:
        raise AuthenticationRequired(text("auth.invalid_token"), code="invalid_token")
    return device


def identity(session: Session, actor: DeviceActor, public_base_url: str) -> DeviceMeOut:
    """`GET /devices/me`: who the device is and the hall's settings it follows."""
    device = device_of(session, actor)
    hall = lookups.hall(session, device.hall_id)
    window = session.get(Window, device.window_id) if device.window_id is not None else None
    return DeviceMeOut(
        id=device.id or 0,
        kind=DeviceKind(device.kind),
        label=device.label,
        hall_id=hall.id or 0,
        hall_name=hall.name,
        hall_timezone=hall.timezone,
        window_id=device.window_id,
        window_number=window.number if window else None,
        public_base_url=public_base_url,
        no_show_requeue=hall.no_show_requeue,
        kiosk_elderly=hall.kiosk_elderly,
        repeat_priority_calls=hall.repeat_priority_calls,
        guide_desk=device.window_id is not None and device.window_id == hall.guide_window_id,
        sms=sms.has_gateway(session, hall.id or 0),
    )


def report_status(
    tx: Tx,
    actor: DeviceActor,
    status: Health,
    printer: str | None,
    detail: str | None,
    version: str | None = None,
) -> DeviceStatus:
    """Record a device's health and that it was heard from now. A report that changes
    nothing (the 60 s heartbeat of a device that works) only moves `last_seen_at`; one that
    changes the health, the version, or brings the device back from 离线 is a `device.status`
    event, and raises or resolves its alerts (printer out of paper, device fault, offline)."""
    device = device_of(tx.session, actor)
    tx.lock_hall(device.hall_id)
    version = version or device.version
    changed = (
        device.health != status
        or device.printer != printer
        or device.detail != detail
        or device.version != version
        or device.offline_since is not None
    )
    device.last_seen_at = tx.now
    device.offline_since = None
    device.version = version
    if changed:
        device.health, device.printer, device.detail = status, printer, detail
        device.health_at = tx.now
    tx.session.add(device)
    event = _status_event(device)
    if changed:
        tx.emit(device.hall_id, event)
        _keep_alerts(tx, device)
    return event


def _status_event(device: Device) -> DeviceStatus:
    health = device.health if device.health in ("ok", "warning", "error") else "ok"
    return DeviceStatus(
        device_id=device.id or 0,
        kind=device.kind,
        label=device.label,
        status=health,
        printer=device.printer,
        detail=device.detail,
        online=device.offline_since is None,
        version=device.version,
        last_seen_at=device.last_seen_at,
    )


def _keep_alerts(tx: Tx, device: Device) -> None:
    hall_id, subject = device.hall_id, f"device:{device.id}"
    data = {"device_id": device.id or 0}
    resolve_alert(tx, hall_id, "device_offline", subject)
    if device.printer == "paper_out":
        sentence = text("alert.printer_out", label=device.label)
        raise_alert(tx, hall_id, "printer_out", subject, sentence, data=data)
    else:
        resolve_alert(tx, hall_id, "printer_out", subject)
    if device.health == "error" and device.printer != "paper_out":
        sentence = text(
            "alert.device_error", label=device.label, detail=device.detail or "无法正常工作"
        )
        raise_alert(tx, hall_id, "device_error", subject, sentence, data=data)
    else:
        resolve_alert(tx, hall_id, "device_error", subject)


def mark_offline(tx: Tx, device_id: int, after_s: float) -> bool:
    """离线: the watch has not heard from the device for `after_s`. Checked again here, under
    the hall's lock (it may have reported since the watch looked, or another server process
    marked it already)."""
    device = tx.session.get(Device, device_id)
    if device is None:
        return False
    tx.lock_hall(device.hall_id)
    tx.session.refresh(device)
    seen = device.last_seen_at
    if device.revoked_at is not None or device.offline_since is not None or seen is None:
        return False
    if (tx.now - seen).total_seconds() <= after_s:
        return False
    device.offline_since = tx.now
    tx.session.add(device)
    tx.emit(device.hall_id, _status_event(device))
    minutes = max(1, int((tx.now - seen).total_seconds() // 60))
    raise_alert(
        tx,
        device.hall_id,
        "device_offline",
        f"device:{device.id}",
        text("alert.device_offline", label=device.label, minutes=minutes),
        data={"device_id": device.id or 0},
    )
    return True
