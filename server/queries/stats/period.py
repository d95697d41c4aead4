"""The computation behind indicators.compute (numpy: loaded only where statistics are
computed, never by `import server.app`): ticket facts (facts.py) from closed days' rollups
(rollup.py), today and any day not rolled up from the live tables.

No ticket becomes a Python object: the facts are columns of small integers, added up,
grouped and ranked with numpy (aggregate.py); Python only turns a few hundred sums into
rates (server/domain/indicators.py).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from typing import Any

import numpy as np
from sqlalchemy import Engine, select
from sqlmodel import Session

from server.domain.appointment_stats import (
    AppointmentFact,
    appointment_indicators,
    appointment_key,
)
from server.domain.indicators import (
    EMPTY_RANKED,
    ComplaintRecord,
    IndicatorRow,
    TicketSums,
    WindowTime,
    all_values,
    complaint_key,
    hour_label,
)
from server.queries.stats.aggregate import (
    Grouped,
    Targets,
    group_tickets,
    group_window_time,
    prepare,
)
from server.queries.stats.appointments import appointment_facts
from server.queries.stats.complaints import complaint_records
from server.queries.stats.facts import Facts, micros
from server.queries.stats.labels import Labels, load_labels
from server.queries.stats.rollup import period_facts
from server.queries.stats.scope import TOTAL, Indicators, Scope
from server.queries.stats.sql import SERVICE, STAFF


def _ticket_keys(facts: Facts, grouping: str) -> np.ndarray:
    if grouping == TOTAL:
        return np.zeros(facts.tickets, np.int64)
    return facts[GROUP_COLUMNS[grouping]]


def _window_keys(facts: Facts, grouping: str) -> np.ndarray:
    if grouping == TOTAL:
        return np.zeros(len(facts["w_us"]), np.int64)
    return facts["w_" + GROUP_COLUMNS[grouping]]


GROUP_COLUMNS = {
    "day": "day",
    "hour": "hour",
    "hall": "hall",
    "service": "service",
    "window": "window",
    "staff": "staff",
}
WINDOW_GROUPINGS = ("day", "hour", "hall", "window")


def _key(grouping: str, raw: int, staff_numbers: dict[int, str]) -> str:
    """The API's key of a group from the raw value of its column."""
    if grouping == TOTAL:
        return ""
    if grouping == "day":
        return date.fromordinal(raw).isoformat()
    if grouping == "hour":
        return f"{raw:02d}"
    if grouping in ("window", "staff") and raw == 0:
        return ""
    if grouping == "staff":
        return staff_numbers.get(raw, str(raw))
    return str(raw)


def _targets(session: Session, hall_ids: tuple[int, ...] | None) -> Targets:
    s = SERVICE.c
    query = select(s.id, s.target_wait_minutes, s.target_handle_minutes)
    if hall_ids is not None:
        query = query.where(s.hall_id.in_(hall_ids))
    return Targets.of({int(i): (int(w), int(h)) for i, w, h in session.execute(query)})


def _staff_numbers(session: Session) -> dict[int, str]:
    return {int(i): no for i, no in session.execute(select(STAFF.c.id, STAFF.c.staff_no))}


def _label(grouping: str, key: str, labels: Labels) -> str:
    if grouping == "day":
        return key
    if grouping == "hour":
        return hour_label(key)
    if grouping == "hall":
        return labels.halls.get(key, key)
    if grouping == "service":
        return labels.services.get(key, key) if key else "未关联业务"
    if grouping == "window":
        return labels.windows.get(key, key) if key else "未叫号"
    if grouping == "staff":
        return labels.staff.get(key, key) if key else "未叫号"
    raise ValueError(grouping)


def compute_period(
    session: Session,
    scope: Scope,
    groupings: Sequence[str],
    *,
    counts_basic: bool,
    max_cold_days: int | None = None,
    build: Engine | None = None,
) -> dict[str, Indicators]:
    """indicators.compute (which see)."""
    facts = period_facts(
        session,
        scope.hall_ids,
        scope.start,
        scope.end,
        scope.zone,
        scope.now,
        max_cold_days=max_cold_days,
        build=build,
    )
    staff_numbers = _staff_numbers(session)
    complaints = complaint_records(session, scope.hall_ids, scope.bounds[0], scope.bounds[1])
    appointments = appointment_facts(session, scope.hall_ids, scope.start, scope.end)
    labels = load_labels(session, scope.hall_ids)
    base = prepare(facts, _targets(session, scope.hall_ids), micros(scope.now))

    def by_key(grouping: str) -> tuple[Grouped[str], dict[str, WindowTime]]:
        grouped = group_tickets(base, _ticket_keys(facts, grouping))
        keyed: Grouped[str] = Grouped({}, {}, {})
        for raw, sums in grouped.sums.items():
            key = _key(grouping, raw, staff_numbers)
            keyed.sums[key] = sums
            keyed.waits[key] = grouped.waits[raw]
            keyed.handles[key] = grouped.handles[raw]
        times: dict[str, WindowTime] = {}
        if grouping in (*WINDOW_GROUPINGS, TOTAL):
            for raw, time in group_window_time(facts, _window_keys(facts, grouping)).items():
                times[_key(grouping, raw, staff_numbers)] = time
        return keyed, times

    def values(
        grouping: str,
        key: str,
        grouped: Grouped[str],
        times: dict[str, WindowTime],
        mine: list[Any],
        booked: list[AppointmentFact],
    ) -> Any:
        found = all_values(
            grouped.sums.get(key, TicketSums()),
            grouped.waits.get(key, EMPTY_RANKED),
            grouped.handles.get(key, EMPTY_RANKED),
            times.get(key) if grouping in (*WINDOW_GROUPINGS, TOTAL) else None,
            mine,
            scope.as_of,
            counts_basic=counts_basic,
        )
        found.update(appointment_indicators(booked, scope.as_of))
        return found

    grouped, times = by_key(TOTAL)
    total = values(TOTAL, "", grouped, times, complaints, appointments)
    result: dict[str, Indicators] = {}
    for grouping in groupings:
        grouped, times = by_key(grouping)
        mine: dict[str, list[ComplaintRecord]] = defaultdict(list)
        for c in complaints:
            mine[complaint_key(c, grouping, scope.zone)].append(c)
        booked: dict[str, list[AppointmentFact]] = defaultdict(list)
        for a in appointments:
            booked[appointment_key(a, grouping, scope.zone)].append(a)
        keys = set(grouped.sums) | set(mine) | set(times) | set(booked)
        rows = [
            IndicatorRow(
                key,
                _label(grouping, key, labels),
                values(grouping, key, grouped, times, mine[key], booked[key]),
            )
            for key in sorted(keys)
        ]
        result[grouping] = Indicators(grouping, total, rows)
    result[TOTAL] = Indicators(TOTAL, total, [])
    return result
