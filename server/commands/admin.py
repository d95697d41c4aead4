"""Setting up a hall: halls, services, windows, staff and devices; deactivating staff and
revoking devices (with an audit event in the hall's log)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from client.events import DeviceRevoked, StaffUpdated
from server.commands import windows
from server.domain.actor import StaffActor, ensure_hall
from server.domain.calendar import ServiceHours, hall_zone
from server.domain.enums import DeviceKind, Role, WindowState
from server.domain.errors import AlreadyExists, InvalidInput, PermissionDenied
from server.domain.names import clean_name
from server.domain.texts import text
from server.security import HashedPassword, hash_device_token, hash_password, new_device_token
from server.store import lookups
from server.store.statements import NOTIFY_REVOCATION
from server.store.tables import Device, Hall, Service, Staff, Window, WindowService
from server.store.transaction import Tx

audit = logging.getLogger("govqueue.audit")
RevocationKind = Literal["device", "staff"]

MIN_PASSWORD_LENGTH = 8


def _clean(value: str, field: str) -> str:
    """Every name is stored normalised, whichever way it came in (API, CLI, `admin apply`)."""
    try:
        return clean_name(value)
    except ValueError as exc:
        raise InvalidInput(f"{field}{exc}。") from exc


def create_hall(tx: Tx, code: str, name: str, timezone: str) -> Hall:
    code, name = _clean(code, "大厅编码"), _clean(name, "大厅名称")
    hall_zone(timezone)
    if tx.session.exec(select(Hall).where(Hall.code == code)).first() is not None:
        raise AlreadyExists(text("hall.code_taken", code=code))
    hall = Hall(code=code, name=name, timezone=timezone, created_at=tx.now)
    tx.session.add(hall)
    tx.session.flush()
    return hall


@dataclass(frozen=True)
class ServiceSpec:
    hall_id: int
    name: str
    prefix: str
    daily_limit: int | None = None
    target_wait_minutes: int = 20
    target_handle_minutes: int = 15
    hours: list[list[str]] | None = None
    enabled: bool = True
    item_code: str | None = None  # 事项编码 (the 好差评 platform's)
    appointment_slot_minutes: int = 30
    appointment_quota: int = 0
    appointment_days_ahead: int = 5
    common: bool = False  # 常用业务 (长辈版)


def check_appointments(hours: ServiceHours, quota: int, name: str) -> None:
    """A service that takes appointments needs hours to cut into slots."""
    if quota > 0 and not hours.periods:
        raise InvalidInput(text("appointment.needs_hours", service=name))


def create_service(tx: Tx, spec: ServiceSpec) -> Service:
    lookups.hall(tx.session, spec.hall_id)
    name = _clean(spec.name, "业务名称")
    hours = ServiceHours.parse(spec.hours)
    check_appointments(hours, spec.appointment_quota, name)
    taken = tx.session.exec(
        select(Service).where(Service.hall_id == spec.hall_id, Service.prefix == spec.prefix)
    ).first()
    if taken is not None:
        raise AlreadyExists(text("service.prefix_taken", prefix=spec.prefix))
    service = Service(
        hall_id=spec.hall_id,
        name=name,
        prefix=spec.prefix,
        daily_limit=spec.daily_limit,
        hours=hours.to_json(),
        target_wait_minutes=spec.target_wait_minutes,
        target_handle_minutes=spec.target_handle_minutes,
        enabled=spec.enabled,
        item_code=spec.item_code,
        appointment_slot_minutes=spec.appointment_slot_minutes,
        appointment_quota=spec.appointment_quota,
        appointment_days_ahead=spec.appointment_days_ahead,
        common=spec.common,
    )
    tx.session.add(service)
    tx.session.flush()
    return service


def create_window(
    tx: Tx, hall_id: int, number: str, service_ids: list[int]
) -> tuple[Window, list[int]]:
    lookups.hall(tx.session, hall_id)
    number = _clean(number, "窗口号")
    for service_id in service_ids:
        service = lookups.service(tx.session, service_id)
        if service.hall_id != hall_id:
            raise InvalidInput(
                text("window.service_other_hall", service_id=service_id, hall_id=hall_id)
            )
    if len(set(service_ids)) != len(service_ids):
        raise InvalidInput(text("window.duplicate_services"))
    taken = tx.session.exec(
        select(Window).where(Window.hall_id == hall_id, Window.number == number)
    ).first()
    if taken is not None:
        raise AlreadyExists(text("window.number_taken", number=number))
    window = Window(hall_id=hall_id, number=number, state="closed", state_since=tx.now)
    tx.session.add(window)
    tx.session.flush()
    for rank, service_id in enumerate(service_ids):
        tx.session.add(WindowService(window_id=window.id or 0, service_id=service_id, rank=rank))
    tx.session.flush()
    return window, service_ids


def checked_password(password: str) -> str:
    """A new password as given, once it is long enough (check it before hashing it)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(text("staff.weak_password"))
    return password


def new_password_hash(password: str) -> HashedPassword:
    """A new password checked and hashed, before the transaction that stores it (the
    command line; the server hashes with runtime.passwords.hash)."""
    return HashedPassword(hash_password(checked_password(password)))


def new_staff_row(
    staff_no: str,
    name: str,
    role: Role,
    password: HashedPassword,
    hall_id: int | None,
    *,
    must_change_password: bool = False,
) -> dict[str, Any]:
    """The columns of an account to add, its names checked (no database here).
    `must_change_password`: the password is a first one someone else chose (admin apply, the
    admin API, create-staff): the person changes it at their first sign-in."""
    staff_no, name = _clean(staff_no, "工号"), _clean(name, "姓名")
    if role != Role.admin and hall_id is None:
        raise InvalidInput(text("staff.needs_hall"))
    return {
        "staff_no": staff_no,
        "name": name,
        "role": role.value,
        "password_hash": password.value,
        "hall_id": hall_id,
        "active": True,
        "token_version": 0,
        "must_change_password": must_change_password,
    }


def create_staff(tx: Tx, row: dict[str, Any]) -> Staff:
    """Add the account `new_staff_row` made (its password hashed by the caller, before the
    transaction); 409 when its 工号 is taken."""
    staff = Staff(**row)
    if staff.hall_id is not None:
        lookups.hall(tx.session, staff.hall_id)
    taken = tx.session.exec(select(Staff).where(Staff.staff_no == staff.staff_no)).first()
    if taken is not None:
        raise AlreadyExists(text("staff.no_taken", staff_no=staff.staff_no))
    tx.session.add(staff)
    try:
        tx.session.flush()
    except IntegrityError as exc:
        raise AlreadyExists(text("staff.no_taken", staff_no=staff.staff_no)) from exc
    return staff


def create_device(
    tx: Tx, hall_id: int, kind: DeviceKind, label: str, window_id: int | None
) -> tuple[Device, str]:
    """The device and its token; the token is shown once and only its hash is kept."""
    lookups.hall(tx.session, hall_id)
    label = _clean(label, "设备名称")
    if kind == DeviceKind.window:
        if window_id is None:
            raise InvalidInput(text("device.window_required"))
        window = lookups.window(tx.session, window_id)
        if window.hall_id != hall_id:
            raise InvalidInput(
                text("device.window_other_hall", window_id=window_id, hall_id=hall_id)
            )
    token = new_device_token()
    device = Device(
        hall_id=hall_id,
        kind=kind,
        window_id=window_id if kind == DeviceKind.window else None,
        label=label,
        token_hash=hash_device_token(token),
        created_at=tx.now,
    )
    tx.session.add(device)
    tx.session.flush()
    return device, token


def _notify_revocation(tx: Tx, kind: RevocationKind, ident: int) -> None:
    """On PostgreSQL, every server process hears of it when this transaction commits."""
    if tx.conn.dialect.name == "postgresql":
        tx.conn.execute(NOTIFY_REVOCATION, {"payload": f"{kind}:{ident}"})


def revoke_device(tx: Tx, actor: StaffActor, device_id: int) -> tuple[Device, bool]:
    """(the device, whether it was revoked now): revoking twice changes nothing."""
    device = lookups.get_or_404(
        tx.session, Device, device_id, "device.not_found", device_id=device_id
    )
    ensure_hall(actor, device.hall_id)
    if device.revoked_at is not None:
        return device, False
    tx.lock_hall(device.hall_id)  # before any change: one lock order (server/store/transaction.py)
    device.revoked_at = tx.now
    tx.session.add(device)
    tx.session.flush()
    _notify_revocation(tx, "device", device.id or 0)
    tx.emit(
        device.hall_id,
        DeviceRevoked(
            device_id=device.id or 0,
            kind=device.kind,
            label=device.label,
            window_id=device.window_id,
            by_staff_id=actor.staff_id,
            by_staff_no=actor.staff_no,
        ),
    )
    return device, True


@dataclass(frozen=True)
class StaffChanges:
    name: str | None = None
    role: Role | None = None
    active: bool | None = None
    password: HashedPassword | None = None  # hashed before the job (runtime.passwords.hash)


# Changes that end the account's sessions: its access tokens are refused from then on.
ENDS_SESSIONS = frozenset({"role", "active", "password"})


def ensure_staff_in_scope(actor: StaffActor, staff_hall_id: int | None) -> None:
    """A hall admin manages its own hall's staff; only a deployment admin manages the
    deployment-wide accounts (no hall)."""
    if staff_hall_id is None:
        ensure_deployment_admin(actor, text("action.manage_global_staff"))
    else:
        ensure_hall(actor, staff_hall_id)


def _close_idle_windows(tx: Tx, actor: StaffActor, staff_id: int) -> None:
    """A deactivated clerk can no longer close their window: close it for them, so screens,
    kiosks' estimates and the statistics stop counting it as open. A window with a ticket
    called or in service stays as it is for the supervisor (closing it would end that
    applicant's service unseen)."""
    held = tx.session.exec(
        select(Window).where(Window.staff_id == staff_id, Window.state != WindowState.closed)
    ).all()
    for window in held:
        if windows.active_ticket(tx, window.id or 0) is None:
            windows.change_state(tx, actor, window.id or 0, "close")


def ensure_deployment_admin(actor: StaffActor, action: str) -> None:
    if actor.role != Role.admin or actor.hall_id is not None:
        raise PermissionDenied(text("auth.deployment_admin_only", action=action))


def update_staff(
    tx: Tx, actor: StaffActor, staff_id: int, changes: StaffChanges
) -> tuple[Staff, bool]:
    """(the account, whether its sessions ended). Records who changed what."""
    staff = lookups.get_or_404(tx.session, Staff, staff_id, "staff.not_found", staff_id=staff_id)
    ensure_staff_in_scope(actor, staff.hall_id)
    if staff.hall_id is not None:
        tx.lock_hall(staff.hall_id)  # before any change: one lock order
    changed: list[str] = []
    name = _clean(changes.name, "姓名") if changes.name is not None else None
    if name is not None and name != staff.name:
        staff.name = name
        changed.append("name")
    if changes.role is not None and changes.role != staff.role:
        if changes.role != Role.admin and staff.hall_id is None:
            raise InvalidInput(text("staff.needs_hall"))
        staff.role = changes.role
        changed.append("role")
    if changes.active is not None and changes.active != staff.active:
        staff.active = changes.active
        changed.append("active")
    if changes.password is not None:
        staff.password_hash = changes.password.value
        # a password an administrator set for someone else is a first password again
        staff.must_change_password = staff.id != actor.staff_id
        changed.append("password")
    if staff.id == actor.staff_id and {"role", "active"} & set(changed):
        raise PermissionDenied(text("staff.not_self"))
    if not changed:
        return staff, False
    ends_sessions = bool(ENDS_SESSIONS & set(changed))
    if ends_sessions:
        staff.token_version += 1
        _notify_revocation(tx, "staff", staff.id or 0)
    tx.session.add(staff)
    tx.session.flush()
    if "active" in changed and not staff.active:
        _close_idle_windows(tx, actor, staff.id or 0)
    event = StaffUpdated(
        staff_id=staff.id or 0,
        staff_no=staff.staff_no,
        name=staff.name,
        role=staff.role,
        active=staff.active,
        changed=changed,
        by_staff_id=actor.staff_id,
        by_staff_no=actor.staff_no,
    )
    if staff.hall_id is not None:
        tx.emit(staff.hall_id, event)
    else:  # a deployment-wide account belongs to no hall's log
        audit.info("staff.updated %s", event.model_dump_json())
    return staff, ends_sessions
