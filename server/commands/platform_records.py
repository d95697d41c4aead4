"""好差评 records for the government platform, written to the outbox in the transaction of
the change: the rating itself, and each later change a platform wants (整改 result, 回访).

Nothing is written for a hall without a `[platform]` (no receiver). A record is govqueue's
own (server/domain/rating_record.py), as it was when it happened; the hall's profile maps it
when it is sent. All records of one ticket share a subject, so they reach the platform in
the order they happened; the rating's record is always written before any later one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlmodel import col, select

from server.commands import outbox
from server.domain.calendar import day_bounds, hall_zone
from server.domain.rating_record import idempotency_key, instant
from server.store.tables import (
    Appeal,
    Evaluation,
    Hall,
    OutboxMessage,
    Receiver,
    Rectification,
    ReRating,
    Service,
    Staff,
    Ticket,
    TicketCase,
    Window,
)
from server.store.transaction import Tx

CHANNEL = "platform"


def subject(ticket_id: int) -> str:
    return f"ticket:{ticket_id}"


def receiver(tx: Tx, hall_id: int) -> Receiver | None:
    return tx.session.exec(
        select(Receiver).where(Receiver.hall_id == hall_id, Receiver.channel == CHANNEL)
    ).first()


def _staff_no(tx: Tx, staff_id: int | None) -> str:
    staff = tx.session.get(Staff, staff_id) if staff_id else None
    return staff.staff_no if staff else ""


def case_nos(tx: Tx, ticket_id: int) -> list[str]:
    return list(
        tx.session.exec(
            select(TicketCase.case_no)
            .where(TicketCase.ticket_id == ticket_id)
            .order_by(col(TicketCase.id))
        )
    )


def _common(hall: Hall, target: Receiver, evaluation: Evaluation) -> dict[str, Any]:
    """What every record of a rating carries."""
    return {
        "rating_id": _rating_id(hall, evaluation),
        "times": 1,
        "zone": hall.timezone,
        "hall_code": hall.code,
        "region_code": str(target.params.get("region_code", "")),
    }


def _rating_id(hall: Hall, evaluation: Evaluation) -> str:
    """Unique across the deployment's halls (a hall's code is not changed once it reports)."""
    return f"{hall.code}-{evaluation.id}"


def rating_record(
    tx: Tx,
    hall: Hall,
    target: Receiver,
    evaluation: Evaluation,
    ticket: Ticket,
    again: ReRating | None = None,
) -> dict[str, Any]:
    """The rating (times 1), or with `again` its 追评 (times 2: the second rating's level,
    reasons, text, channel and time)."""
    service = tx.session.get(Service, ticket.service_id)
    window = tx.session.get(Window, ticket.window_id) if ticket.window_id else None
    rated: Evaluation | ReRating = again or evaluation
    return {
        **_common(hall, target, evaluation),
        "times": 2 if again is not None else 1,
        "case_nos": case_nos(tx, ticket.id or 0),
        "item_code": (service.item_code if service else None) or "",
        "item_name": service.name if service else "",
        "channel": rated.channel,
        "evaluated_at": instant(rated.created_at),
        "level": rated.level,
        "reasons": list(rated.reasons),
        "text": rated.comment or "",
        "window_no": window.number if window else "",
        "staff_no": _staff_no(tx, ticket.staff_id),
        "default_rating": False,
        "excluded": excluded(tx, evaluation.id or 0),
    }


def _re_rating(tx: Tx, evaluation: Evaluation) -> ReRating | None:
    return tx.session.exec(select(ReRating).where(ReRating.evaluation_id == evaluation.id)).first()


def rectification_record(
    tx: Tx, hall: Hall, target: Receiver, evaluation: Evaluation, rectification: Rectification
) -> dict[str, Any]:
    assert rectification.closed_at is not None
    return {
        **_common(hall, target, evaluation),
        "rectified_at": instant(rectification.closed_at),
        "measures": rectification.note or "",
        "rectifier_no": _staff_no(tx, rectification.rectified_by),
        "on_time": rectification.closed_at <= rectification.deadline,
    }


def followup_record(
    tx: Tx, hall: Hall, target: Receiver, evaluation: Evaluation, rectification: Rectification
) -> dict[str, Any]:
    assert rectification.followup_at is not None
    return {
        **_common(hall, target, evaluation),
        "followed_up_at": instant(rectification.followup_at),
        "way": rectification.followup_way or "",
        "result": rectification.followup_note or "",
        "satisfied": bool(rectification.followup_satisfied),
        "visitor_no": _staff_no(tx, rectification.followup_by),
    }


def appeal_record(
    tx: Tx, hall: Hall, target: Receiver, evaluation: Evaluation, appeal: Appeal
) -> dict[str, Any]:
    assert appeal.decided_at is not None
    return {
        **_common(hall, target, evaluation),
        "decided_at": instant(appeal.decided_at),
        "upheld": appeal.state == "upheld",
        "reason": appeal.reason,
        "decision": appeal.decision or "",
    }


def excluded(tx: Tx, evaluation_id: int) -> bool:
    """An upheld 申诉 keeps the rating out of 满意率 (and says so to the platform)."""
    state = tx.session.exec(
        select(Appeal.state).where(Appeal.evaluation_id == evaluation_id)
    ).first()
    return state == "upheld"


def _write(tx: Tx, hall: Hall, ticket_id: int, kind: str, record: dict[str, Any]) -> None:
    outbox.enqueue(
        tx,
        channel=CHANNEL,
        hall_id=hall.id or 0,
        subject=subject(ticket_id),
        kind=kind,
        key=idempotency_key(str(record["rating_id"]), int(record["times"]), kind),
        payload=record,
    )


def rating_made(tx: Tx, evaluation: Evaluation, ticket: Ticket) -> None:
    """A rating (first, times = 1): its record, when the hall reports to a platform."""
    target = receiver(tx, ticket.hall_id)
    if target is None:
        return
    hall = tx.session.get(Hall, ticket.hall_id)
    assert hall is not None
    _write(tx, hall, ticket.id or 0, "rating", rating_record(tx, hall, target, evaluation, ticket))


def rectification_changed(tx: Tx, rectification: Rectification, kind: str) -> None:
    """整改 recorded (`kind` "rectification") or 回访 recorded ("followup")."""
    evaluation = tx.session.get(Evaluation, rectification.evaluation_id)
    assert evaluation is not None
    _later_record(tx, evaluation, kind)


def appeal_decided(tx: Tx, appeal: Appeal, evaluation: Evaluation) -> None:
    """申诉 decided: its record (profiles that take one), and the rating's own record, if
    still unsent, with `excluded` as it is now."""
    _later_record(tx, evaluation, "appeal")
    refresh_pending_rating(tx, evaluation.ticket_id)


def re_rated(tx: Tx, evaluation: Evaluation) -> None:
    """追评 made: its record (times 2), after every earlier one of the rating."""
    _later_record(tx, evaluation, "rating", times=2)


def _later_record(tx: Tx, evaluation: Evaluation, kind: str, times: int = 1) -> None:
    """A later record of a rating, after any earlier one never written (the hall began
    reporting later), so that the platform never gets a later record before an earlier one."""
    target = receiver(tx, evaluation.hall_id)
    if target is None:
        return
    hall = tx.session.get(Hall, evaluation.hall_id)
    ticket = tx.session.get(Ticket, evaluation.ticket_id)
    assert hall is not None and ticket is not None
    for earlier, record in _records_of(tx, hall, target, evaluation, ticket):
        key = idempotency_key(str(record["rating_id"]), int(record["times"]), earlier)
        if outbox.find(tx, CHANNEL, key) is None:
            _write(tx, hall, ticket.id or 0, earlier, record)
        if (earlier, record["times"]) == (kind, times):
            return


def refresh_pending_rating(tx: Tx, ticket_id: int) -> None:
    """The ticket's rating record, not sent yet, rebuilt as things are now (a case number
    attached after the rating): the platform gets the record with it. A record already
    acknowledged is not sent again (the platform keys it by ratingId-times)."""
    pending = tx.session.exec(
        select(OutboxMessage).where(
            OutboxMessage.channel == CHANNEL,
            OutboxMessage.subject == subject(ticket_id),
            OutboxMessage.kind == "rating",
            OutboxMessage.state == "pending",
        )
    ).all()
    for message in pending:
        evaluation = tx.session.exec(
            select(Evaluation).where(Evaluation.ticket_id == ticket_id)
        ).first()
        ticket = tx.session.get(Ticket, ticket_id)
        hall = tx.session.get(Hall, message.hall_id)
        target = receiver(tx, message.hall_id)
        if evaluation is None or ticket is None or hall is None or target is None:
            continue
        again = _re_rating(tx, evaluation) if message.payload.get("times") == 2 else None
        message.payload = rating_record(tx, hall, target, evaluation, ticket, again)
        tx.session.add(message)


@dataclass
class Replayed:
    """What a replay did, per hall code: records queued again, and written for the first time."""

    resent: dict[str, int] = field(default_factory=dict)
    written: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.resent.values()) + sum(self.written.values())


def replay(tx: Tx, hall_code: str | None, first: date, last: date) -> Replayed:
    """`govqueue hcp replay`: every rating made on the days first..last (the hall's days) of
    the halls that report — or of the one named — sent again with its later records, as they
    are now and with the same keys; records never written (the hall began reporting later)
    are written. Nothing is sent twice at once: a record still waiting just starts over."""
    query = select(Receiver, Hall).join(Hall, col(Hall.id) == col(Receiver.hall_id))
    query = query.where(Receiver.channel == CHANNEL)
    if hall_code is not None:
        query = query.where(Hall.code == hall_code)
    done = Replayed()
    for target, hall in tx.session.exec(query.order_by(col(Hall.id))).all():
        zone = hall_zone(hall.timezone)
        start, end = day_bounds(first, zone)[0], day_bounds(last, zone)[1]
        done.resent.setdefault(hall.code, 0)
        done.written.setdefault(hall.code, 0)
        evaluations = tx.session.exec(
            select(Evaluation)
            .where(
                Evaluation.hall_id == hall.id,
                col(Evaluation.created_at) >= start,
                col(Evaluation.created_at) < end,
            )
            .order_by(col(Evaluation.id))
        ).all()
        for evaluation in evaluations:
            ticket = tx.session.get(Ticket, evaluation.ticket_id)
            assert ticket is not None
            for kind, record in _records_of(tx, hall, target, evaluation, ticket):
                key = idempotency_key(str(record["rating_id"]), int(record["times"]), kind)
                existing = outbox.find(tx, CHANNEL, key)
                if existing is None:
                    _write(tx, hall, ticket.id or 0, kind, record)
                    done.written[hall.code] += 1
                else:
                    outbox.resend(tx, existing, record)
                    done.resent[hall.code] += 1
    tx.session.flush()
    return done


def _records_of(
    tx: Tx, hall: Hall, target: Receiver, evaluation: Evaluation, ticket: Ticket
) -> list[tuple[str, dict[str, Any]]]:
    """A rating's records as they are now, in the order they happened."""
    records = [("rating", rating_record(tx, hall, target, evaluation, ticket))]
    rectification = tx.session.exec(
        select(Rectification).where(Rectification.evaluation_id == evaluation.id)
    ).first()
    if rectification is not None and rectification.closed_at is not None:
        records.append(
            ("rectification", rectification_record(tx, hall, target, evaluation, rectification))
        )
        if rectification.followup_at is not None:
            records.append(
                ("followup", followup_record(tx, hall, target, evaluation, rectification))
            )
    appeal = tx.session.exec(select(Appeal).where(Appeal.evaluation_id == evaluation.id)).first()
    if appeal is not None and appeal.decided_at is not None:
        records.append(("appeal", appeal_record(tx, hall, target, evaluation, appeal)))
    again = _re_rating(tx, evaluation)
    if again is not None:  # 追评, after 整改
        records.append(("rating", rating_record(tx, hall, target, evaluation, ticket, again)))
    return records
