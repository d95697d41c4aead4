"""What the staffing plan reads of a hall: its services and windows as they are set up now,
the period's tickets (when each entered the queue, and the window time each took), and the
windows' open time on one day (the current staffing).

Plain SELECTs on both SQLite and PostgreSQL; local times are computed here, in Python.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Table, and_, func, select
from sqlmodel import Session

from server.domain.calendar import ServiceHours, day_bounds
from server.domain.enums import Priority
from server.domain.planning.history import PastTicket
from server.queries.stats.sql import EVENT, SERVICE, TICKET, WINDOW, instant
from server.queries.stats.windows import window_activities
from server.store.tables import WindowService

WINDOW_SERVICE: Table = WindowService.__table__  # type: ignore[attr-defined]
NO_SHOW = "ticket.no_show"


@dataclass(frozen=True)
class ServiceRow:
    service_id: int
    name: str
    prefix: str
    target_wait_minutes: int
    issue_hours: tuple[tuple[float, float], ...]  # seconds of the day; empty = all day
    enabled: bool


@dataclass(frozen=True)
class WindowRow:
    window_id: int
    number: str
    service_ids: tuple[int, ...]  # in the window's order


def services(session: Session, hall_id: int) -> list[ServiceRow]:
    s = SERVICE.c
    rows = session.execute(
        select(s.id, s.name, s.prefix, s.target_wait_minutes, s.hours, s.enabled)
        .where(s.hall_id == hall_id)
        .order_by(s.prefix)
    )
    out = []
    for service_id, name, prefix, target, hours, enabled in rows:
        periods = ServiceHours.parse(hours).periods
        out.append(
            ServiceRow(
                service_id,
                name,
                prefix,
                int(target),
                tuple((_seconds(a), _seconds(b)) for a, b in periods),
                bool(enabled),
            )
        )
    return out


def windows(session: Session, hall_id: int) -> list[WindowRow]:
    w, ws = WINDOW.c, WINDOW_SERVICE.c
    ranked: dict[int, list[int]] = defaultdict(list)
    rows = session.execute(
        select(ws.window_id, ws.service_id)
        .join(WINDOW, w.id == ws.window_id)
        .where(w.hall_id == hall_id)
        .order_by(ws.window_id, ws.rank, ws.service_id)
    )
    for window_id, service_id in rows:
        ranked[window_id].append(service_id)
    found = session.execute(select(w.id, w.number).where(w.hall_id == hall_id).order_by(w.id))
    return [WindowRow(i, n, tuple(ranked.get(i, ()))) for i, n in found]


def past_tickets(
    session: Session, hall_id: int, start: date, end: date, zone: ZoneInfo
) -> list[PastTicket]:
    """The tickets of business days start..end, with the window time each took: from the call
    it was served on (walking up included) to its end — finished or transferred — plus, for
    one that missed a call (过号), that call up to the no-show."""
    t = TICKET.c
    rows = session.execute(
        select(
            t.id,
            t.service_id,
            t.business_day,
            # arrived when it first joined the queue (扫码过号重排 moves its place, not that)
            func.coalesce(t.first_entered_queue_at, t.entered_queue_at),
            t.priority,
            t.called_at,
            t.last_called_at,
            t.serving_started_at,
            t.finished_at,
            t.no_show_count,
        )
        .where(and_(t.hall_id == hall_id, t.business_day >= start, t.business_day <= end))
        .order_by(t.business_day, t.id)
    )
    tickets = list(rows)
    no_shows = _first_no_shows(session, hall_id, start, end, zone)
    midnight: dict[date, datetime] = {}
    out = []
    for (
        ticket_id,
        service_id,
        day,
        entered,
        priority,
        called,
        last_called,
        started,
        finished,
        no_show_count,
    ) in tickets:
        if day not in midnight:
            midnight[day] = datetime.combine(day, time(), tzinfo=zone)
        queued = (entered - midnight[day]).total_seconds()
        occupancy: float | None = None
        if started is not None and finished is not None and last_called is not None:
            occupancy = (finished - last_called).total_seconds()
        if no_show_count and called is not None and ticket_id in no_shows:
            missed = (no_shows[ticket_id] - called).total_seconds()
            occupancy = (occupancy or 0.0) + max(0.0, missed)
        out.append(
            PastTicket(
                int(service_id),
                day,
                min(max(queued, 0.0), 86_399.0),
                priority != Priority.normal.value,
                occupancy,
            )
        )
    return out


def _first_no_shows(
    session: Session, hall_id: int, start: date, end: date, zone: ZoneInfo
) -> dict[int, datetime]:
    e = EVENT.c
    lo, hi = day_bounds(start, zone)[0], day_bounds(end + timedelta(days=1), zone)[1]
    first: dict[int, datetime] = {}
    rows = session.execute(
        select(e.at, e.data)
        .where(
            and_(e.hall_id == hall_id, e.type == NO_SHOW, e.at >= instant(lo), e.at < instant(hi))
        )
        .order_by(e.seq)
    )
    for at, data in rows:
        ticket_id = data.get("ticket_id") if isinstance(data, dict) else None
        if isinstance(ticket_id, int) and ticket_id not in first:
            first[ticket_id] = at
    return first


def open_time_by_day(
    session: Session, hall_id: int, start: date, end: date, zone: ZoneInfo, now: datetime
) -> dict[date, dict[int, tuple[tuple[float, float], ...]]]:
    """Each day's open (serving, not paused) intervals per window, in seconds of that day."""
    lo, hi = day_bounds(start, zone)[0], day_bounds(end, zone)[1]
    days: dict[date, dict[int, list[tuple[float, float]]]] = defaultdict(lambda: defaultdict(list))
    for activity in window_activities(session, (hall_id,), lo, hi, now):
        for a, b in activity.open_intervals:
            local_a, local_b = a.astimezone(zone), b.astimezone(zone)
            day = local_a.date()
            while day <= local_b.date():
                midnight = datetime.combine(day, time(), tzinfo=zone)
                piece_a = max(local_a, midnight)
                piece_b = min(local_b, midnight + timedelta(days=1))
                if piece_b > piece_a:
                    days[day][activity.window_id].append(
                        ((piece_a - midnight).total_seconds(), (piece_b - midnight).total_seconds())
                    )
                day += timedelta(days=1)
    return {
        day: {w: tuple(sorted(spans)) for w, spans in by_window.items()}
        for day, by_window in days.items()
    }


def _seconds(t: time) -> float:
    return t.hour * 3600.0 + t.minute * 60.0 + t.second
