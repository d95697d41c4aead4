"""Reading appointments: the bookable slots of a service with the seats left, one
appointment, a hall's day of appointments (the console)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from server.domain.appointments import (
    HOLDS_SEAT,
    AppointmentPolicy,
    Slot,
    book_deadline,
    bookable_days,
    slots_of_day,
)
from server.domain.calendar import WorkingCalendar, business_day, day_bounds
from server.domain.errors import NotFound
from server.domain.texts import text
from server.store import lookups
from server.store.catalog import Catalog, ServiceInfo
from server.store.lookups import AppointmentRecord
from server.store.tables import Appointment


@dataclass(frozen=True)
class OpenSlot:
    slot: Slot
    quota: int
    remaining: int


def open_slots(
    session: Session,
    service: ServiceInfo,
    policy: AppointmentPolicy,
    calendar: WorkingCalendar,
    now: datetime,
    start: date | None,
    end: date | None,
) -> list[OpenSlot]:
    """The slots that can be booked now, between the days `start` and `end` (inclusive;
    default: every bookable day), with the seats left in each; full ones left out."""
    booking = service.booking
    if not (service.enabled and booking.takes_appointments):
        return []
    zone = service.zone
    today = business_day(now, zone)
    days = [
        d
        for d in bookable_days(today, booking.days_ahead, policy.same_day, calendar)
        if (start is None or d >= start) and (end is None or d <= end)
    ]
    if not days:
        return []
    first, _ = day_bounds(days[0], zone)
    _, last = day_bounds(days[-1], zone)
    rows = session.exec(
        select(Appointment.slot_start, func.count())
        .where(
            Appointment.service_id == service.id,
            col(Appointment.slot_start) >= first,
            col(Appointment.slot_start) < last,
            col(Appointment.status).in_(HOLDS_SEAT),
        )
        .group_by(col(Appointment.slot_start))
    ).all()
    taken = {_utc(at): int(n) for at, n in rows}
    found: list[OpenSlot] = []
    for day in days:
        for slot in slots_of_day(day, service.hours, booking.slot_minutes, zone):
            if now > book_deadline(slot, policy):
                continue
            remaining = booking.quota - taken.get(slot.start, 0)
            if remaining > 0:
                found.append(OpenSlot(slot, booking.quota, remaining))
    return found


def _utc(instant: datetime) -> datetime:
    return instant.replace(tzinfo=UTC) if instant.tzinfo is None else instant.astimezone(UTC)


def appointment_record(
    session: Session, catalog: Catalog, appointment_id: int
) -> AppointmentRecord:
    row = session.get(Appointment, appointment_id)
    if row is None:
        raise NotFound(text("appointment.not_found", appointment_id=appointment_id))
    service = catalog.service(session, row.service_id)
    return lookups.appointment_record(row, service, catalog.rules(session, row.hall_id))


def service_slots(
    session: Session,
    catalog: Catalog,
    service_id: int,
    calendar: WorkingCalendar,
    now: datetime,
    start: date | None,
    end: date | None,
) -> tuple[ServiceInfo, list[OpenSlot]]:
    """The service (its hall to check the caller against) and its open slots."""
    service = catalog.service(session, service_id)
    policy = catalog.rules(session, service.hall_id)
    return service, open_slots(session, service, policy, calendar, now, start, end)


def hall_rules(session: Session, catalog: Catalog, hall_id: int) -> AppointmentPolicy:
    lookups.hall(session, hall_id)
    return catalog.rules(session, hall_id)
