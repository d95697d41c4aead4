"""Checking an appointment in (签到取号): at the kiosk by its 6-digit code or the person's ID
number (typed, read by a card reader, or the code scanned from the booking's QR), or at a
staffed desk (导办台) by the appointment. The ticket it gives goes ahead of the service's
walk-ins, after the green channel, in slot order (server/domain/queueing.py).

Check-in opens `early_minutes` before the slot and closes `grace_minutes` after its end;
earlier the answer says when it opens, later it is refused with the reason (the kiosk then
offers a normal ticket). Refusals carry their facts beside the message (`extra`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlmodel import col, select

from client.events import AppointmentCheckedIn, TicketIssued
from server.commands.appointments import appointment_to_change
from server.commands.ticket_events import ticket_fields
from server.commands.tickets import IssuedTicket, create_ticket
from server.domain.actor import DeviceActor, StaffActor, ensure_hall
from server.domain.appointments import (
    AppointmentPolicy,
    AppointmentRefused,
    AppointmentStatus,
    CheckIn,
    Slot,
    check_in_closes,
    check_in_opens,
    check_in_state,
)
from server.domain.calendar import business_day, hall_zone
from server.domain.enums import Priority, TicketSource, TicketStatus
from server.domain.errors import Conflict, NotFound, ServiceClosed
from server.domain.texts import text
from server.store import lookups
from server.store.hot import TicketRow
from server.store.tables import Appointment, Ticket
from server.store.transaction import Tx


@dataclass(frozen=True)
class CheckInRequest:
    """One of: `code` (6 digits), `id_hash` (the ID number's keyed hash), `appointment_id`
    (a staffed desk). `service_id`, when given, must be the appointment's service."""

    code: str | None = None
    id_hash: str | None = None
    appointment_id: int | None = None
    service_id: int | None = None
    request_id: str | None = None  # the kiosk's idempotency key


def check_in(tx: Tx, actor: DeviceActor | StaffActor, request: CheckInRequest) -> IssuedTicket:
    """The appointment's ticket, issued now (a repeated kiosk `request_id`: the same one)."""
    if request.appointment_id is not None:
        row = appointment_to_change(tx, request.appointment_id)
        ensure_hall(actor, row.hall_id)
        hall_id = row.hall_id
    else:
        hall_id = actor.hall_id or 0
        tx.lock_hall(hall_id)
    device_id = actor.device_id if isinstance(actor, DeviceActor) else None
    if device_id is not None and request.request_id is not None:
        earlier = tx.hot.ticket_by_request(device_id, request.request_id)
        if earlier is not None:
            return _replay(tx, earlier)
    zone = hall_zone(lookups.hall(tx.session, hall_id).timezone)
    policy = tx.catalog.rules(tx.open_session, hall_id)
    today = business_day(tx.now, zone)
    if request.appointment_id is None:
        row = _find(tx, hall_id, today, request, policy)
    if request.service_id is not None and row.service_id != request.service_id:
        raise Conflict(text("checkin.other_service"), code="other_service")
    return _issue(tx, actor, row, policy, zone, today, device_id, request.request_id)


def _find(
    tx: Tx, hall_id: int, today: date, request: CheckInRequest, policy: AppointmentPolicy
) -> Appointment:
    """Today's appointment of the code or the person (the one whose check-in is open first;
    else the next one to open; else the last missed); else the next day's, to say when."""
    query = select(Appointment).where(
        Appointment.hall_id == hall_id, col(Appointment.business_day) >= today
    )
    if request.code is not None:
        query = query.where(Appointment.code == request.code)
    elif request.id_hash is not None:
        query = query.where(Appointment.id_hash == request.id_hash)
    else:
        raise NotFound(text("checkin.not_found"), code="appointment_not_found")
    if request.service_id is not None:
        query = query.where(Appointment.service_id == request.service_id)
    rows = list(tx.session.exec(query.order_by(col(Appointment.slot_start))))
    if not rows:
        raise NotFound(text("checkin.not_found"), code="appointment_not_found")

    def rank(row: Appointment) -> tuple[int, datetime]:
        status = AppointmentStatus(row.status)
        state = check_in_state(tx.now, Slot(row.slot_start, row.slot_end), policy)
        if status is AppointmentStatus.booked:
            order = {CheckIn.open: 0, CheckIn.early: 1, CheckIn.late: 3}[state]
        else:
            order = {AppointmentStatus.checked_in: 2}.get(status, 4)
        return order, row.slot_start

    return min(rows, key=rank)


def _issue(
    tx: Tx,
    actor: DeviceActor | StaffActor,
    row: Appointment,
    policy: AppointmentPolicy,
    zone: ZoneInfo,
    today: date,
    device_id: int | None,
    request_id: str | None,
) -> IssuedTicket:
    service = tx.catalog.service(tx.open_session, row.service_id)
    slot = Slot(row.slot_start, row.slot_end)
    facts: dict[str, object] = {
        "appointment_id": row.id,
        "service_id": row.service_id,
        "service_name": service.name,
        "slot_start": slot.start.astimezone(zone).isoformat(),
        "slot_end": slot.end.astimezone(zone).isoformat(),
        "opens_at": check_in_opens(slot, policy).astimezone(zone).isoformat(),
        "closes_at": check_in_closes(slot, policy).astimezone(zone).isoformat(),
    }
    when = _slot_text(slot, zone, today)
    status = AppointmentStatus(row.status)
    if status is AppointmentStatus.checked_in:
        issued = tx.session.get(Ticket, row.ticket_id) if row.ticket_id else None
        number = issued.number if issued is not None else ""
        raise AppointmentRefused(
            text("checkin.already", slot=when, number=number),
            code="already_checked_in",
            extra={**facts, "number": number},
        )
    if status is AppointmentStatus.cancelled:
        raise AppointmentRefused(
            text("checkin.cancelled", slot=when), code="appointment_cancelled", extra=facts
        )
    state = check_in_state(tx.now, slot, policy)
    if state is CheckIn.early:
        opens = check_in_opens(slot, policy).astimezone(zone)
        opens_text = f"{opens:%H:%M}" if opens.date() == today else f"{opens:%m月%d日 %H:%M}"
        raise AppointmentRefused(
            text("checkin.early", slot=when, service=service.name, opens=opens_text),
            code="too_early",
            extra=facts,
        )
    if state is CheckIn.late or status is AppointmentStatus.missed:
        closes = check_in_closes(slot, policy).astimezone(zone)
        raise AppointmentRefused(
            text("checkin.late", slot=when, closes=f"{closes:%H:%M}"),
            code="too_late",
            extra=facts,
        )
    if not service.enabled:
        raise ServiceClosed(text("service.disabled", service=service.name))
    created = create_ticket(
        tx,
        service,
        row.business_day,
        priority=Priority.normal,
        source=TicketSource.appointment,
        device_id=device_id,
        request_id=request_id if device_id is not None else None,
        appointment=(row.id or 0, slot.start, slot.end),
    )
    ticket = created.ticket
    row.status = AppointmentStatus.checked_in.value
    row.checked_in_at = tx.now
    row.ticket_id = ticket.id
    tx.session.add(row)
    tx.session.flush()
    tx.emit_data(
        row.hall_id,
        TicketIssued.TYPE,
        ticket_fields(ticket, service_name=service.name, waiting=created.waiting,
                      window_number=None),
    )  # fmt: skip
    tx.emit(
        row.hall_id,
        AppointmentCheckedIn(
            appointment_id=row.id or 0,
            ticket_id=ticket.id,
            number=ticket.number,
            service_id=row.service_id,
            slot_start=slot.start,
            slot_end=slot.end,
            by_staff_no=actor.staff_no if isinstance(actor, StaffActor) else None,
        ),
    )
    ahead = lookups.people_ahead(tx.session, ticket)
    estimate = lookups.estimate(tx.open_session, tx.catalog, service, row.business_day, ahead)
    return IssuedTicket(ticket, ahead, estimate)


def _replay(tx: Tx, ticket: TicketRow) -> IssuedTicket:
    if ticket.appointment_id is None:
        raise Conflict(text("ticket.request_reused", number=ticket.number), code="request_reused")
    service = tx.catalog.service(tx.open_session, ticket.service_id)
    ahead = lookups.people_ahead(tx.session, ticket) if ticket.status == TicketStatus.waiting else 0
    estimate = lookups.estimate(tx.open_session, tx.catalog, service, ticket.business_day, ahead)
    return IssuedTicket(ticket, ahead, estimate, replayed=True)


def _slot_text(slot: Slot, zone: ZoneInfo, today: date) -> str:
    start, end = slot.start.astimezone(zone), slot.end.astimezone(zone)
    day = "今天" if start.date() == today else f"{start:%m月%d日}"
    return f"{day} {start:%H:%M}–{end:%H:%M}"
