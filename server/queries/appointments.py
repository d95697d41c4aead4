"""Reading appointments: the bookable slots of a service with the seats left, one
appointment, a hall's day of appointments (the console)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from server.domain.appointments import (
    HOLDS_SEAT,
    AppointmentPolicy,
    AppointmentStatus,
    Slot,
    ban_until,
    book_deadline,
    bookable_days,
    check_in_closes,
    is_missed,
    slots_of_day,
)
from server.domain.calendar import WorkingCalendar, business_day, day_bounds, hall_zone
from server.domain.errors import NotFound
from server.domain.personal import mask_name, mask_phone, masked_id
from server.domain.texts import text
from server.store import lookups
from server.store.catalog import Catalog, ServiceInfo
from server.store.lookups import AppointmentRecord
from server.store.tables import Appointment, AppointmentLift, Ticket


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


# --- what time has made due (server/appointment_upkeep.py) -------------------------------------


@dataclass(frozen=True)
class Due:
    hall_id: int
    missed: list[int]  # appointments still booked whose check-in has closed


def upkeep_due(session: Session, catalog: Catalog, now: datetime) -> list[Due]:
    """Per hall, the 失约 to mark now. Reads only the booked appointments whose slot has
    ended (an index range of ix_appointment_status_end)."""
    ended = session.exec(
        select(Appointment.id, Appointment.hall_id, Appointment.slot_start, Appointment.slot_end)
        .where(
            Appointment.status == AppointmentStatus.booked.value,
            col(Appointment.slot_end) < now,
        )
        .order_by(col(Appointment.hall_id))
    ).all()
    missed: dict[int, list[int]] = {}
    for ident, hall_id, start, end in ended:
        policy = catalog.rules(session, hall_id)
        if now > check_in_closes(Slot(_utc(start), _utc(end)), policy):
            missed.setdefault(hall_id, []).append(ident or 0)
    return [Due(hall_id, ids) for hall_id, ids in sorted(missed.items())]


# --- the no-show list (the console) -------------------------------------------------------------


@dataclass(frozen=True)
class NoShowPerson:
    appointment_id: int  # their latest missed appointment: the handle to lift the bar
    name: str | None  # masked
    id_no: str  # masked
    phone: str | None  # masked
    misses: int  # counted (after the last lift, within no_show_days)
    last_missed_at: datetime
    barred_until: datetime | None


def no_show_list(
    session: Session, catalog: Catalog, hall_id: int, now: datetime
) -> list[NoShowPerson]:
    """The people of the hall with no-shows that still count, barred ones first."""
    policy = catalog.rules(session, hall_id)
    horizon = now - timedelta(days=policy.no_show_days + policy.ban_days + 1)
    rows = session.exec(
        select(Appointment).where(
            Appointment.hall_id == hall_id,
            col(Appointment.id_hash).is_not(None),
            col(Appointment.slot_end) > horizon,
            col(Appointment.status).in_(
                (AppointmentStatus.booked.value, AppointmentStatus.missed.value)
            ),
        )
    ).all()
    lifts = dict(
        session.exec(
            select(AppointmentLift.id_hash, func.max(AppointmentLift.lifted_at))
            .where(AppointmentLift.hall_id == hall_id)
            .group_by(col(AppointmentLift.id_hash))
        ).all()
    )
    people: dict[str, list[tuple[datetime, Appointment]]] = {}
    for row in rows:
        closes = check_in_closes(Slot(row.slot_start, row.slot_end), policy)
        lifted = lifts.get(row.id_hash or "")
        if closes < now and (lifted is None or closes > _utc(lifted)):
            people.setdefault(row.id_hash or "", []).append((closes, row))
    found = []
    window = timedelta(days=policy.no_show_days)
    for misses in people.values():
        misses.sort(key=lambda m: m[0])
        times = [t for t, _ in misses]
        barred = ban_until(times, now, policy)
        recent = [t for t in times if t > now - window]
        if not recent and barred is None:
            continue
        last_time, last = misses[-1]
        found.append(
            NoShowPerson(
                appointment_id=last.id or 0,
                name=mask_name(last.name),
                id_no=masked_id(last.id_last4),
                phone=mask_phone(last.phone),
                misses=len(recent),
                last_missed_at=last_time,
                barred_until=barred,
            )
        )
    found.sort(key=lambda p: (p.barred_until is None, -p.last_missed_at.timestamp()))
    return found


# --- a hall's day of appointments (the console) ------------------------------------------------


@dataclass(frozen=True)
class DayItem:
    record: AppointmentRecord
    ticket_number: str | None
    ticket_status: str | None
    called_at: datetime | None


@dataclass(frozen=True)
class SlotCounts:
    service_id: int
    service_name: str
    slot_start: datetime
    slot_end: datetime
    quota: int
    booked: int  # every appointment holding a seat (checked in and 失约 included)
    checked_in: int
    called: int
    missed: int
    cancelled: int


def hall_day(
    session: Session, catalog: Catalog, hall_id: int, day: date | None, now: datetime
) -> tuple[date, list[SlotCounts], list[DayItem]]:
    """The hall's appointments of `day` (default: today) in slot order, and their counts per
    service and slot (a booked one past its check-in counts as 失约 before the upkeep marks
    it)."""
    hall = lookups.hall(session, hall_id)
    day = day or business_day(now, hall_zone(hall.timezone))
    policy = catalog.rules(session, hall_id)
    rows = session.exec(
        select(Appointment, Ticket.number, Ticket.status, Ticket.called_at)
        .join(Ticket, col(Ticket.id) == col(Appointment.ticket_id), isouter=True)
        .where(Appointment.hall_id == hall_id, Appointment.business_day == day)
        .order_by(col(Appointment.slot_start), col(Appointment.service_id), col(Appointment.id))
    ).all()
    items: list[DayItem] = []
    counts: dict[tuple[int, datetime], dict[str, int]] = {}
    slots: dict[tuple[int, datetime], tuple[ServiceInfo, datetime]] = {}
    for row, number, status, called_at in rows:
        service = catalog.service(session, row.service_id)
        items.append(
            DayItem(
                lookups.appointment_record(row, service, policy),
                number,
                status,
                _utc(called_at) if called_at else None,
            )
        )
        key = (row.service_id, row.slot_start)
        slots[key] = (service, row.slot_end)
        c = counts.setdefault(key, dict.fromkeys(_COUNTS, 0))
        kind = AppointmentStatus(row.status)
        if kind is AppointmentStatus.cancelled:
            c["cancelled"] += 1
            continue
        c["booked"] += 1
        if kind is AppointmentStatus.checked_in:
            c["checked_in"] += 1
            c["called"] += called_at is not None
        elif is_missed(kind, Slot(row.slot_start, row.slot_end), policy, now):
            c["missed"] += 1
    summary = [
        SlotCounts(
            service_id=key[0],
            service_name=slots[key][0].name,
            slot_start=key[1],
            slot_end=slots[key][1],
            quota=slots[key][0].booking.quota,
            **c,
        )
        for key, c in sorted(counts.items(), key=lambda kv: (kv[0][0], kv[0][1]))
    ]
    return day, summary, items


_COUNTS = ("booked", "checked_in", "called", "missed", "cancelled")
