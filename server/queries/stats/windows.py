"""Open and paused time of the windows in a period, from their window.status events.

Bounded by the period: the events inside it (index `ix_event_hall_type_at`), plus each
window's state at the start — its current state if that has held since before the start,
else the last change before the start, looked for at most LOOKBACK back (a window with no
change for that long is taken as closed).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy import and_, select
from sqlmodel import Session

from server.domain.indicators import WindowActivity, replay_window
from server.queries.stats.sql import EVENT, WINDOW, instant

LOOKBACK = timedelta(days=31)
WINDOW_STATUS = "window.status"


def _change(data: dict[str, object]) -> tuple[str, str]:
    return str(data.get("state") or "closed"), str(data.get("pause_reason") or "")


def window_activities(
    session: Session,
    hall_ids: tuple[int, ...] | None,
    start: datetime,
    end: datetime,
    now: datetime,
) -> list[WindowActivity]:
    end = min(end, now)
    if end <= start:
        return []
    w, e = WINDOW.c, EVENT.c
    windows_query = select(w.id, w.number, w.hall_id, w.state, w.pause_reason, w.state_since)
    events_query = (
        select(e.at, e.data)
        .where(and_(e.type == WINDOW_STATUS, e.at >= instant(start), e.at < instant(end)))
        .order_by(e.hall_id, e.seq)
    )
    if hall_ids is not None:
        windows_query = windows_query.where(w.hall_id.in_(hall_ids))
        events_query = events_query.where(e.hall_id.in_(hall_ids))
    windows = list(session.execute(windows_query.order_by(w.id)))
    changes: dict[int, list[tuple[datetime, str, str]]] = defaultdict(list)
    for at, data in session.execute(events_query):
        window_id = data.get("window_id")
        if isinstance(window_id, int):
            changes[window_id].append((at, *_change(data)))
    initial: dict[int, tuple[str, str]] = {}
    unresolved: set[int] = set()
    for row in windows:
        if row.state_since is None or row.state_since <= start:
            initial[row.id] = (row.state, row.pause_reason or "")
        else:
            unresolved.add(row.id)
    if unresolved:
        halls = sorted({row.hall_id for row in windows if row.id in unresolved})
        lookback = (
            select(e.data)
            .where(
                and_(
                    e.hall_id.in_(halls),
                    e.type == WINDOW_STATUS,
                    e.at < instant(start),
                    e.at >= instant(start - LOOKBACK),
                )
            )
            .order_by(e.at.desc(), e.seq.desc())
        )
        for (data,) in session.execute(lookback.execution_options(yield_per=1000)):
            window_id = data.get("window_id")
            if window_id in unresolved:
                initial[window_id] = _change(data)
                unresolved.discard(window_id)
                if not unresolved:
                    break
    return [
        replay_window(
            row.id,
            row.number,
            row.hall_id,
            initial.get(row.id, ("closed", "")),
            changes.get(row.id, []),
            start,
            end,
        )
        for row in windows
    ]
