"""Nightly maintenance's rollup step: every closed day of every hall that has tickets and
no valid rollup is rolled up (server/queries/stats/rollup.py). A module of its own so that
the serving process loads it, and numpy with it, only when the step runs."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, func, select
from sqlmodel import Session

from server.queries.stats.rollup import build_rollups, plan
from server.store.tables import Hall, Ticket


def rollup_closed_days(url: str, now: datetime) -> str:
    """Roll up every closed day of every hall that has tickets and no valid rollup."""
    from server.store.engine import make_engine

    engine = make_engine(url)
    try:
        built = 0
        for hall_id, zone, days in _cold_days(engine, now):
            built += len(build_rollups(engine, {hall_id: days}, zone, now))
        return f"{built} 天"
    finally:
        engine.dispose()


def _cold_days(engine: Engine, now: datetime) -> list[tuple[int, ZoneInfo, list[date]]]:
    out = []
    with Session(engine) as session:
        halls = session.execute(select(Hall.id, Hall.timezone)).all()  # type: ignore[call-overload]
        for hall_id, zone_name in halls:
            first = session.execute(
                select(func.min(Ticket.business_day)).where(Ticket.hall_id == hall_id)
            ).scalar()
            if first is None:
                continue
            zone = ZoneInfo(zone_name)
            todo = plan(session, (hall_id,), first, now.astimezone(zone).date(), zone, now)
            days = todo.cold.get(hall_id, [])
            if days:
                out.append((hall_id, zone, days))
    return out
