"""What the holder of a ticket's QR code may see: status, people ahead, window called to."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from server.domain.enums import TicketStatus
from server.domain.errors import NotFound
from server.domain.rating import rating_closes_at
from server.domain.texts import text
from server.queries.views import PublicTicketOut
from server.store.catalog import Catalog
from server.store.lookups import estimate, people_ahead
from server.store.tables import Evaluation, Hall, Ticket, Window


def find_by_token(session: Session, public_token: str) -> Ticket:
    ticket = session.exec(select(Ticket).where(Ticket.public_token == public_token)).first()
    if ticket is None:
        raise NotFound(text("ticket.public_not_found"))
    return ticket


def public_view(
    session: Session, catalog: Catalog, public_token: str, now: datetime | None = None
) -> PublicTicketOut:
    """The ticket as its holder sees it; `now` (the server's clock) decides whether the rating
    window is still open."""
    ticket = find_by_token(session, public_token)
    service = catalog.service(session, ticket.service_id)
    window = session.get(Window, ticket.window_id) if ticket.window_id else None
    moved_to = session.get(Ticket, ticket.transferred_to_id) if ticket.transferred_to_id else None
    waiting = ticket.status == TicketStatus.waiting
    ahead = people_ahead(session, ticket) if waiting else None
    evaluated = session.exec(select(Evaluation.id).where(Evaluation.ticket_id == ticket.id)).first()
    hall = session.get(Hall, ticket.hall_id)
    closes = rating_closes_at(ticket.finished_at, hall.rating_window_days if hall else 7)
    done = ticket.status == TicketStatus.done
    open_now = closes is None or now is None or now <= closes
    return PublicTicketOut(
        hall_name=hall.name if hall else "",
        number=ticket.number,
        service_name=service.name,
        status=ticket.status,
        status_text=text(f"status.{ticket.status}"),
        ahead=ahead,
        estimated_wait_minutes=estimate(session, catalog, service, ticket.business_day, ahead)
        if ahead is not None
        else None,
        window_number=window.number
        if window and ticket.status in (TicketStatus.called, TicketStatus.serving)
        else None,
        issued_at=ticket.issued_at,
        called_at=ticket.called_at,
        transferred_to_number=moved_to.number if moved_to else None,
        evaluated=evaluated is not None,
        can_evaluate=done and evaluated is None and open_now,
        finished_at=ticket.finished_at if done else None,
        rating_closes_at=closes if done else None,
    )
