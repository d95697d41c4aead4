"""超期预警: each hall's 差评 whose 整改 or 回访 deadline is near or passed, as alert conditions
for the server's watch (server/queries/alerts.py). A 差评 whose 申诉 was upheld needs neither."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select
from sqlmodel import Session

from server.domain.alerts import AlertCondition
from server.domain.calendar import WorkingCalendar, hall_zone
from server.domain.rating_loop import followup_deadline, rectification_deadline
from server.queries.stats.sql import APPEAL, EVALUATION, RECTIFICATION, TICKET
from server.store.tables import Hall

# rectifications older than this are not looked at any more (their alerts stay until seen)
LOOK_BACK = timedelta(days=180)


def deadline_conditions(
    session: Session, hall: Hall, now: datetime, calendar: WorkingCalendar | None = None
) -> list[AlertCondition]:
    r, t, e, a = RECTIFICATION.c, TICKET.c, EVALUATION.c, APPEAL.c
    rows = session.execute(
        select(r.id, r.ticket_id, t.number, r.deadline, r.closed_at, r.followup_deadline)
        .select_from(
            RECTIFICATION.join(TICKET, t.id == r.ticket_id)
            .join(EVALUATION, e.id == r.evaluation_id)
            .outerjoin(APPEAL, and_(a.evaluation_id == e.id, a.state == "upheld"))
        )
        .where(
            r.opened_at >= now - LOOK_BACK,
            t.hall_id == hall.id,
            a.id.is_(None),
            or_(r.closed_at.is_(None), r.followup_at.is_(None)),
        )
    ).all()
    zone = hall_zone(hall.timezone)
    found: list[AlertCondition | None] = []
    for rect_id, ticket_id, number, deadline, closed_at, followup_due in rows:
        if closed_at is None:
            found.append(
                rectification_deadline(
                    rect_id,
                    ticket_id,
                    number,
                    deadline,
                    now,
                    hall.rectification_warn_days,
                    zone,
                    calendar,
                )
            )
        elif followup_due is not None:
            found.append(
                followup_deadline(
                    rect_id, ticket_id, number, followup_due, now, hall.followup_warn_hours, zone
                )
            )
    return [c for c in found if c is not None]
