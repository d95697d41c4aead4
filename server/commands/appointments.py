"""Booking and cancelling appointments (预约), for integrations (the 政务服务网) and staff.

Every change of a hall's appointments locks the hall first (Tx.lock_hall), so the quota of a
slot is counted and taken in one step however many bookings arrive at once, in one server
process or several. The ID number never reaches this module: the route hands over its keyed
hash and its last 4 digits (server/security.py, server/domain/personal.py).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import col, select

from client.events import AppointmentBooked, AppointmentCancelled
from server.domain.actor import IntegrationActor, StaffActor, ensure_hall
from server.domain.appointments import (
    HOLDS_SEAT,
    AppointmentPolicy,
    AppointmentRefused,
    AppointmentStatus,
    Slot,
    ban_until,
    book_deadline,
    bookable_days,
    cancel_deadline,
    check_in_closes,
    ensure_may_see,
    pick_slot,
    slots_of_day,
)
from server.domain.calendar import WorkingCalendar, business_day
from server.domain.enums import Role
from server.domain.errors import Conflict, NotFound, PermissionDenied
from server.domain.personal import IdType
from server.domain.texts import text
from server.store.lookups import AppointmentRecord, appointment_record
from server.store.tables import Appointment, AppointmentLift
from server.store.transaction import Tx

CODE_ATTEMPTS = 50


@dataclass(frozen=True)
class BookingRequest:
    service_id: int
    slot_start: datetime  # aware; naive means the hall's local time
    id_type: IdType
    id_hash: str
    id_last4: str
    name: str
    phone: str
    request_id: str | None = None


def _refuse(code: str, message: str) -> AppointmentRefused:
    return AppointmentRefused(message, code=code)


def _local(instant: datetime, zone: ZoneInfo) -> str:
    return instant.astimezone(zone).strftime("%m月%d日 %H:%M")


def book(
    tx: Tx, actor: IntegrationActor, request: BookingRequest, calendar: WorkingCalendar
) -> AppointmentRecord:
    """Book a slot for a person; every rule of the hall checked, the slot's quota taken in
    the same step. A repeated `request_id` of the same integration returns what it booked."""
    service = tx.catalog.service(tx.open_session, request.service_id)
    ensure_hall(actor, service.hall_id)
    tx.lock_hall(service.hall_id)
    policy = tx.catalog.rules(tx.open_session, service.hall_id)
    zone = service.zone
    start = request.slot_start
    start = (start.replace(tzinfo=zone) if start.tzinfo is None else start).astimezone(UTC)
    session = tx.session
    if request.request_id is not None:
        earlier = session.exec(
            select(Appointment).where(
                Appointment.integration_id == actor.integration_id,
                Appointment.request_id == request.request_id,
            )
        ).first()
        if earlier is not None:
            if (earlier.service_id, earlier.slot_start, earlier.id_hash) != (
                service.id,
                start,
                request.id_hash,
            ):
                raise Conflict(text("appointment.request_reused"), code="request_reused")
            return appointment_record(earlier, service, policy, replayed=True)
    if not service.enabled:
        raise _refuse("service_disabled", text("service.disabled", service=service.name))
    booking = service.booking
    if not booking.takes_appointments:
        raise _refuse("no_appointments", text("appointment.not_offered", service=service.name))
    day = start.astimezone(zone).date()
    today = business_day(tx.now, zone)
    days = bookable_days(today, booking.days_ahead, policy.same_day, calendar)
    if day not in days:
        raise _refuse("day_not_bookable", _day_refusal(day, today, days, policy, calendar))
    slot = pick_slot(slots_of_day(day, service.hours, booking.slot_minutes, zone), start)
    if slot is None:
        raise _refuse(
            "not_a_slot",
            text(
                "appointment.not_a_slot",
                service=service.name,
                minutes=booking.slot_minutes,
                hours=service.hours.describe(),
            ),
        )
    deadline = book_deadline(slot, policy)
    if tx.now > deadline:
        raise _refuse(
            "booking_closed",
            text(
                "appointment.booking_closed",
                minutes=policy.book_before_minutes,
                deadline=_local(deadline, zone),
            ),
        )
    barred = person_barred_until(tx, service.hall_id, request.id_hash, policy)
    if barred is not None:
        raise _refuse(
            "no_show_barred",
            text(
                "appointment.barred",
                limit=policy.no_show_limit,
                days=policy.no_show_days,
                until=barred.astimezone(zone).strftime("%Y年%m月%d日"),
            ),
        )
    same_day = session.exec(
        select(Appointment).where(
            Appointment.hall_id == service.hall_id,
            Appointment.id_hash == request.id_hash,
            Appointment.business_day == day,
            Appointment.service_id == service.id,
            col(Appointment.status).in_(HOLDS_SEAT),
        )
    ).first()
    if same_day is not None:
        raise _refuse(
            "one_per_day",
            text(
                "appointment.one_per_day",
                service=service.name,
                slot=_local(same_day.slot_start, zone),
            ),
        )
    taken = session.exec(
        select(func.count())
        .select_from(Appointment)
        .where(
            Appointment.service_id == service.id,
            Appointment.slot_start == slot.start,
            col(Appointment.status).in_(HOLDS_SEAT),
        )
    ).one()
    if taken >= booking.quota:
        raise _refuse("slot_full", text("appointment.slot_full", slot=_local(slot.start, zone)))
    row = Appointment(
        hall_id=service.hall_id,
        service_id=service.id,
        business_day=day,
        slot_start=slot.start,
        slot_end=slot.end,
        code=_new_code(tx, service.hall_id, day),
        status=AppointmentStatus.booked.value,
        id_type=request.id_type.value,
        id_hash=request.id_hash,
        id_last4=request.id_last4,
        name=request.name,
        phone=request.phone,
        created_at=tx.now,
        integration_id=actor.integration_id,
        request_id=request.request_id,
    )
    session.add(row)
    session.flush()
    tx.emit(
        service.hall_id,
        AppointmentBooked(
            appointment_id=row.id or 0,
            service_id=service.id,
            slot_start=slot.start,
            slot_end=slot.end,
            integration_id=actor.integration_id,
        ),
    )
    return appointment_record(row, service, policy)


def _day_refusal(
    day: date,
    today: date,
    days: list[date],
    policy: AppointmentPolicy,
    calendar: WorkingCalendar,
) -> str:
    if day < today:
        return text("appointment.day_past")
    if day == today and not policy.same_day:
        return text("appointment.not_same_day")
    if not calendar.is_working_day(day):
        return text("appointment.not_working_day", day=day.strftime("%Y年%m月%d日"))
    last = days[-1].strftime("%Y年%m月%d日") if days else ""
    return text("appointment.too_far", days=len(days), last=last)


def _new_code(tx: Tx, hall_id: int, day: date) -> str:
    """Six random digits, unique among the hall's appointments of that day."""
    for _ in range(CODE_ATTEMPTS):
        code = f"{secrets.randbelow(1_000_000):06d}"
        clash = tx.session.exec(
            select(Appointment.id).where(
                Appointment.hall_id == hall_id,
                Appointment.business_day == day,
                Appointment.code == code,
            )
        ).first()
        if clash is None:
            return code
    raise Conflict(text("appointment.no_code"))  # a million codes a day: never in practice


def person_barred_until(
    tx: Tx, hall_id: int, id_hash: str, policy: AppointmentPolicy
) -> datetime | None:
    """Until when the person may not book online for their no-shows (None: they may)."""
    lifted = tx.session.exec(
        select(func.max(AppointmentLift.lifted_at)).where(
            AppointmentLift.hall_id == hall_id, AppointmentLift.id_hash == id_hash
        )
    ).one()
    rows = tx.session.exec(
        select(Appointment).where(
            Appointment.hall_id == hall_id,
            Appointment.id_hash == id_hash,
            col(Appointment.status).in_(
                (AppointmentStatus.booked.value, AppointmentStatus.missed.value)
            ),
        )
    ).all()
    misses = []
    for row in rows:
        closes = check_in_closes(Slot(row.slot_start, row.slot_end), policy)
        if closes < tx.now and (lifted is None or closes > _aware(lifted)):
            misses.append(closes)
    return ban_until(misses, tx.now, policy)


def _aware(instant: datetime) -> datetime:
    return instant if instant.tzinfo is not None else instant.replace(tzinfo=UTC)


def appointment_to_change(tx: Tx, appointment_id: int) -> Appointment:
    """The appointment, read after its hall is locked (so it is current)."""
    hall_id = tx.session.exec(
        select(Appointment.hall_id).where(Appointment.id == appointment_id)
    ).first()
    if hall_id is None:
        raise NotFound(text("appointment.not_found", appointment_id=appointment_id))
    tx.lock_hall(hall_id)
    row = tx.session.get(Appointment, appointment_id, populate_existing=True)
    assert row is not None
    return row


def cancel(tx: Tx, actor: IntegrationActor | StaffActor, appointment_id: int) -> AppointmentRecord:
    """Cancel before the hall's cancel deadline (refused after it, with the reason);
    cancelling again changes nothing."""
    row = appointment_to_change(tx, appointment_id)
    ensure_may_see(actor, row.hall_id, row.integration_id, appointment_id)
    if isinstance(actor, StaffActor) and actor.role == Role.window:
        raise PermissionDenied(text("auth.role", roles="supervisor、admin"))
    service = tx.catalog.service(tx.open_session, row.service_id)
    policy = tx.catalog.rules(tx.open_session, row.hall_id)
    status = AppointmentStatus(row.status)
    if status is AppointmentStatus.cancelled:
        return appointment_record(row, service, policy)
    if status is not AppointmentStatus.booked:
        raise _refuse(
            "not_cancellable",
            text("appointment.not_cancellable", status=text(f"appointment_status.{status}")),
        )
    deadline = cancel_deadline(Slot(row.slot_start, row.slot_end), policy)
    if isinstance(actor, IntegrationActor) and tx.now > deadline:
        raise _refuse(
            "cancel_closed",
            text(
                "appointment.cancel_closed",
                minutes=policy.cancel_before_minutes,
                deadline=_local(deadline, service.zone),
            ),
        )
    row.status = AppointmentStatus.cancelled.value
    row.cancelled_at = tx.now
    tx.session.add(row)
    tx.session.flush()
    tx.emit(
        row.hall_id,
        AppointmentCancelled(
            appointment_id=row.id or 0,
            service_id=row.service_id,
            slot_start=row.slot_start,
            slot_end=row.slot_end,
            by_integration_id=actor.integration_id if isinstance(actor, IntegrationActor) else None,
            by_staff_no=actor.staff_no if isinstance(actor, StaffActor) else None,
        ),
    )
    return appointment_record(row, service, policy)
