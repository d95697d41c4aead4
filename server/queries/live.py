"""Read models for the live feed: the snapshot of a hall and the replay of its event log."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from client.wire import RecentCall, SnapshotData, WindowView
from server.domain.calendar import business_day, day_bounds, hall_zone
from server.domain.lifecycle import ACTIVE_AT_WINDOW
from server.store import lookups
from server.store.tables import Event, Hall, Ticket, Window


def last_seq(session: Session, hall_id: int) -> int:
    return lookups.hall(session, hall_id).last_seq


def events_after(session: Session, hall_id: int, since: int, limit: int) -> list[Event]:
    return list(
        session.exec(
            select(Event)
            .where(Event.hall_id == hall_id, Event.seq > since)
            .order_by(col(Event.seq))
            .limit(limit)
        )
    )


def snapshot(session: Session, hall_id: int, now: datetime) -> tuple[int, SnapshotData]:
    """(seq, data): the hall as it stands at event `seq`, read in one transaction."""
    hall: Hall = lookups.hall(session, hall_id)
    day = business_day(now, hall_zone(hall.timezone))
    windows: list[WindowView] = []
    for window in session.exec(
        select(Window).where(Window.hall_id == hall_id).order_by(col(Window.id))
    ):
        current = session.exec(
            select(Ticket).where(
                Ticket.window_id == window.id, col(Ticket.status).in_(list(ACTIVE_AT_WINDOW))
            )
        ).first()
        windows.append(
            WindowView(
                window_id=window.id or 0,
                window_number=window.number,
                service_ids=lookups.window_service_ids(session, window.id or 0),
                current_ticket_id=current.id if current else None,
                current_number=current.number if current else None,
                current_status=current.status if current else None,
                **lookups.window_staff(session, window),
            )
        )
    recent = session.exec(
        select(Event)
        .where(
            Event.hall_id == hall_id,
            col(Event.type).in_(["ticket.called", "ticket.recalled"]),
            col(Event.at) >= day_bounds(day, hall_zone(hall.timezone))[0],
        )
        .order_by(col(Event.seq).desc())
        .limit(10)
    )
    return hall.last_seq, SnapshotData(
        hall_id=hall_id,
        hall_name=hall.name,
        business_day=day.isoformat(),
        services=lookups.service_counts(session, hall_id, now),
        windows=windows,
        recent_calls=[
            RecentCall.model_validate({**e.data, "seq": e.seq, "type": e.type, "at": e.at})
            for e in recent
        ],
        notice=hall.notice,
    )
