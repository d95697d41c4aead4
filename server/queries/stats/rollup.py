"""Rollups of closed business days (table stats_day): each day's ticket facts, packed once.

A day is *closed* once it ended GRACE ago; from then on its facts change only when something
lands on it late — a rating given the next day, a rectification or its follow-up, a ticket
finished or cancelled after midnight. Each of those writes bumps the day's `changes` in its
own transaction (server/commands/stats_marks.py). A rollup records the `changes` it was
built from, read before the facts: it is used only while the two are equal, so a late write
that raced with a build is never lost — the day is simply read live until rebuilt.

What depends on the read time is not rolled up but kept as instants (tickets never called,
open rectifications) and compared at read time; window time of a closed day is fixed; the
complaints, few, are always read live. Today is always read live.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, and_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from server.domain.calendar import day_bounds
from server.domain.indicators import period_days
from server.queries.stats.facts import Facts, live_facts, pack
from server.queries.stats.indicators import ColdPeriod
from server.queries.stats.sql import HALL
from server.store.tables import StatsDay

FORMAT = 1  # bump when the packed facts change: older rollups are rebuilt
GRACE = timedelta(minutes=10)
BUILD_DAYS = 7  # days per query when building (bounded memory)

STATS_DAY: Any = StatsDay.__table__  # type: ignore[attr-defined]


def is_closed(day: date, zone: ZoneInfo, now: datetime) -> bool:
    return day_bounds(day, zone)[1] + GRACE <= now


def hall_ids_of(session: Session, hall_ids: tuple[int, ...] | None) -> list[int]:
    if hall_ids is not None:
        return sorted(hall_ids)
    return [int(h) for h in session.execute(select(HALL.c.id).order_by(HALL.c.id)).scalars()]


@dataclass(frozen=True)
class Plan:
    """Which (hall, day) of a period come from a rollup and which are read live."""

    cached: dict[tuple[int, int], bytes]
    cold: dict[int, list[date]]  # closed, without a valid rollup
    open: dict[int, list[date]]  # not closed yet (today): always live

    @property
    def cold_days(self) -> int:
        return sum(len(days) for days in self.cold.values())


def plan(
    session: Session,
    hall_ids: tuple[int, ...] | None,
    start: date,
    end: date,
    zone: ZoneInfo,
    now: datetime,
) -> Plan:
    halls = hall_ids_of(session, hall_ids)
    s = STATS_DAY.c
    rows = session.execute(
        select(s.hall_id, s.business_day, s.facts).where(
            s.hall_id.in_(halls),
            s.business_day >= start,
            s.business_day <= end,
            s.facts.is_not(None),
            s.built_changes == s.changes,
            s.format == FORMAT,
            s.zone == zone.key,
        )
    )
    cached = {(int(h), d.toordinal()): bytes(blob) for h, d, blob in rows}
    cold: dict[int, list[date]] = {}
    opened: dict[int, list[date]] = {}
    for day in period_days(start, end):
        if day_bounds(day, zone)[0] > now:
            continue  # the future: nothing yet
        closed = is_closed(day, zone, now)
        for hall_id in halls:
            if closed and (hall_id, day.toordinal()) in cached:
                continue
            (cold if closed else opened).setdefault(hall_id, []).append(day)
    cached = {
        key: blob for key, blob in cached.items() if is_closed(date.fromordinal(key[1]), zone, now)
    }
    return Plan(cached, cold, opened)


def period_facts(
    session: Session,
    hall_ids: tuple[int, ...] | None,
    start: date,
    end: date,
    zone: ZoneInfo,
    now: datetime,
    *,
    max_cold_days: int | None = None,
    build: Engine | None = None,
) -> Facts:
    """The facts of a period: rollups where valid, the rest live. With `build`, the closed
    days without a valid rollup are rolled up (and stored) on the way; with
    `max_cold_days`, more of them than that raise ColdPeriod instead of being read live."""
    todo = plan(session, hall_ids, start, end, zone, now)
    if max_cold_days is not None and build is None and todo.cold_days > max_cold_days:
        raise ColdPeriod(todo.cold_days)
    parts: dict[tuple[int, int], Facts | bytes] = dict(todo.cached)  # unpacked by concat
    if build is not None:
        parts.update(build_rollups(build, todo.cold, zone, now))
    else:
        parts.update(live_facts(session, todo.cold, zone, now))
    parts.update(live_facts(session, todo.open, zone, now))
    return Facts.concat([parts[key] for key in sorted(parts)])


def _chunks(hall_days: dict[int, list[date]]) -> Iterator[dict[int, list[date]]]:
    for hall_id, days in hall_days.items():
        ordered = sorted(days)
        for i in range(0, len(ordered), BUILD_DAYS):
            yield {hall_id: ordered[i : i + BUILD_DAYS]}


def _upsert(dialect: str) -> Any:
    return (postgresql if dialect == "postgresql" else sqlite).insert(STATS_DAY)


def build_rollups(
    engine: Engine, hall_days: dict[int, list[date]], zone: ZoneInfo, now: datetime
) -> dict[tuple[int, int], Facts]:
    """Roll up the given closed days (a few days per query), each stored in its own short
    transaction; returns their facts."""
    s = STATS_DAY.c
    built: dict[tuple[int, int], Facts] = {}
    dialect = engine.dialect.name
    for chunk in _chunks(hall_days):
        ((hall_id, days),) = chunk.items()
        days = [d for d in days if is_closed(d, zone, now)]
        if not days:
            continue
        with Session(engine) as session:
            # the changes counters first, then the facts (see the module's docstring)
            seen = dict(
                session.execute(
                    select(s.business_day, s.changes).where(
                        and_(s.hall_id == hall_id, s.business_day.in_(days))
                    )
                ).all()
            )
            facts = live_facts(session, {hall_id: days}, zone, now)
        for day in days:
            key = (hall_id, day.toordinal())
            values = {
                "built_changes": int(seen.get(day, 0)),
                "format": FORMAT,
                "zone": zone.key,
                "built_at": now,
                "tickets": facts[key].tickets,
                "facts": pack(facts[key]),
            }
            statement = _upsert(dialect).values(
                hall_id=hall_id, business_day=day, changes=0, **values
            )
            statement = statement.on_conflict_do_update(
                index_elements=["hall_id", "business_day"], set_=values
            )
            with engine.begin() as conn:
                conn.execute(statement)
            built[key] = facts[key]
    return built
