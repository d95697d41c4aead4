"""办件编号 attached to a ticket: by the clerk at 办结 (with the finish itself) or while
serving, by a supervisor, or by the hall's case system (an integration credential). A
ticket's 好差评 record not yet sent to the platform takes them (platform_records.py)."""

from __future__ import annotations

from sqlmodel import col, select

from server.commands import platform_records
from server.domain.actor import IntegrationActor, StaffActor, ensure_hall
from server.domain.calendar import business_day
from server.domain.cases import MAX_PER_TICKET, clean_case_nos
from server.domain.enums import Role, TicketStatus
from server.domain.errors import Conflict, InvalidInput, PermissionDenied
from server.domain.texts import text
from server.store import lookups
from server.store.statements import HAS_CASE
from server.store.tables import Ticket, TicketCase, Window
from server.store.transaction import Tx

OPEN_FOR_CASES = (TicketStatus.serving, TicketStatus.done)


def case_nos(tx: Tx, ticket_id: int) -> list[str]:
    return list(
        tx.session.exec(
            select(TicketCase.case_no)
            .where(TicketCase.ticket_id == ticket_id)
            .order_by(col(TicketCase.id))
        )
    )


def has_cases(tx: Tx, ticket_id: int) -> bool:
    return tx.conn.execute(HAS_CASE, {"ticket_id": ticket_id}).first() is not None


def add_cases(
    tx: Tx,
    ticket_id: int,
    numbers: list[str],
    *,
    staff_id: int | None = None,
    integration_id: int | None = None,
) -> list[str]:
    """Attach the numbers not attached yet (the caller checked who may); all of the ticket's."""
    numbers = clean_case_nos(numbers)
    have = case_nos(tx, ticket_id)
    new = [n for n in numbers if n not in have]
    if len(have) + len(new) > MAX_PER_TICKET:
        raise InvalidInput(text("case.too_many"))
    for number in new:
        tx.session.add(
            TicketCase(
                ticket_id=ticket_id,
                case_no=number,
                added_at=tx.now,
                added_by=staff_id,
                integration_id=integration_id,
            )
        )
    if new:
        tx.session.flush()
        platform_records.refresh_pending_rating(tx, ticket_id)
    return have + new


def attach_cases(
    tx: Tx, actor: StaffActor | IntegrationActor, ticket_id: int, numbers: list[str]
) -> tuple[Ticket, list[str]]:
    """POST /tickets/{id}/cases: the ticket and all its case numbers after."""
    ticket = lookups.ticket_to_change(tx, ticket_id)
    ensure_hall(actor, ticket.hall_id)
    status = TicketStatus(ticket.status)
    if status not in OPEN_FOR_CASES:
        raise Conflict(
            text("case.not_now", number=ticket.number, status=text(f"status.{status.value}"))
        )
    if isinstance(actor, StaffActor) and actor.role == Role.window:
        _check_clerk(tx, actor, ticket)
    staff_id = actor.staff_id if isinstance(actor, StaffActor) else None
    integration_id = actor.integration_id if isinstance(actor, IntegrationActor) else None
    attached = add_cases(
        tx, ticket.id or 0, numbers, staff_id=staff_id, integration_id=integration_id
    )
    return ticket, attached


def _check_clerk(tx: Tx, actor: StaffActor, ticket: Ticket) -> None:
    """A window clerk: the ticket being served at the window they are signed in at, or one
    they finished today (at 办结, moments after)."""
    if ticket.status == TicketStatus.serving:
        window = tx.session.get(Window, ticket.window_id) if ticket.window_id else None
        if window is not None and window.staff_id == actor.staff_id:
            return
    else:
        zone = tx.catalog.service(tx.open_session, ticket.service_id).zone
        if ticket.staff_id == actor.staff_id and ticket.business_day == business_day(tx.now, zone):
            return
    raise PermissionDenied(text("case.not_yours", number=ticket.number))
