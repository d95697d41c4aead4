"""Read models of a window clerk's desk: the hall's windows, and one window's queue with the
ticket at it (client/desk.py). Today's figures are in window_today.py."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import and_
from sqlmodel import Session, col, select

from client.desk import (
    DeskAppointment,
    DeskTicket,
    DeskWindow,
    QueuedTicket,
    ServiceQueue,
    WindowQueue,
)
from server.domain.calendar import business_day, hall_zone
from server.domain.enums import Priority, TicketStatus
from server.domain.lifecycle import ACTIVE_AT_WINDOW
from server.domain.personal import mask_name, masked_id
from server.domain.queueing import Candidate, order_key
from server.store import lookups
from server.store.tables import Appointment, Service, Ticket, Window

NEXT_PER_SERVICE = 3
NEXT_OVERALL = 6
NO_SHOWS = 10


def desk_window(session: Session, window: Window) -> DeskWindow:
    return DeskWindow(
        id=window.id or 0,
        hall_id=window.hall_id,
        number=window.number,
        staff_id=window.staff_id,
        service_ids=lookups.window_service_ids(session, window.id or 0),
        **lookups.window_staff(session, window),
    )


def hall_windows(session: Session, hall_id: int) -> list[DeskWindow]:
    lookups.hall(session, hall_id)
    windows = session.exec(
        select(Window).where(Window.hall_id == hall_id).order_by(col(Window.id))
    ).all()
    return [desk_window(session, w) for w in windows]


def _desk_appointment(session: Session, ticket: Ticket, reveal: bool) -> DeskAppointment | None:
    if ticket.appointment_id is None or ticket.slot_start is None or ticket.slot_end is None:
        return None
    row = session.get(Appointment, ticket.appointment_id)
    name = row.name if row is not None else None
    return DeskAppointment(
        id=ticket.appointment_id,
        slot_start=ticket.slot_start,
        slot_end=ticket.slot_end,
        name=name if reveal else mask_name(name),
        id_no=masked_id(row.id_last4 if row is not None else None),
    )


def _desk_ticket(
    session: Session, ticket: Ticket, service_name: str, reveal: bool = False
) -> DeskTicket:
    origin = session.get(Ticket, ticket.origin_ticket_id) if ticket.origin_ticket_id else None
    return DeskTicket(
        ticket_id=ticket.id or 0,
        number=ticket.number,
        service_id=ticket.service_id,
        service_name=service_name,
        priority=ticket.priority,
        status=ticket.status,
        issued_at=ticket.issued_at,
        # its wait: from when it first joined the queue (扫码过号重排 moves only its place)
        entered_queue_at=ticket.first_entered_queue_at or ticket.entered_queue_at,
        called_at=ticket.called_at,
        last_called_at=ticket.last_called_at,
        serving_started_at=ticket.serving_started_at,
        recall_count=ticket.recall_count,
        no_show_count=ticket.no_show_count,
        transferred_from=origin.number if origin else None,
        appointment=_desk_appointment(session, ticket, reveal),
        rejoined=ticket.rejoined_at is not None,
    )


def _in_call_order(queued: list[QueuedTicket], service_rank: dict[int, int]) -> list[QueuedTicket]:
    """`queued` in the order call-next takes them (the domain's order_key)."""
    return sorted(
        queued,
        key=lambda t: order_key(
            Candidate(
                t.ticket_id, t.service_id, Priority(t.priority), t.entered_queue_at, t.slot_start
            ),
            service_rank,
        ),
    )


def _queued(ticket: Ticket) -> QueuedTicket:
    return QueuedTicket(
        ticket_id=ticket.id or 0,
        number=ticket.number,
        service_id=ticket.service_id,
        priority=ticket.priority,
        entered_queue_at=ticket.entered_queue_at,
        slot_start=ticket.slot_start,
        slot_end=ticket.slot_end,
        rejoined=ticket.rejoined_at is not None,
    )


def _service_queue(session: Session, service: Service, day: date) -> ServiceQueue:
    counts = lookups.queue_counts(session.connection(), service.id or 0, day)
    # each lane in its own order — green and walk-ins by time in the queue, appointments by
    # slot: one index probe a lane, however long the queue (ordering by a CASE on the
    # priority sorted every waiting ticket of the service: 25 ms a view with 60,000 waiting)
    waiting = (
        col(Ticket.service_id) == service.id,
        col(Ticket.business_day) == day,
        col(Ticket.status) == TicketStatus.waiting,
    )
    by_time = (col(Ticket.entered_queue_at), col(Ticket.id))
    slot = col(Ticket.slot_start)
    lanes: list[tuple[Any, tuple[Any, ...]]] = [
        (col(Ticket.priority) == p, by_time) for p in Priority if p != Priority.normal
    ]
    lanes.append((slot.is_not(None), (slot, col(Ticket.id))))
    lanes.append((and_(col(Ticket.priority) == Priority.normal, slot.is_(None)), by_time))
    tickets: list[Ticket] = []
    for where, order in lanes:
        tickets += session.exec(
            select(Ticket).where(*waiting, where).order_by(*order).limit(NEXT_OVERALL)
        ).all()
    heads = _in_call_order([_queued(t) for t in tickets], {})[:NEXT_OVERALL]
    return ServiceQueue(
        service_id=service.id or 0,
        name=service.name,
        prefix=service.prefix,
        enabled=service.enabled,
        waiting=counts.waiting,
        green_waiting=counts.priority_waiting,
        next=heads,
    )


def window_queue(
    session: Session, window_id: int, now: datetime, reader_id: int | None = None
) -> WindowQueue:
    """The window, the ticket at it, its services' queues and who it would call next. The
    name of an appointment's applicant is in clear only for the clerk signed in at the
    window (`reader_id`), who serves them."""
    window = lookups.window(session, window_id)
    hall = lookups.hall(session, window.hall_id)
    day = business_day(now, hall_zone(hall.timezone))
    service_ids = lookups.window_service_ids(session, window_id)
    services = {s.id: s for s in session.exec(select(Service).where(Service.hall_id == hall.id))}
    names = {sid: s.name for sid, s in services.items()}
    queues = [_service_queue(session, services[sid], day) for sid in service_ids]
    # The first few of every service contain the first few overall (same order within each).
    rank = {sid: i for i, sid in enumerate(service_ids)}
    heads = _in_call_order([t for q in queues for t in q.next], rank)
    current = session.exec(
        select(Ticket).where(
            Ticket.window_id == window_id, col(Ticket.status).in_(list(ACTIVE_AT_WINDOW))
        )
    ).first()
    no_shows = session.exec(
        select(Ticket)
        .where(
            Ticket.window_id == window_id,
            Ticket.business_day == day,
            Ticket.status == TicketStatus.no_show,
        )
        .order_by(col(Ticket.last_called_at).desc(), col(Ticket.id).desc())
        .limit(NO_SHOWS)
    ).all()
    return WindowQueue(
        business_day=day.isoformat(),
        window=desk_window(session, window),
        current=_desk_ticket(
            session,
            current,
            names.get(current.service_id, ""),
            reveal=reader_id is not None and window.staff_id == reader_id,
        )
        if current
        else None,
        services=[q.model_copy(update={"next": q.next[:NEXT_PER_SERVICE]}) for q in queues],
        next=heads[:NEXT_OVERALL],
        no_shows=[_desk_ticket(session, t, names.get(t.service_id, "")) for t in no_shows],
        case_numbers=hall.case_numbers,
    )
