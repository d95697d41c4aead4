"""Listing complaints (投诉) with filters, newest first."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.sql import Select
from sqlmodel import Session

from server.domain.texts import text
from server.queries.stats.sql import COMPLAINT, STAFF, TICKET, instant


@dataclass(frozen=True)
class ComplaintFilter:
    hall_ids: tuple[int, ...] | None
    start: datetime | None = None  # received at or after
    end: datetime | None = None  # received before
    state: str | None = None
    overdue: bool | None = None
    channel: str | None = None
    window_id: int | None = None
    staff_no: str | None = None


def _query(f: ComplaintFilter, now: datetime, columns: list[Any]) -> Select[Any]:
    c = COMPLAINT.c
    now_ = instant(now)
    overdue = or_(
        and_(c.closed_at.is_(None), c.deadline < now_),
        c.closed_at > c.deadline,
    )
    query = select(*columns).select_from(
        COMPLAINT.outerjoin(TICKET, TICKET.c.id == c.ticket_id).outerjoin(
            STAFF, STAFF.c.id == c.staff_id
        )
    )
    conditions: list[Any] = []
    if f.hall_ids is not None:
        conditions.append(c.hall_id.in_(f.hall_ids))
    if f.start is not None:
        conditions.append(c.received_at >= instant(f.start))
    if f.end is not None:
        conditions.append(c.received_at < instant(f.end))
    if f.state is not None:
        conditions.append(c.state == f.state)
    if f.overdue is not None:
        conditions.append(overdue if f.overdue else ~overdue)
    if f.channel is not None:
        conditions.append(c.channel == f.channel)
    if f.window_id is not None:
        conditions.append(func.coalesce(c.window_id, TICKET.c.window_id) == f.window_id)
    if f.staff_no is not None:
        conditions.append(STAFF.c.staff_no == f.staff_no)
    return query.where(and_(*conditions)) if conditions else query


def _columns() -> list[Any]:
    c = COMPLAINT.c
    return [
        c.id,
        c.hall_id,
        c.channel,
        c.content,
        c.ticket_id,
        TICKET.c.number.label("ticket_number"),
        func.coalesce(c.window_id, TICKET.c.window_id).label("window_id"),
        STAFF.c.staff_no,
        func.coalesce(c.service_id, TICKET.c.service_id).label("service_id"),
        c.complainant_name,
        c.complainant_phone,
        c.state,
        c.received_at,
        c.deadline,
        c.result,
        c.handled_at,
        c.closed_at,
    ]


def _out(row: Any, now: datetime) -> dict[str, Any]:
    item = dict(row._mapping)
    closed_at, deadline = item["closed_at"], item["deadline"]
    item["overdue"] = closed_at > deadline if closed_at else now > deadline
    item["channel_text"] = text(f"complaint_channel.{item['channel']}")
    item["state_text"] = text(f"complaint_state.{item['state']}")
    return item


def count_complaints(session: Session, f: ComplaintFilter, now: datetime) -> int:
    query = _query(f, now, [func.count()])
    return int(session.execute(query).scalar_one())


def list_complaints(
    session: Session, f: ComplaintFilter, now: datetime, *, limit: int, offset: int
) -> list[dict[str, Any]]:
    c = COMPLAINT.c
    query = _query(f, now, _columns()).order_by(c.received_at.desc(), c.id.desc())
    return [_out(row, now) for row in session.execute(query.limit(limit).offset(offset))]


def complaint(session: Session, complaint_id: int, now: datetime) -> dict[str, Any] | None:
    query = _query(ComplaintFilter(None), now, _columns()).where(COMPLAINT.c.id == complaint_id)
    row = session.execute(query).one_or_none()
    return None if row is None else _out(row, now)


def stream_complaints(
    session: Session, f: ComplaintFilter, now: datetime
) -> Iterator[dict[str, Any]]:
    """Oldest first, for the export."""
    c = COMPLAINT.c
    query = _query(f, now, _columns()).order_by(c.received_at, c.id)
    for row in session.execute(query.execution_options(yield_per=1000)):
        yield _out(row, now)
