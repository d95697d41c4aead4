"""Issuing tickets and moving them through their life. Each function runs inside one Tx.

The hot paths (issue, call-next in windows.py, the transitions) use driver-level SQL on the
transaction's connection (store/hot.py) and plain TicketRow records, no ORM; the service's
waiting count is kept in its day counter (ticketcounter.waiting), moved by every change that
enters or leaves the queue, so no change ever counts the queue.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from client import events as ev
from client.actions import TicketAction
from server.commands import cases
from server.commands.stats_marks import note_late_change
from server.commands.ticket_events import TICKET_EVENT_TYPES, ticket_fields
from server.domain.actor import Actor, DeviceActor, StaffActor, ensure_hall
from server.domain.calendar import business_day
from server.domain.enums import Outcome, Priority, Role, TicketSource, TicketStatus
from server.domain.errors import (
    Conflict,
    DailyLimitReached,
    InvalidInput,
    NotFound,
    PermissionDenied,
    ServiceClosed,
)
from server.domain.lifecycle import next_ticket_status
from server.domain.queueing import format_number
from server.domain.texts import text
from server.store import lookups
from server.store.catalog import ServiceInfo
from server.store.hot import FoundTicket, TicketRow
from server.store.tables import Hall
from server.store.transaction import Tx


@dataclass(frozen=True)
class IssuedTicket:
    ticket: TicketRow
    ahead: int
    estimated_wait_minutes: int
    replayed: bool = False


@dataclass(frozen=True)
class _Created:
    ticket: TicketRow
    waiting: int  # the service's waiting tickets with this one
    priority_waiting: int


def create_ticket(
    tx: Tx,
    service: ServiceInfo,
    day: date,
    *,
    priority: Priority,
    source: TicketSource,
    device_id: int | None = None,
    origin_ticket_id: int | None = None,
    request_id: str | None = None,
    appointment: tuple[int, datetime, datetime] | None = None,
    elderly: bool = False,
) -> _Created:
    # a transfer in is not counted against the new service's daily limit (docs/decisions.md),
    # nor an appointment's ticket (appointments have their own quota: docs/appointments.md)
    counted = source not in (TicketSource.transfer, TicketSource.appointment)
    green = priority != Priority.normal
    row = tx.hot.one(
        "next_number",
        {
            "service_id": service.id,
            "day": tx.hot.day(day),
            "counted": int(counted),
            "green": int(green),
        },
    )
    assert row is not None
    sequence, issued, waiting, priority_waiting = (int(x) for x in row)
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
        "outcome": None,
        "public_token": new_public_token(tx.now),
        "issued_at": tx.now,
        "entered_queue_at": tx.now,
        "called_at": None,
        "last_called_at": None,
        "recall_count": 0,
        "serving_started_at": None,
        "finished_at": None,
        "no_show_count": 0,
        "window_id": None,
        "staff_id": None,
        "origin_ticket_id": origin_ticket_id,
        "transferred_to_id": None,
        "device_id": device_id,
        "request_id": request_id,
        "appointment_id": appointment[0] if appointment else None,
        "slot_start": appointment[1] if appointment else None,
        "slot_end": appointment[2] if appointment else None,
        "elderly": elderly,
    }
    ticket_id = tx.hot.insert_ticket(values)
    return _Created(TicketRow(id=ticket_id, **values), waiting, priority_waiting)


def new_public_token(at: datetime) -> str:
    """A ticket's link token (its QR code): 96 random bits after the issuing millisecond in
    hex. The prefix puts each new token at the end of the unique index, one page for a
    batch, where a wholly random token wrote a page of the index (4 kB to the WAL) for every
    ticket. Unguessable still; the time it tells is printed on the ticket anyway."""
    return f"{int(at.timestamp() * 1000):012x}{secrets.token_urlsafe(12)}"


def issue(
    tx: Tx,
    actor: DeviceActor | StaffActor,
    service_id: int,
    priority: Priority,
    request_id: str | None = None,
    elderly: bool = False,
) -> IssuedTicket:
    """Take a number (`elderly`: at the kiosk's 长辈版). With a kiosk's `request_id` (idempotency key), a retry of a request whose
    answer was lost returns the ticket already issued for it instead of a second one."""
    service = tx.catalog.service(tx.open_session, service_id)
    ensure_hall(actor, service.hall_id)
    device_id = actor.device_id if isinstance(actor, DeviceActor) else None
    if request_id is not None and device_id is not None:
        tx.lock_hall(service.hall_id)  # a retry racing its original waits for it
        earlier = tx.hot.ticket_by_request(device_id, request_id)
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
    source = TicketSource.kiosk if isinstance(actor, DeviceActor) else TicketSource.staff
    created = create_ticket(
        tx,
        service,
        day,
        priority=priority,
        source=source,
        device_id=device_id,
        request_id=request_id if device_id is not None else None,
        elderly=elderly,
    )
    ticket = created.ticket
    tx.emit_data(
        service.hall_id,
        ev.TicketIssued.TYPE,
        ticket_fields(ticket, service_name=service.name, waiting=created.waiting,
                      window_number=None),
    )  # fmt: skip
    # those called before it: everyone waiting before it, or only the green channel's
    ahead = (created.waiting if priority == Priority.normal else created.priority_waiting) - 1
    return IssuedTicket(
        ticket, ahead, lookups.estimate(tx.open_session, tx.catalog, service, day, ahead)
    )


def _replay(tx: Tx, ticket: TicketRow, service: ServiceInfo, priority: Priority) -> IssuedTicket:
    if ticket.service_id != service.id or ticket.priority != priority:
        raise Conflict(text("ticket.request_reused", number=ticket.number), code="request_reused")
    ahead = lookups.people_ahead(tx.session, ticket) if ticket.status == TicketStatus.waiting else 0
    estimate = lookups.estimate(tx.open_session, tx.catalog, service, ticket.business_day, ahead)
    return IssuedTicket(ticket, ahead, estimate, replayed=True)


def ticket_to_change(tx: Tx, ticket_id: int) -> FoundTicket:
    """The ticket as it is once its hall is locked (Tx.lock_hall), with its window's number
    and signed-in staff (None when it is at no window) and its service's waiting count."""
    hot = tx.hot
    if not hot.sqlite:  # lock first, then read: another process may be changing it
        row = hot.one("hall_of_ticket", {"id": ticket_id})
        if row is None:
            raise NotFound(text("ticket.not_found", ticket_id=ticket_id))
        tx.lock_hall(int(row[0]))
    found = hot.ticket(ticket_id)
    if found is None:
        raise NotFound(text("ticket.not_found", ticket_id=ticket_id))
    tx.lock_hall(found.ticket.hall_id)  # SQLite: BEGIN IMMEDIATE already holds it; recorded
    return found


def _check_window(
    actor: Actor, ticket: TicketRow, window_number: str | None, window_staff: int | None
) -> None:
    """Staff only; a window clerk acts only on tickets at the window they are signed into."""
    if not isinstance(actor, StaffActor):
        raise PermissionDenied(text("auth.role", roles="window/supervisor/admin"))
    ensure_hall(actor, ticket.hall_id)
    if actor.role == Role.window:
        if ticket.window_id is None:  # never called to any window: not the clerk's to touch
            raise PermissionDenied(text("ticket.not_at_window", number=ticket.number))
        if window_staff != actor.staff_id:
            raise PermissionDenied(
                text("ticket.other_window", number=ticket.number, window=window_number)
            )


def _late(tx: Tx, ticket: TicketRow, service: ServiceInfo) -> None:
    """A ticket of an earlier business day changed (finished after midnight, cancelled the
    next morning): its day's statistics rollup is out of date."""
    note_late_change(tx, ticket.hall_id, ticket.business_day, service.zone)


def transition(
    tx: Tx,
    actor: Actor,
    ticket_id: int,
    action: TicketAction,
    *,
    outcome: Outcome | None = None,
    case_nos: list[str] | None = None,
) -> TicketRow:
    """recall, start, finish, no_show, requeue, cancel. A finish may bring the ticket's
    办件编号 (`case_nos`), attached in the same transaction."""
    ticket, window_number, window_staff, counted = ticket_to_change(tx, ticket_id)
    _check_window(actor, ticket, window_number, window_staff)
    if action == "requeue":  # rare: the hall's rule read through the ORM
        hall_row = tx.session.get(Hall, ticket.hall_id)
        if hall_row is not None and not hall_row.no_show_requeue:
            raise Conflict(text("ticket.requeue_off", number=ticket.number), code="requeue_off")
    if action == "finish":
        _cases_at_finish(tx, actor, ticket, outcome, case_nos or [])
    before = ticket.status
    ticket.status = next_ticket_status(
        action, TicketStatus(ticket.status), number=ticket.number
    ).value
    if action == "recall":
        ticket.recall_count += 1
        ticket.last_called_at = tx.now
    elif action == "start":
        ticket.serving_started_at = tx.now
    elif action == "finish":
        if outcome is None:
            raise InvalidInput(text("ticket.need_outcome"))
        ticket.outcome = outcome.value
        ticket.finished_at = tx.now
    elif action == "no_show":
        ticket.no_show_count += 1
    elif action == "cancel":
        ticket.finished_at = tx.now
    if isinstance(actor, StaffActor) and action in ("start", "finish"):
        ticket.staff_id = actor.staff_id
    hot = tx.hot
    hot.update_ticket(ticket)
    service = tx.catalog.service(tx.open_session, ticket.service_id)
    _late(tx, ticket, service)
    green = ticket.priority != Priority.normal
    if action == "requeue":  # back in the queue
        waiting = hot.add_waiting(ticket.service_id, ticket.business_day, 1, green)
    elif before == TicketStatus.waiting:  # cancelled while waiting: out of the queue
        waiting = hot.add_waiting(ticket.service_id, ticket.business_day, -1, green)
    elif counted is not None:  # the queue did not change: its count as read with the ticket
        waiting = counted
    else:
        waiting = hot.waiting(ticket.service_id, ticket.business_day)
    data = ticket_fields(
        ticket, service_name=service.name, waiting=waiting, window_number=window_number
    )
    if action == "requeue":
        data["by_applicant"] = False  # the window's 过号重排 (the applicant's: commands/rejoin.py)
    tx.emit_data(ticket.hall_id, TICKET_EVENT_TYPES[action], data)
    return ticket


def _cases_at_finish(
    tx: Tx, actor: Actor, ticket: TicketRow, outcome: Outcome | None, numbers: list[str]
) -> None:
    """办件编号 at 办结: those given are attached; a hall that requires them refuses 办结 (the
    outcome) without one (补正, 退件 and 不予受理 may have none)."""
    if numbers and ticket.status == TicketStatus.serving:
        staff_id = actor.staff_id if isinstance(actor, StaffActor) else None
        cases.add_cases(tx, ticket.id, numbers, staff_id=staff_id)
    if outcome != Outcome.done:
        return
    policy = tx.catalog.service(tx.open_session, ticket.service_id).case_numbers
    if policy == "required" and not cases.has_cases(tx, ticket.id):
        raise Conflict(text("case.required"))


def transfer(tx: Tx, actor: Actor, ticket_id: int, service_id: int) -> TicketRow:
    """Finish this ticket as transferred and queue a new one for another service."""
    ticket, window_number, window_staff, _ = ticket_to_change(tx, ticket_id)
    _check_window(actor, ticket, window_number, window_staff)
    target = tx.catalog.service(tx.open_session, service_id)
    if target.hall_id != ticket.hall_id:
        raise PermissionDenied(text("auth.other_hall"))
    if target.id == ticket.service_id:
        raise InvalidInput(
            text("ticket.transfer_same_service", number=ticket.number, service=target.name)
        )
    ticket.status = next_ticket_status(
        "transfer", TicketStatus(ticket.status), number=ticket.number
    ).value
    ticket.finished_at = tx.now
    created = create_ticket(
        tx,
        target,
        ticket.business_day,
        priority=Priority(ticket.priority),
        source=TicketSource.transfer,
        origin_ticket_id=ticket.id,
    )
    ticket.transferred_to_id = created.ticket.id
    hot = tx.hot
    hot.update_ticket(ticket)
    service = tx.catalog.service(tx.open_session, ticket.service_id)
    _late(tx, ticket, service)
    new_fields = ticket_fields(
        created.ticket, service_name=target.name, waiting=created.waiting, window_number=None
    )
    data = ticket_fields(
        ticket,
        service_name=service.name,
        waiting=hot.waiting(ticket.service_id, ticket.business_day),
        window_number=window_number,
    )
    data["new_ticket"] = new_fields
    tx.emit_data(ticket.hall_id, ev.TicketTransferred.TYPE, data)
    return created.ticket
