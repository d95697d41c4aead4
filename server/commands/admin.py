"""Setting up a hall: halls, services, windows, staff and devices."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from server.commands import lookups
from server.domain.calendar import ServiceHours, hall_zone
from server.domain.enums import DeviceKind, Role
from server.domain.errors import AlreadyExists, InvalidInput
from server.domain.texts import text
from server.security import hash_device_token, hash_password, new_device_token
from server.store.tables import Device, Hall, Service, Staff, Window, WindowService
from server.store.transaction import Tx

MIN_PASSWORD_LENGTH = 8


def create_hall(tx: Tx, code: str, name: str, timezone: str) -> Hall:
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


def create_service(tx: Tx, spec: ServiceSpec) -> Service:
    lookups.hall(tx.session, spec.hall_id)
    hours = ServiceHours.parse(spec.hours)
    taken = tx.session.exec(
        select(Service).where(Service.hall_id == spec.hall_id, Service.prefix == spec.prefix)
    ).first()
    if taken is not None:
        raise AlreadyExists(text("service.prefix_taken", prefix=spec.prefix))
    service = Service(
        hall_id=spec.hall_id,
        name=spec.name,
        prefix=spec.prefix,
        daily_limit=spec.daily_limit,
        hours=hours.to_json(),
        target_wait_minutes=spec.target_wait_minutes,
        target_handle_minutes=spec.target_handle_minutes,
        enabled=spec.enabled,
    )
    tx.session.add(service)
    tx.session.flush()
    return service


def create_window(
    tx: Tx, hall_id: int, number: str, service_ids: list[int]
) -> tuple[Window, list[int]]:
    lookups.hall(tx.session, hall_id)
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


def create_staff(
    tx: Tx, staff_no: str, name: str, role: Role, password: str, hall_id: int | None
) -> Staff:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(text("staff.weak_password"))
    if role != Role.admin and hall_id is None:
        raise InvalidInput(text("staff.needs_hall"))
    if hall_id is not None:
        lookups.hall(tx.session, hall_id)
    if tx.session.exec(select(Staff).where(Staff.staff_no == staff_no)).first() is not None:
        raise AlreadyExists(text("staff.no_taken", staff_no=staff_no))
    staff = Staff(
        staff_no=staff_no,
        name=name,
        role=role,
        password_hash=hash_password(password),
        hall_id=hall_id,
    )
    tx.session.add(staff)
    try:
        tx.session.flush()
    except IntegrityError as exc:
        raise AlreadyExists(text("staff.no_taken", staff_no=staff_no)) from exc
    return staff


def create_device(
    tx: Tx, hall_id: int, kind: DeviceKind, label: str, window_id: int | None
) -> tuple[Device, str]:
    """The device and its token; the token is shown once and only its hash is kept."""
    lookups.hall(tx.session, hall_id)
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
