"""Window state (open, pause, resume, close) and calling the next ticket."""

from __future__ import annotations

from sqlmodel import col, select

from client.events import TicketCalled
from server.commands import lookups
from server.commands.payloads import window_event
from server.commands.tickets import ticket_data
from server.domain.actor import Actor, StaffActor, ensure_hall
from server.domain.calendar import business_day
from server.domain.enums import Priority, Role, TicketStatus, WindowState
from server.domain.errors import Conflict, PermissionDenied, WindowNotOpen
from server.domain.lifecycle import ACTIVE_AT_WINDOW, next_ticket_status, next_window_state
from server.domain.queueing import Candidate, pick_next
from server.domain.texts import text
from server.store.tables import Ticket, Window
from server.store.transaction import Tx


def _staff_window(tx: Tx, actor: Actor, window_id: int) -> tuple[StaffActor, Window]:
    if not isinstance(actor, StaffActor):
        raise PermissionDenied(text("auth.role", roles="window/supervisor/admin"))
    window = lookups.window_to_change(tx, window_id)
    ensure_hall(actor, window.hall_id)
    return actor, window


def _require_signed_in(actor: StaffActor, window: Window) -> None:
    if actor.role == Role.window and window.staff_id not in (None, actor.staff_id):
        raise PermissionDenied(text("window.taken", window=window.number))
    if actor.role == Role.window and window.staff_id is None and window.state != WindowState.closed:
        raise PermissionDenied(text("window.sign_in_first", window=window.number))


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
        _require_signed_in(staff, window)
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


def call_next(tx: Tx, actor: Actor, window_id: int) -> Ticket | None:
    """Call the next waiting ticket to the window, or None when nobody waits."""
    staff, window = _staff_window(tx, actor, window_id)
    _require_signed_in(staff, window)
    if window.state != WindowState.open:
        raise WindowNotOpen(
            text(
                "window.not_open", window=window.number, state=text(f"window_state.{window.state}")
            )
        )
    busy = active_ticket(tx, window.id or 0)
    if busy is not None:
        raise Conflict(
            text("window.busy", window=window.number, number=busy.number), code="window_busy"
        )
    service_ids = lookups.window_service_ids(tx.session, window.id or 0)
    if not service_ids:
        raise Conflict(text("window.no_services", window=window.number))
    day = business_day(tx.now, tx.catalog.service(tx.session, service_ids[0]).zone)
    candidates: list[Candidate] = []
    for service_id in service_ids:
        for green in (True, False):
            query = (
                select(Ticket)
                .where(
                    Ticket.service_id == service_id,
                    Ticket.business_day == day,
                    Ticket.status == TicketStatus.waiting,
                    (Ticket.priority != Priority.normal)
                    if green
                    else (Ticket.priority == Priority.normal),
                )
                .order_by(col(Ticket.entered_queue_at), col(Ticket.id))
                .limit(1)
            )
            head = tx.session.exec(query).first()
            if head is not None:
                candidates.append(
                    Candidate(
                        head.id or 0,
                        head.service_id,
                        Priority(head.priority),
                        head.entered_queue_at,
                    )
                )
    chosen = pick_next(candidates, service_ids)
    if chosen is None:
        return None
    ticket = lookups.ticket(tx.session, chosen.ticket_id)
    ticket.status = next_ticket_status("call", TicketStatus(ticket.status), number=ticket.number)
    if ticket.called_at is None:
        ticket.called_at = tx.now
    ticket.last_called_at = tx.now
    ticket.window_id = window.id
    ticket.staff_id = staff.staff_id
    tx.session.add(ticket)
    tx.session.flush()
    tx.emit(window.hall_id, ticket_data(tx, TicketCalled, ticket, window))
    return ticket
