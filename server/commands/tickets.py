"""Issuing tickets and moving them through their life. Each function runs inside one Tx."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import Connection

from client import events as ev
from server.commands import lookups
from server.commands.payloads import ticket_event
from server.commands.stats_marks import note_late_change
from server.domain.actor import Actor, DeviceActor, StaffActor, ensure_hall
from server.domain.calendar import business_day
from server.domain.enums import Outcome, Priority, Role, TicketSource, TicketStatus
from server.domain.errors import (
    Conflict,
    DailyLimitReached,
    InvalidInput,
    PermissionDenied,
    ServiceClosed,
)
from server.domain.lifecycle import next_ticket_status
from server.domain.queueing import format_number
from server.domain.texts import text
from server.store.catalog import ServiceInfo
from server.store.statements import INSERT_TICKET, NEXT_NUMBER
from server.store.tables import Ticket, Window
from server.store.transaction import Tx


@dataclass(frozen=True)
class IssuedTicket:
    ticket: Ticket
    ahead: int
    estimated_wait_minutes: int
    replayed: bool = False


def _next_sequence(conn: Connection, service_id: int, day: date, counted: bool) -> tuple[int, int]:
    """(the ticket's number, tickets of the day counted against the daily limit so far)."""
    stmt = NEXT_NUMBER[conn.dialect.name]
    row = conn.execute(stmt, {"service_id": service_id, "day": day, "counted": int(counted)}).one()
    return int(row[0]), int(row[1])


def _create_ticket(
    tx: Tx,
    service: ServiceInfo,
    day: date,
    *,
    priority: Priority,
    source: TicketSource,
    device_id: int | None = None,
    origin_ticket_id: int | None = None,
    request_id: str | None = None,
) -> Ticket:
    # a transfer in is not counted against the new service's daily limit (docs/decisions.md)
    counted = source != TicketSource.transfer
    sequence, issued = _next_sequence(tx.conn, service.id, day, counted)
    if counted and service.daily_limit is not None and issued > service.daily_limit:
        raise DailyLimitReached(
            text("service.daily_limit", service=service.name, limit=service.daily_limit)
        )
    values: dict[str, Any] = {
        "hall_id": service.hall_id,
        "service_id": service.id,
        "business_day": day,
        "sequence": sequence,
        "number": format_number(service.prefix, sequence),
        "priority": priority.value,
        "source": source.value,
        "status": TicketStatus.waiting.value,
        "public_token": secrets.token_urlsafe(16),
        "issued_at": tx.now,
        "entered_queue_at": tx.now,
        "device_id": device_id,
        "request_id": request_id,
        "origin_ticket_id": origin_ticket_id,
        "recall_count": 0,
        "no_show_count": 0,
    }
    ticket_id = tx.conn.execute(INSERT_TICKET, values).scalar_one()
    return Ticket(id=ticket_id, **values)


def issue(
    tx: Tx,
    actor: DeviceActor | StaffActor,
    service_id: int,
    priority: Priority,
    request_id: str | None = None,
) -> IssuedTicket:
    """Take a number. With a kiosk's `request_id` (idempotency key), a retry of a request whose
    answer was lost returns the ticket already issued for it instead of a second one."""
    service = tx.catalog.service(tx.session, service_id)
    ensure_hall(actor, service.hall_id)
    device_id = actor.device_id if isinstance(actor, DeviceActor) else None
    if request_id is not None and device_id is not None:
        tx.lock_hall(service.hall_id)  # a retry racing its original waits for it
        earlier = lookups.ticket_by_request(tx.session, device_id, request_id)
        if earlier is not None:
            return _replay(tx, earlier, service, priority)
    if not service.enabled:
        raise ServiceClosed(text("service.disabled", service=service.name))
    if not service.hours.is_open(tx.now, service.zone):
        raise ServiceClosed(
            text("service.closed", service=service.name, hours=service.hours.describe())
        )
    tx.lock_hall(service.hall_id)
    day = business_day(tx.now, service.zone)
    counts = lookups.queue_counts(tx.conn, service_id, day)
    source = TicketSource.kiosk if isinstance(actor, DeviceActor) else TicketSource.staff
    ticket = _create_ticket(
        tx,
        service,
        day,
        priority=priority,
        source=source,
        device_id=device_id,
        request_id=request_id if device_id is not None else None,
    )
    tx.emit(
        service.hall_id,
        ticket_event(
            ev.TicketIssued, ticket, service_name=service.name, waiting=counts.waiting + 1
        ),
    )
    ahead = counts.ahead_of_new(priority)
    return IssuedTicket(
        ticket, ahead, lookups.estimate(tx.session, tx.catalog, service, day, ahead)
    )


def _replay(tx: Tx, ticket: Ticket, service: ServiceInfo, priority: Priority) -> IssuedTicket:
    if ticket.service_id != service.id or ticket.priority != priority:
        raise Conflict(text("ticket.request_reused", number=ticket.number), code="request_reused")
    ahead = lookups.people_ahead(tx.session, ticket) if ticket.status == TicketStatus.waiting else 0
    estimate = lookups.estimate(tx.session, tx.catalog, service, ticket.business_day, ahead)
    return IssuedTicket(ticket, ahead, estimate, replayed=True)


def _window_of(tx: Tx, actor: Actor, ticket: Ticket) -> Window | None:
    """The ticket's window; a window clerk acts only on tickets at the window they are signed into."""
    if not isinstance(actor, StaffActor):
        raise PermissionDenied(text("auth.role", roles="window/supervisor/admin"))
    ensure_hall(actor, ticket.hall_id)
    window = tx.session.get(Window, ticket.window_id) if ticket.window_id is not None else None
    if actor.role == Role.window:
        if window is None:  # never called to any window: not the clerk's to touch
            raise PermissionDenied(text("ticket.not_at_window", number=ticket.number))
        if window.staff_id != actor.staff_id:
            raise PermissionDenied(
                text("ticket.other_window", number=ticket.number, window=window.number)
            )
    return window


EVENT_OF: dict[str, type[ev.TicketFields]] = {
    "recall": ev.TicketRecalled,
    "no_show": ev.TicketNoShow,
    "start": ev.TicketServing,
    "finish": ev.TicketFinished,
    "requeue": ev.TicketRequeued,
    "cancel": ev.TicketCancelled,
}

T = TypeVar("T", bound=ev.TicketFields)


def ticket_data(
    tx: Tx, model: type[T], ticket: Ticket, window: Window | None = None, **extra: object
) -> T:
    """A ticket event, with the service's name and its waiting count after the change."""
    service = tx.catalog.service(tx.session, ticket.service_id)
    waiting = lookups.queue_counts(tx.conn, ticket.service_id, ticket.business_day).waiting
    return ticket_event(
        model,
        ticket,
        service_name=service.name,
        waiting=waiting,
        window_number=window.number if window else None,
        **extra,
    )


def _late(tx: Tx, ticket: Ticket) -> None:
    """A ticket of an earlier business day changed (finished after midnight, cancelled the
    next morning): its day's statistics rollup is out of date."""
    zone = tx.catalog.service(tx.session, ticket.service_id).zone
    note_late_change(tx, ticket.hall_id, ticket.business_day, zone)


def transition(
    tx: Tx, actor: Actor, ticket_id: int, action: str, *, outcome: Outcome | None = None
) -> Ticket:
    """recall, start, finish, no_show, requeue, cancel."""
    ticket = lookups.ticket_to_change(tx, ticket_id)
    window = _window_of(tx, actor, ticket)
    ticket.status = next_ticket_status(action, TicketStatus(ticket.status), number=ticket.number)
    if action == "recall":
        ticket.recall_count += 1
        ticket.last_called_at = tx.now
    elif action == "start":
        ticket.serving_started_at = tx.now
    elif action == "finish":
        if outcome is None:
            raise InvalidInput(text("ticket.need_outcome"))
        ticket.outcome = outcome
        ticket.finished_at = tx.now
    elif action == "no_show":
        ticket.no_show_count += 1
    elif action == "cancel":
        ticket.finished_at = tx.now
    if isinstance(actor, StaffActor) and action in ("start", "finish"):
        ticket.staff_id = actor.staff_id
    tx.session.add(ticket)
    tx.session.flush()
    _late(tx, ticket)
    tx.emit(ticket.hall_id, ticket_data(tx, EVENT_OF[action], ticket, window))
    return ticket


def transfer(tx: Tx, actor: Actor, ticket_id: int, service_id: int) -> Ticket:
    """Finish this ticket as transferred and queue a new one for another service."""
    ticket = lookups.ticket_to_change(tx, ticket_id)
    window = _window_of(tx, actor, ticket)
    target = tx.catalog.service(tx.session, service_id)
    if target.hall_id != ticket.hall_id:
        raise PermissionDenied(text("auth.other_hall"))
    if target.id == ticket.service_id:
        raise InvalidInput(
            text("ticket.transfer_same_service", number=ticket.number, service=target.name)
        )
    ticket.status = next_ticket_status(
        "transfer", TicketStatus(ticket.status), number=ticket.number
    )
    ticket.finished_at = tx.now
    new = _create_ticket(
        tx,
        target,
        ticket.business_day,
        priority=Priority(ticket.priority),
        source=TicketSource.transfer,
        origin_ticket_id=ticket.id,
    )
    ticket.transferred_to_id = new.id
    tx.session.add(ticket)
    tx.session.flush()
    _late(tx, ticket)
    new_fields = ticket_data(tx, ev.TicketFields, new)
    tx.emit(
        ticket.hall_id,
        ticket_data(tx, ev.TicketTransferred, ticket, window, new_ticket=new_fields),
    )
    return new
