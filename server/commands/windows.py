"""Window state (open, pause, resume, close) and calling the next ticket."""

from __future__ import annotations

from sqlmodel import col, select

from client.events import TicketCalled
from server.commands.payloads import window_event
from server.commands.ticket_events import ticket_fields
from server.domain.actor import Actor, StaffActor, ensure_hall
from server.domain.calendar import business_day
from server.domain.enums import Priority, Role, TicketStatus, WindowState
from server.domain.errors import Conflict, NotFound, PermissionDenied, WindowNotOpen
from server.domain.lifecycle import ACTIVE_AT_WINDOW, next_ticket_status, next_window_state
from server.domain.queueing import Candidate, pick_next
from server.domain.texts import text
from server.store import lookups
from server.store.hot import TicketRow
from server.store.tables import Ticket, Window
from server.store.transaction import Tx


def _staff_window(tx: Tx, actor: Actor, window_id: int) -> tuple[StaffActor, Window]:
    if not isinstance(actor, StaffActor):
        raise PermissionDenied(text("auth.role", roles="window/supervisor/admin"))
    window = lookups.window_to_change(tx, window_id)
    ensure_hall(actor, window.hall_id)
    return actor, window


def _require_signed_in(actor: StaffActor, number: str, state: str, staff_id: int | None) -> None:
    if actor.role == Role.window and staff_id not in (None, actor.staff_id):
        raise PermissionDenied(text("window.taken", window=number))
    if actor.role == Role.window and staff_id is None and state != WindowState.closed:
        raise PermissionDenied(text("window.sign_in_first", window=number))


def active_ticket(tx: Tx, window_id: int) -> Ticket | None:
    return tx.session.exec(
        select(Ticket).where(
            Ticket.window_id == window_id, col(Ticket.status).in_(list(ACTIVE_AT_WINDOW))
        )
    ).first()


def change_state(
    tx: Tx, actor: Actor, window_id: int, action: str, reason: str | None = None
) -> Window:
    staff, window = _staff_window(tx, actor, window_id)
    if action == "open":
        if (
            window.staff_id not in (None, staff.staff_id)
            and staff.role == Role.window
            and window.state != WindowState.closed
        ):
            raise Conflict(text("window.taken", window=window.number))
        elsewhere = tx.session.exec(
            select(Window).where(Window.staff_id == staff.staff_id, Window.id != window.id)
        ).first()
        if elsewhere is not None and elsewhere.state != WindowState.closed:
            raise Conflict(text("window.signed_elsewhere", window=elsewhere.number))
    else:
        _require_signed_in(staff, window.number, window.state, window.staff_id)
    new_state = next_window_state(action, WindowState(window.state), window=window.number)
    if action == "close":
        busy = active_ticket(tx, window.id or 0)
        if busy is not None:
            raise Conflict(
                text("window.busy", window=window.number, number=busy.number), code="window_busy"
            )
    window.state = new_state
    window.pause_reason = reason if action == "pause" else None
    window.state_since = tx.now
    if action == "open":
        window.staff_id = staff.staff_id
    elif action == "close":
        window.staff_id = None
    tx.session.add(window)
    tx.session.flush()
    tx.catalog.window_changed()
    tx.emit(window.hall_id, window_event(tx.session, window))
    return window


def change_state_with_services(
    tx: Tx, actor: Actor, window_id: int, action: str, reason: str | None = None
) -> tuple[Window, list[int]]:
    """`change_state`, with the window's services in order (what the routes answer)."""
    window = change_state(tx, actor, window_id, action, reason)
    return window, lookups.window_service_ids(tx.session, window_id)


def call_next(tx: Tx, actor: Actor, window_id: int) -> TicketRow | None:
    """Call the next waiting ticket to the window, or None when nobody waits.

    Driver-level SQL (store/hot.py), no ORM: this runs for every call in the hall."""
    if not isinstance(actor, StaffActor):
        raise PermissionDenied(text("auth.role", roles="window/supervisor/admin"))
    hot = tx.hot
    if not hot.sqlite:  # lock first, then read: another process may be changing it
        row = hot.one("window", {"id": window_id})
        if row is None:
            raise NotFound(text("window.not_found", window_id=window_id))
        tx.lock_hall(int(row[0]))
    found = hot.window_to_call(window_id)
    if found is None:
        raise NotFound(text("window.not_found", window_id=window_id))
    hall_id, number, state, staff_id, busy, service_ids = found
    ensure_hall(actor, hall_id)
    tx.lock_hall(hall_id)
    _require_signed_in(actor, number, state, staff_id)
    if state != WindowState.open:
        raise WindowNotOpen(
            text("window.not_open", window=number, state=text(f"window_state.{state}"))
        )
    if busy is not None:
        raise Conflict(text("window.busy", window=number, number=busy), code="window_busy")
    if not service_ids:
        raise Conflict(text("window.no_services", window=number))
    day = business_day(tx.now, tx.catalog.service(tx.open_session, service_ids[0]).zone)
    heads = {head.id: head for head in hot.queue_heads(service_ids, day)}
    candidates = [
        Candidate(
            head.id,
            head.service_id,
            Priority(head.priority),
            head.entered_queue_at,
            head.slot_start,
        )
        for head in heads.values()
    ]
    chosen = pick_next(candidates, service_ids)
    if chosen is None:
        return None
    ticket = heads[chosen.ticket_id]
    ticket.status = next_ticket_status(
        "call", TicketStatus(ticket.status), number=ticket.number
    ).value
    if ticket.called_at is None:
        ticket.called_at = tx.now
    ticket.last_called_at = tx.now
    ticket.window_id = window_id
    ticket.staff_id = actor.staff_id
    hot.update_ticket(ticket)
    waiting = hot.add_waiting(
        ticket.service_id, ticket.business_day, -1, ticket.priority != Priority.normal
    )
    service = tx.catalog.service(tx.open_session, ticket.service_id)
    tx.emit_data(
        hall_id,
        TicketCalled.TYPE,
        ticket_fields(ticket, service_name=service.name, waiting=waiting, window_number=number),
    )
    return ticket
