"""Ticket-level records (明细): one row per ticket with every time, paged or streamed in SQL.

Rows come in issue order along the index `ix_ticket_hall_day_issued`; durations are computed
by the database. Nothing here loads the whole period into memory.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import and_, case, func, literal, select, tuple_
from sqlalchemy.orm import aliased
from sqlalchemy.sql import Select
from sqlmodel import Session

from server.domain.enums import TicketStatus
from server.queries.stats.sql import (
    APPEAL,
    EVALUATION,
    HALL,
    RECTIFICATION,
    SERVICE,
    STAFF,
    TICKET,
    WINDOW,
    seconds_between,
)

RECORD_FIELDS = (
    "ticket_id",
    "hall_id",
    "hall_name",
    "number",
    "business_day",
    "service_id",
    "service_name",
    "priority",
    "source",
    "status",
    "outcome",
    "issued_at",
    "entered_queue_at",
    "called_at",
    "serving_started_at",
    "finished_at",
    "wait_s",
    "walk_s",
    "handle_s",
    "total_s",
    "window_number",
    "staff_no",
    "staff_name",
    "recall_count",
    "no_show_count",
    "transferred_to",
    "evaluation_level",
    "evaluated_at",
    "rectification_deadline",
    "rectified_at",
    "followup_at",
    "slot_start",
    "appeal",
)
TIME_FIELDS = (
    "issued_at",
    "entered_queue_at",
    "called_at",
    "serving_started_at",
    "finished_at",
    "evaluated_at",
    "rectification_deadline",
    "rectified_at",
    "followup_at",
    "slot_start",
)


def _filter(hall_ids: tuple[int, ...] | None, start: date, end: date) -> Any:
    t = TICKET.c
    period = and_(t.business_day >= start, t.business_day <= end)
    return period if hall_ids is None else and_(t.hall_id.in_(hall_ids), period)


def records_query(
    dialect: str,
    hall_ids: tuple[int, ...] | None,
    start: date,
    end: date,
    *,
    names: Sequence[str] = RECORD_FIELDS,
    time: Callable[[Any], Any] | None = None,
) -> Select[Any]:
    """The 明细 rows of a period in issue order: the `names` columns, instants passed
    through `time` (e.g. formatted by the database) when given."""
    t, e, r = TICKET.c, EVALUATION.c, RECTIFICATION.c
    # a ticket's wait counts from when it first joined the queue (扫码过号重排 moves its place)
    joined = func.coalesce(t.first_entered_queue_at, t.entered_queue_at)
    target = aliased(TICKET, name="target")
    done = t.status == TicketStatus.done.value
    columns = {
        "ticket_id": t.id,
        "hall_id": t.hall_id,
        "hall_name": HALL.c.name,
        "number": t.number,
        "business_day": t.business_day,
        "service_id": t.service_id,
        "service_name": SERVICE.c.name,
        "priority": t.priority,
        "source": t.source,
        "status": t.status,
        "outcome": t.outcome,
        "issued_at": t.issued_at,
        "entered_queue_at": joined,
        "called_at": t.called_at,
        "serving_started_at": t.serving_started_at,
        "finished_at": t.finished_at,
        "wait_s": seconds_between(dialect, joined, t.called_at),
        "walk_s": seconds_between(dialect, t.called_at, t.serving_started_at),
        "handle_s": case((done, seconds_between(dialect, t.serving_started_at, t.finished_at))),
        "total_s": case((done, seconds_between(dialect, joined, t.finished_at))),
        "window_number": WINDOW.c.number,
        "staff_no": STAFF.c.staff_no,
        "staff_name": STAFF.c.name,
        "recall_count": t.recall_count,
        "no_show_count": t.no_show_count,
        "transferred_to": target.c.number,
        "evaluation_level": e.level,
        "evaluated_at": e.created_at,
        "rectification_deadline": r.deadline,
        "rectified_at": r.closed_at,
        "followup_at": r.followup_at,
        "slot_start": t.slot_start,
        "appeal": APPEAL.c.state,
        "target_wait_min": SERVICE.c.target_wait_minutes,
        "target_handle_min": SERVICE.c.target_handle_minutes,
    }
    if time is not None:
        for name in TIME_FIELDS:
            columns[name] = time(columns[name])
    source = (
        TICKET.join(SERVICE, SERVICE.c.id == t.service_id)
        .join(HALL, HALL.c.id == t.hall_id)
        .outerjoin(WINDOW, WINDOW.c.id == t.window_id)
        .outerjoin(STAFF, STAFF.c.id == t.staff_id)
        .outerjoin(target, target.c.id == t.transferred_to_id)
        .outerjoin(EVALUATION, e.ticket_id == t.id)
        .outerjoin(RECTIFICATION, r.evaluation_id == e.id)
        .outerjoin(APPEAL, APPEAL.c.evaluation_id == e.id)
    )
    return (
        select(*(columns[name].label(name) for name in names))
        .select_from(source)
        .where(_filter(hall_ids, start, end))
        .order_by(t.business_day, t.issued_at, t.id)
    )


def count_records(
    session: Session, hall_ids: tuple[int, ...] | None, start: date, end: date
) -> int:
    query = select(func.count()).select_from(TICKET).where(_filter(hall_ids, start, end))
    return int(session.execute(query).scalar_one())


def record_page(
    session: Session,
    hall_ids: tuple[int, ...] | None,
    start: date,
    end: date,
    *,
    limit: int,
    offset: int = 0,
    after: int | None = None,
) -> list[dict[str, Any]]:
    """One page in issue order: LIMIT/OFFSET, or the rows after ticket `after` (keyset)."""
    dialect = session.get_bind().dialect.name
    t = TICKET.c
    query = records_query(dialect, hall_ids, start, end)
    if after is not None:
        cursor = session.execute(
            select(t.business_day, t.issued_at, t.id).where(t.id == after)
        ).one_or_none()
        if cursor is None:
            return []
        query = query.where(
            tuple_(t.business_day, t.issued_at, t.id)
            > tuple_(
                *(
                    literal(v, type_=c.type)
                    for v, c in zip(cursor, (t.business_day, t.issued_at, t.id), strict=True)
                )
            )
        )
    else:
        query = query.offset(offset)
    return [dict(row._mapping) for row in session.execute(query.limit(limit))]
