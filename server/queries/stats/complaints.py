"""Complaints of a period, as the few records the 投诉处理 indicators need."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, func, select
from sqlmodel import Session

from server.domain.indicators import ComplaintRecord
from server.queries.stats.sql import COMPLAINT, STAFF, TICKET, instant


def complaint_records(
    session: Session, hall_ids: tuple[int, ...] | None, start: datetime, end: datetime
) -> list[ComplaintRecord]:
    """Complaints received in [start, end); their window, staff and service default to those
    of the ticket they name."""
    c, t = COMPLAINT.c, TICKET.c
    query = (
        select(
            c.received_at,
            c.deadline,
            c.closed_at,
            c.hall_id,
            func.coalesce(c.service_id, t.service_id).label("service_id"),
            func.coalesce(c.window_id, t.window_id).label("window_id"),
            STAFF.c.staff_no,
        )
        .select_from(
            COMPLAINT.outerjoin(TICKET, t.id == c.ticket_id).outerjoin(
                STAFF, STAFF.c.id == func.coalesce(c.staff_id, t.staff_id)
            )
        )
        .where(and_(c.received_at >= instant(start), c.received_at < instant(end)))
    )
    if hall_ids is not None:
        query = query.where(c.hall_id.in_(hall_ids))
    return [ComplaintRecord(*row) for row in session.execute(query)]
