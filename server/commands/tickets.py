"""Issuing tickets and moving them through their life. Each function runs inside one Tx."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, func, select

from server.commands import lookups
from server.commands.payloads import ticket_event
from server.domain.actor import Actor, DeviceActor, StaffActor, ensure_hall
from server.domain.calendar import ServiceHours, business_day, hall_zone
from server.domain.enums import Outcome, Priority, Role, TicketSource, TicketStatus, WindowState
from server.domain.errors import (
    DailyLimitReached,
    InvalidInput,
    PermissionDenied,
    ServiceClosed,
)
from server.domain.lifecycle import next_ticket_status
from server.domain.queueing import estimate_wait_minutes, format_number
from server.domain.texts import text
from server.store.tables import Hall, Service, Ticket, TicketCounter, Window, WindowService
from server.store.transaction import Tx


@dataclass(frozen=True)
class IssuedTicket:
    ticket: Ticket
    ahead: int
    estimated_wait_minutes: int


def _next_sequence(session: Session, service_id: int, day: date) -> int:
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = (
        insert(TicketCounter)
        .values(service_id=service_id, business_day=day, last_number=1)
        .on_conflict_do_update(
            index_elements=["service_id", "business_day"],
            set_={"last_number": TicketCounter.last_number + 1},
        )
        .returning(TicketCounter.last_number)
    )
    return int(session.execute(stmt).scalar_one())


def _create_ticket(
    tx: Tx,
    service: Service,
    day: date,
    *,
    priority: Priority,
    source: TicketSource,
    device_id: int | None = None,
    origin_ticket_id: int | None = None,
    check_limit: bool = True,
) -> Ticket:
    sequence = _next_sequence(tx.session, service.id or 0, day)
    if check_limit and service.daily_limit is not None and sequence > service.daily_limit:
        raise DailyLimitReached(
            text("service.daily_limit", service=service.name, limit=service.daily_limit)
        )
    ticket = Ticket(
        hall_id=service.hall_id,
        service_id=service.id or 0,
        business_day=day,
        sequence=sequence,
        number=format_number(service.prefix, sequence),
        priority=priority,
        source=source,
        status=TicketStatus.waiting,
        public_token=secrets.token_urlsafe(16),
        issued_at=tx.now,
        entered_queue_at=tx.now,
        device_id=device_id,
        origin_ticket_id=origin_ticket_id,
    )
    tx.session.add(ticket)
    tx.session.flush()
    return ticket


def _ahead(session: Session, service_id: int, day: date, ticket: Ticket) -> int:
    query = (
        select(func.count())
        .select_from(Ticket)
        .where(
            Ticket.service_id == service_id,
            Ticket.business_day == day,
            Ticket.status == TicketStatus.waiting,
            col(Ticket.id) != ticket.id,
        )
    )
    if ticket.priority != Priority.normal:
        query = query.where(Ticket.priority != Priority.normal)
    return session.exec(query).one()


def mean_handle_minutes(session: Session, service: Service, day: date) -> float:
    """Mean handling time of the service's last 20 tickets today; its target before that."""
    rows = session.exec(
        select(Ticket.serving_started_at, Ticket.finished_at)
        .where(
            Ticket.service_id == service.id,
            Ticket.business_day == day,
            Ticket.status == TicketStatus.done,
        )
        .order_by(col(Ticket.finished_at).desc())
        .limit(20)
    ).all()
    spans = [(end - start).total_seconds() / 60 for start, end in rows if start and end]
    if len(spans) < 3:
        return float(service.target_handle_minutes)
    return sum(spans) / len(spans)


def open_windows_for(session: Session, service_id: int) -> int:
    return session.exec(
        select(func.count())
        .select_from(Window)
        .join(WindowService, col(WindowService.window_id) == Window.id)
        .where(WindowService.service_id == service_id, Window.state == WindowState.open)
    ).one()


def estimate(session: Session, service: Service, day: date, ahead: int) -> int:
    return estimate_wait_minutes(
        ahead, mean_handle_minutes(session, service, day), open_windows_for(session, service.id or 0)
    )


def issue(tx: Tx, actor: DeviceActor | StaffActor, service_id: int, priority: Priority) -> IssuedTicket:
    service = lookups.service(tx.session, service_id)
    ensure_hall(actor, service.hall_id)
    if not service.enabled:
        raise ServiceClosed(text("service.disabled", service=service.name))
    hall = tx.session.get(Hall, service.hall_id)
    assert hall is not None
    zone = hall_zone(hall.timezone)
    hours = ServiceHours.parse(service.hours)
    if not hours.is_open(tx.now, zone):
        raise ServiceClosed(text("service.closed", service=service.name, hours=hours.describe()))
    day = business_day(tx.now, zone)
    source = TicketSource.kiosk if isinstance(actor, DeviceActor) else TicketSource.staff
    device_id = actor.device_id if isinstance(actor, DeviceActor) else None
    ticket = _create_ticket(tx, service, day, priority=priority, source=source, device_id=device_id)
    ahead = _ahead(tx.session, service_id, day, ticket)
    waiting = lookups.waiting_count(tx.session, service_id, day)
    tx.emit(hall.id or 0, "ticket.issued", ticket_event(tx.session, ticket, waiting=waiting))
    return IssuedTicket(ticket, ahead, estimate(tx.session, service, day, ahead))


def _check_window_staff(tx: Tx, actor: Actor, ticket: Ticket) -> None:
    """A window clerk acts only on tickets at the window they are signed into."""
    if not isinstance(actor, StaffActor):
        raise PermissionDenied(text("auth.role", roles="window/supervisor/admin"))
    ensure_hall(actor, ticket.hall_id)
    if actor.role != Role.window or ticket.window_id is None:
        return
    window = tx.session.get(Window, ticket.window_id)
    if window is not None and window.staff_id != actor.staff_id:
        raise PermissionDenied(text("ticket.other_window", number=ticket.number, window=window.number))


def _waiting(tx: Tx, ticket: Ticket) -> int:
    return lookups.waiting_count(tx.session, ticket.service_id, ticket.business_day)


def transition(tx: Tx, actor: Actor, ticket_id: int, action: str, *, outcome: Outcome | None = None) -> Ticket:
    """recall, start, finish, no_show, requeue, cancel."""
    ticket = lookups.ticket(tx.session, ticket_id)
    _check_window_staff(tx, actor, ticket)
    status = TicketStatus(ticket.status)
    ticket.status = next_ticket_status(action, status, number=ticket.number)
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
    event_type = {"recall": "ticket.recalled", "no_show": "ticket.no_show", "start": "ticket.serving",
                  "finish": "ticket.finished", "requeue": "ticket.requeued", "cancel": "ticket.cancelled"}[action]
    tx.emit(ticket.hall_id, event_type, ticket_event(tx.session, ticket, waiting=_waiting(tx, ticket)))
    return ticket


def transfer(tx: Tx, actor: Actor, ticket_id: int, service_id: int) -> Ticket:
    """Finish this ticket as transferred and queue a new one for another service."""
    ticket = lookups.ticket(tx.session, ticket_id)
    _check_window_staff(tx, actor, ticket)
    target = lookups.service(tx.session, service_id)
    ensure_hall(actor, target.hall_id)
    if target.hall_id != ticket.hall_id:
        raise PermissionDenied(text("auth.other_hall"))
    if target.id == ticket.service_id:
        raise InvalidInput(text("ticket.transfer_same_service", number=ticket.number, service=target.name))
    ticket.status = next_ticket_status("transfer", TicketStatus(ticket.status), number=ticket.number)
    ticket.finished_at = tx.now
    new = _create_ticket(
        tx, target, ticket.business_day, priority=Priority(ticket.priority),
        source=TicketSource.transfer, origin_ticket_id=ticket.id, check_limit=False,
    )
    ticket.transferred_to_id = new.id
    tx.session.add(ticket)
    tx.session.flush()
    data = ticket_event(tx.session, ticket, waiting=_waiting(tx, ticket))
    data["new_ticket"] = ticket_event(tx.session, new, waiting=_waiting(tx, new))
    tx.emit(ticket.hall_id, "ticket.transferred", data)
    return new
