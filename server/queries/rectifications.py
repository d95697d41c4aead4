"""Listing rectifications of bad ratings (差评整改) with filters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.sql import Select
from sqlmodel import Session

from server.domain.texts import text
from server.queries.stats.sql import (
    APPEAL,
    EVALUATION,
    RE_RATING,
    RECTIFICATION,
    SERVICE,
    STAFF,
    TICKET,
    WINDOW,
    instant,
    unindexed,
)


@dataclass(frozen=True)
class RectificationFilter:
    hall_ids: tuple[int, ...] | None
    start: date | None = None  # the rated ticket's business day
    end: date | None = None
    state: str | None = None  # open | rectified | followed_up
    overdue: bool | None = None
    window_id: int | None = None
    staff_no: str | None = None
    appeal: str | None = None  # pending | upheld | rejected


def _state() -> Any:
    r = RECTIFICATION.c
    return case(
        (r.followup_at.is_not(None), "followed_up"),
        (r.closed_at.is_not(None), "rectified"),
        else_="open",
    )


def _query(f: RectificationFilter, now: datetime, columns: list[Any]) -> Select[Any]:
    r, t = RECTIFICATION.c, TICKET.c
    overdue = or_(and_(r.closed_at.is_(None), r.deadline < instant(now)), r.closed_at > r.deadline)
    query = select(*columns).select_from(
        RECTIFICATION.join(TICKET, t.id == r.ticket_id)
        .join(EVALUATION, EVALUATION.c.id == r.evaluation_id)
        .outerjoin(APPEAL, APPEAL.c.evaluation_id == r.evaluation_id)
        .outerjoin(RE_RATING, RE_RATING.c.evaluation_id == r.evaluation_id)
        .join(SERVICE, SERVICE.c.id == t.service_id)
        .outerjoin(WINDOW, WINDOW.c.id == t.window_id)
        .outerjoin(STAFF, STAFF.c.id == t.staff_id)
    )
    # Rectifications are a few per cent of the tickets, so they lead and each one's ticket is
    # looked up by id: SQLite, without statistics, would rather walk the hall's tickets
    # through their index and probe each (13 s instead of 1.8 s for a year of 5 M tickets).
    hall_id, day = unindexed(t.hall_id), unindexed(t.business_day)
    conditions: list[Any] = []
    if f.hall_ids is not None:
        conditions.append(hall_id.in_(f.hall_ids))
    if f.start is not None:
        conditions.append(day >= f.start)
        # A rectification opens when its ticket is rated, after the ticket's day began (a
        # day before the date in UTC covers every time zone): with the index on opened_at,
        # a period reads the rectifications opened since it began, not all its tickets.
        since = datetime.combine(f.start, time.min, UTC) - timedelta(days=1)
        conditions.append(r.opened_at >= instant(since))
    if f.end is not None:
        conditions.append(day <= f.end)
    if f.state is not None:
        conditions.append(_state() == f.state)
    if f.overdue is not None:
        conditions.append(overdue if f.overdue else ~overdue)
    if f.window_id is not None:
        conditions.append(t.window_id == f.window_id)
    if f.staff_no is not None:
        conditions.append(STAFF.c.staff_no == f.staff_no)
    if f.appeal is not None:
        conditions.append(APPEAL.c.state == f.appeal)
    return query.where(and_(*conditions)) if conditions else query


def _columns() -> list[Any]:
    r, t, e = RECTIFICATION.c, TICKET.c, EVALUATION.c
    return [
        r.id,
        t.hall_id,
        r.ticket_id,
        t.number.label("ticket_number"),
        t.business_day,
        SERVICE.c.name.label("service_name"),
        WINDOW.c.number.label("window_number"),
        STAFF.c.staff_no,
        STAFF.c.name.label("staff_name"),
        e.level,
        e.reasons,
        e.comment,
        _state().label("state"),
        r.opened_at,
        r.deadline,
        r.closed_at.label("rectified_at"),
        r.note.label("measures"),
        r.followup_at,
        r.followup_way,
        r.followup_note.label("followup_result"),
        r.followup_satisfied,
        APPEAL.c.id.label("appeal_id"),
        APPEAL.c.state.label("appeal_state"),
        APPEAL.c.reason.label("appeal_reason"),
        APPEAL.c.evidence.label("appeal_evidence"),
        APPEAL.c.filed_at.label("appeal_filed_at"),
        APPEAL.c.decided_at.label("appeal_decided_at"),
        APPEAL.c.decision.label("appeal_decision"),
        r.followup_deadline,
        RE_RATING.c.level.label("re_rating_level"),
        RE_RATING.c.reasons.label("re_rating_reasons"),
        RE_RATING.c.comment.label("re_rating_comment"),
        RE_RATING.c.created_at.label("re_rated_at"),
    ]


def _out(row: Any, now: datetime) -> dict[str, Any]:
    item = dict(row._mapping)
    if "overdue" in item:  # decided by the database
        item["overdue"] = bool(item["overdue"])
    else:
        done, deadline = item["rectified_at"], item["deadline"]
        item["overdue"] = done > deadline if done else now > deadline
    item["state_text"] = text(f"rectification_state.{item['state']}")
    appeal = item.get("appeal_state")
    item["appeal_state_text"] = text(f"appeal_state.{appeal}") if appeal else None
    item["reasons"] = list(item["reasons"] or [])
    if "re_rating_reasons" in item:
        item["re_rating_reasons"] = list(item["re_rating_reasons"] or [])
    return item


def count_rectifications(session: Session, f: RectificationFilter, now: datetime) -> int:
    return int(session.execute(_query(f, now, [func.count()])).scalar_one())


def list_rectifications(
    session: Session, f: RectificationFilter, now: datetime, *, limit: int, offset: int
) -> list[dict[str, Any]]:
    r = RECTIFICATION.c
    query = _query(f, now, _columns()).order_by(r.opened_at.desc(), r.id.desc())
    return [_out(row, now) for row in session.execute(query.limit(limit).offset(offset))]


def rectification(session: Session, rectification_id: int, now: datetime) -> dict[str, Any] | None:
    query = _query(RectificationFilter(None), now, _columns()).where(
        RECTIFICATION.c.id == rectification_id
    )
    row = session.execute(query).one_or_none()
    return None if row is None else _out(row, now)
