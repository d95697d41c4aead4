"""What the holder of a ticket's QR code may see: status, people ahead, window called to."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from server.domain.enums import TicketStatus
from server.domain.errors import Gone, NotFound
from server.domain.rating import link_expires_at, rating_closes_at
from server.domain.texts import text
from server.queries.views import PublicTicketOut
from server.store.catalog import Catalog
from server.store.lookups import estimate, missed_at, people_ahead, rejoin_rule
from server.store.tables import Evaluation, Hall, Rectification, ReRating, Ticket, Window


def find_by_token(session: Session, public_token: str, now: datetime | None = None) -> Ticket:
    """The ticket of a public token; with `now`, refused (Gone) once its link expired."""
    ticket = session.exec(select(Ticket).where(Ticket.public_token == public_token)).first()
    if ticket is None:
        raise NotFound(text("ticket.public_not_found"))
    if now is not None:
        hall = session.get(Hall, ticket.hall_id)
        expires = _expires(session, ticket, hall)
        if now > expires:
            raise Gone(_expired_text(ticket, hall))
    return ticket


def _expired_text(ticket: Ticket, hall: Hall | None) -> str:
    if ticket.status != TicketStatus.done or ticket.finished_at is None:
        return text("ticket.public_expired", number=ticket.number)
    zone = ZoneInfo(hall.timezone if hall else "Asia/Shanghai")
    return text(
        "ticket.public_expired_done",
        number=ticket.number,
        finished=ticket.finished_at.astimezone(zone).strftime("%m月%d日 %H:%M"),
        days=hall.rating_window_days if hall else 7,
    )


def _expires(session: Session, ticket: Ticket, hall: Hall | None) -> datetime:
    """The link's end: the rating window's, or later while a 追评 may still be made (the
    hall's window again from the 整改, which may come days after the ticket finished)."""
    zone = ZoneInfo(hall.timezone if hall else "Asia/Shanghai")
    days = hall.rating_window_days if hall else 7
    expires = link_expires_at(ticket.finished_at, ticket.business_day, zone, days)
    if hall is None or not hall.re_rating or ticket.finished_at is None:
        return expires
    evaluated = session.exec(select(Evaluation.id).where(Evaluation.ticket_id == ticket.id)).first()
    rectified_at, re_rated = _rectified(session, evaluated)
    again_closes = rating_closes_at(rectified_at, days)
    if again_closes is None or re_rated:
        return expires
    return max(expires, again_closes)


def public_view(
    session: Session, catalog: Catalog, public_token: str, now: datetime | None = None
) -> PublicTicketOut:
    """The ticket as its holder sees it; `now` (the server's clock) decides whether the rating
    window is still open."""
    ticket = find_by_token(session, public_token, now)
    service = catalog.service(session, ticket.service_id)
    window = session.get(Window, ticket.window_id) if ticket.window_id else None
    moved_to = session.get(Ticket, ticket.transferred_to_id) if ticket.transferred_to_id else None
    waiting = ticket.status == TicketStatus.waiting
    ahead = people_ahead(session, ticket) if waiting else None
    evaluated = session.exec(select(Evaluation.id).where(Evaluation.ticket_id == ticket.id)).first()
    rectified_at, re_rated = _rectified(session, evaluated)
    hall = session.get(Hall, ticket.hall_id)
    closes = rating_closes_at(ticket.finished_at, hall.rating_window_days if hall else 7)
    done = ticket.status == TicketStatus.done
    open_now = closes is None or now is None or now <= closes
    again_closes = rating_closes_at(rectified_at, hall.rating_window_days if hall else 7)
    re_rating_open = (
        rectified_at is not None
        and not re_rated
        and bool(hall and hall.re_rating)
        and (again_closes is None or now is None or now <= again_closes)
    )
    rule = rejoin_rule(hall) if hall else None
    until = None
    if rule is not None and ticket.status == TicketStatus.no_show and ticket.rejoined_at is None:
        until = rule.until(missed_at(session, ticket))
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
        re_rating_open=re_rating_open,
        re_rated=re_rated,
        rectified_at=rectified_at,
        recall_count=ticket.recall_count,
        notify_ahead=hall.notify_ahead if hall else 3,
        rejoined=ticket.rejoined_at is not None,
        rejoin_until=until,
        can_rejoin=until is not None and (now is None or now <= until),
        rejoin_position=rule.position if rule else "behind",
        rejoin_behind=rule.behind if rule else 3,
    )


def _rectified(session: Session, evaluation_id: int | None) -> tuple[datetime | None, bool]:
    """When this ticket's 差评 was rectified (None: not, or no 差评), and whether its 追评 was
    made."""
    if evaluation_id is None:
        return None, False
    closed = session.exec(
        select(Rectification.closed_at).where(Rectification.evaluation_id == evaluation_id)
    ).first()
    again = session.exec(select(ReRating.id).where(ReRating.evaluation_id == evaluation_id)).first()
    return closed, again is not None
