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

A rollup also keeps the day's 差评整改 records for the export's sheet (rect_records.py): the
stored blob is the packed facts, then the packed records (`_SPLIT` gives where they meet).
"""

from __future__ import annotations

import struct
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
from server.queries.stats.facts import Facts, Packed, live_facts, pack
from server.queries.stats.rect_records import (
    Record,
    in_order,
    live_records,
    pack_records,
    unpack_records,
)
from server.queries.stats.scope import ColdPeriod
from server.queries.stats.sql import HALL
from server.store.tables import StatsDay

FORMAT = 3  # bump when the packed facts change: older rollups are rebuilt
GRACE = timedelta(minutes=10)
BUILD_DAYS = 7  # days per query when building (bounded memory)

STATS_DAY: Any = StatsDay.__table__  # type: ignore[attr-defined]
_SPLIT = struct.Struct("<Q")  # length of the packed facts, before the packed records


def _stored(facts: bytes, records: bytes) -> bytes:
    return _SPLIT.pack(len(facts)) + facts + records


def _parts(blob: bytes) -> tuple[memoryview, memoryview]:
    """(packed facts, packed records) of a stored rollup: views into it, not copies (a
    year's rollups are 50 MB)."""
    (size,) = _SPLIT.unpack_from(blob)
    end = _SPLIT.size + size
    view = memoryview(blob)
    return view[_SPLIT.size : end], view[end:]


def is_closed(day: date, zone: ZoneInfo, now: datetime) -> bool:
    return day_bounds(day, zone)[1] + GRACE <= now


def hall_ids_of(session: Session, hall_ids: tuple[int, ...] | None) -> list[int]:
    if hall_ids is not None:
        return sorted(hall_ids)
    return [int(h) for h in session.execute(select(HALL.c.id).order_by(HALL.c.id)).scalars()]


@dataclass(frozen=True)
class Plan:
    """Which (hall, day) of a period come from a rollup and which are read live."""

    cached: dict[tuple[int, int], Packed]  # packed facts
    records: dict[tuple[int, int], Packed]  # packed 差评整改 records, same keys
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
    stored = {(int(h), d.toordinal()): _parts(bytes(blob)) for h, d, blob in rows}
    cold: dict[int, list[date]] = {}
    opened: dict[int, list[date]] = {}
    for day in period_days(start, end):
        if day_bounds(day, zone)[0] > now:
            continue  # the future: nothing yet
        closed = is_closed(day, zone, now)
        for hall_id in halls:
            if closed and (hall_id, day.toordinal()) in stored:
                continue
            (cold if closed else opened).setdefault(hall_id, []).append(day)
    stored = {
        key: parts
        for key, parts in stored.items()
        if is_closed(date.fromordinal(key[1]), zone, now)
    }
    return Plan(
        {key: facts for key, (facts, _) in stored.items()},
        {key: records for key, (_, records) in stored.items()},
        cold,
        opened,
    )


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
    parts: dict[tuple[int, int], Facts | Packed] = dict(todo.cached)  # unpacked by concat
    if build is not None:
        parts.update(build_rollups(build, todo.cold, zone, now))
    else:
        parts.update(live_facts(session, todo.cold, zone, now))
    parts.update(live_facts(session, todo.open, zone, now))
    return Facts.concat([parts[key] for key in sorted(parts)])


def period_records(
    session: Session,
    hall_ids: tuple[int, ...] | None,
    start: date,
    end: date,
    zone: ZoneInfo,
    now: datetime,
) -> list[Record]:
    """The 差评整改 records of the tickets of the period, oldest first: closed days from their
    rollups, the rest live."""
    todo = plan(session, hall_ids, start, end, zone, now)
    live: dict[int, list[date]] = {}
    for hall_days in (todo.cold, todo.open):
        for hall_id, days in hall_days.items():
            live.setdefault(hall_id, []).extend(days)
    parts = [unpack_records(packed) for packed in todo.records.values()]
    return in_order([*parts, *live_records(session, live).values()])


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
            records = live_records(session, {hall_id: days})
        for day in days:
            key = (hall_id, day.toordinal())
            values = {
                "built_changes": int(seen.get(day, 0)),
                "format": FORMAT,
                "zone": zone.key,
                "built_at": now,
                "tickets": facts[key].tickets,
                "facts": _stored(pack(facts[key]), pack_records(records[key])),
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
