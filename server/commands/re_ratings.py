"""追评: after the hall recorded the 整改 of a 差评, the applicant rates once more from the
ticket's QR page (评价次数 = 2, channel 二维码), within the hall's rating window counted from the
整改, where the hall takes 追评 (`hall.re_rating`). The first rating stays the one the
statistics count; the 追评 goes to the 好差评 platform as times 2 and shows on 差评整改."""

from __future__ import annotations

from sqlmodel import select

from server.commands import platform_records
from server.domain.calendar import hall_zone
from server.domain.enums import EvaluationChannel
from server.domain.errors import AlreadyExists, Conflict, NotFound
from server.domain.rating import rating_closes_at
from server.domain.texts import text
from server.store.tables import Evaluation, Hall, Rectification, ReRating, Ticket
from server.store.transaction import Tx


def re_rate_by_token(
    tx: Tx, public_token: str, level: int, reasons: list[str], comment: str | None
) -> ReRating:
    ticket = tx.session.exec(select(Ticket).where(Ticket.public_token == public_token)).first()
    if ticket is None:
        raise NotFound(text("ticket.public_not_found"))
    tx.lock_hall(ticket.hall_id)
    evaluation = tx.session.exec(
        select(Evaluation).where(Evaluation.ticket_id == ticket.id)
    ).first()
    rectification = (
        tx.session.exec(
            select(Rectification).where(Rectification.evaluation_id == evaluation.id)
        ).first()
        if evaluation is not None
        else None
    )
    hall = tx.session.get(Hall, ticket.hall_id)
    assert hall is not None
    if evaluation is None or rectification is None or rectification.closed_at is None:
        raise Conflict(text("re_rating.not_yet", number=ticket.number), code="re_rating_not_open")
    if not hall.re_rating:
        raise Conflict(text("re_rating.off"), code="re_rating_not_open")
    closes = rating_closes_at(rectification.closed_at, hall.rating_window_days)
    if closes is not None and tx.now > closes:
        rectified = rectification.closed_at.astimezone(hall_zone(hall.timezone))
        raise Conflict(
            text(
                "re_rating.closed",
                rectified=rectified.strftime("%Y-%m-%d %H:%M"),
                days=hall.rating_window_days,
            ),
            code="rating_closed",
        )
    if tx.session.exec(select(ReRating).where(ReRating.evaluation_id == evaluation.id)).first():
        raise AlreadyExists(text("re_rating.done", number=ticket.number))
    re_rating = ReRating(
        evaluation_id=evaluation.id or 0,
        hall_id=ticket.hall_id,
        level=level,
        reasons=reasons,
        comment=comment,
        channel=EvaluationChannel.mobile,
        created_at=tx.now,
    )
    tx.session.add(re_rating)
    tx.session.flush()
    platform_records.re_rated(tx, evaluation)
    return re_rating
