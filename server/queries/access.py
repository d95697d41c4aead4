"""What authentication reads: a device by its token's hash, a staff account by id or 工号, an
integration by id or client id, a console session by its token's hash."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from server.domain.actor import DeviceActor, IntegrationActor
from server.domain.enums import DeviceKind, Role
from server.store.tables import ConsoleSession, Device, Integration, Staff


@dataclass(frozen=True)
class DeviceAccount:
    actor: DeviceActor
    revoked: bool


@dataclass(frozen=True)
class StaffAccount:
    staff_id: int
    staff_no: str
    name: str
    role: Role
    hall_id: int | None
    active: bool
    token_version: int
    must_change_password: bool = False


@dataclass(frozen=True)
class IntegrationAccount:
    actor: IntegrationActor
    secret_hash: str
    requests_per_minute: int
    revoked: bool


def integration_account(session: Session, integration_id: int) -> IntegrationAccount | None:
    row = session.get(Integration, integration_id)
    return _integration(row) if row is not None else None


def integration_by_client_id(session: Session, client_id: str) -> IntegrationAccount | None:
    row = session.exec(select(Integration).where(Integration.client_id == client_id)).first()
    return _integration(row) if row is not None else None


def _integration(row: Integration) -> IntegrationAccount:
    return IntegrationAccount(
        IntegrationActor(row.id or 0, row.name, row.hall_id),
        row.secret_hash,
        row.requests_per_minute,
        revoked=row.revoked_at is not None,
    )


def device_by_token_hash(session: Session, token_hash: str) -> DeviceAccount | None:
    device = session.exec(select(Device).where(Device.token_hash == token_hash)).first()
    if device is None:
        return None
    actor = DeviceActor(device.id or 0, DeviceKind(device.kind), device.hall_id, device.window_id)
    return DeviceAccount(actor, revoked=device.revoked_at is not None)


def staff_account(session: Session, staff_id: int) -> StaffAccount | None:
    staff = session.get(Staff, staff_id)
    return _account(staff) if staff is not None else None


def staff_by_no(session: Session, staff_no: str) -> Staff | None:
    """The account with this 工号 (already normalised), with its password hash, for login."""
    return session.exec(select(Staff).where(Staff.staff_no == staff_no)).first()


def _account(staff: Staff) -> StaffAccount:
    return StaffAccount(
        staff_id=staff.id or 0,
        staff_no=staff.staff_no,
        name=staff.name,
        role=Role(staff.role),
        hall_id=staff.hall_id,
        active=staff.active,
        token_version=staff.token_version,
        must_change_password=staff.must_change_password,
    )


def console_session(session: Session, token_hash: str) -> tuple[ConsoleSession, Staff] | None:
    """The console session stored under this hash, with its staff member's account."""
    row = session.exec(
        select(ConsoleSession, Staff)
        .join(Staff, Staff.id == ConsoleSession.staff_id)  # type: ignore[arg-type]
        .where(ConsoleSession.token_hash == token_hash)
    ).first()
    return (row[0], row[1]) if row is not None else None
