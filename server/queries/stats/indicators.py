"""The indicators of a period, added up in SQL (one scan for the sums, one per distribution).

No ticket becomes a Python object: the database returns one row of sums per group (at the
finest grouping asked for) and, for the medians and P90s, only the values at the ranks
needed. Every query is bounded by the period (index `ix_ticket_hall_day_issued`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session

from server.domain.calendar import day_bounds
from server.domain.enums import Outcome, TicketStatus
from server.domain.indicators import (
    EMPTY_RANKED,
    ComplaintRecord,
    IndicatorRow,
    Ranked,
    TicketSums,
    WindowTime,
    all_values,
    complaint_key,
    hour_label,
    window_time,
)
from server.queries.stats.complaints import complaint_records
from server.queries.stats.labels import Labels, load_labels
from server.queries.stats.sql import (
    EVALUATION,
    RECTIFICATION,
    SERVICE,
    STAFF,
    TICKET,
    instant,
    local_hour,
    raw_seconds_between,
    seconds_between,
)
from server.queries.stats.windows import window_activities

TOTAL = "total"


@dataclass(frozen=True)
class Scope:
    """One hall (or every hall: `hall_ids` None) over business days start..end."""

    hall_ids: tuple[int, ...] | None
    start: date
    end: date
    now: datetime
    zone: ZoneInfo

    @property
    def bounds(self) -> tuple[datetime, datetime]:
        return day_bounds(self.start, self.zone)[0], day_bounds(self.end, self.zone)[1]

    @property
    def as_of(self) -> datetime:
        return min(self.now, self.bounds[1])


@dataclass
class Indicators:
    grouping: str
    total: dict[str, Any]
    rows: list[IndicatorRow]


def _ticket_filter(scope: Scope) -> ColumnElement[bool]:
    t = TICKET.c
    period = and_(t.business_day >= scope.start, t.business_day <= scope.end)
    if scope.hall_ids is None:
        return period
    if len(scope.hall_ids) == 1:
        return and_(t.hall_id == scope.hall_ids[0], period)
    return and_(t.hall_id.in_(scope.hall_ids), period)


def _from(groupings: Sequence[str], *, ratings: bool = True) -> Any:
    """Tickets with their service (targets); ratings and staff joined only when needed."""
    t, e = TICKET.c, EVALUATION.c
    source = TICKET.join(SERVICE, SERVICE.c.id == t.service_id) if ratings else TICKET
    if ratings:
        source = source.outerjoin(EVALUATION, e.ticket_id == t.id).outerjoin(
            RECTIFICATION, RECTIFICATION.c.evaluation_id == e.id
        )
    if "staff" in groupings:
        source = source.outerjoin(STAFF, STAFF.c.id == t.staff_id)
    return source


def _dimension(grouping: str, dialect: str, scope: Scope) -> ColumnElement[Any]:
    t = TICKET.c
    if grouping == "day":
        return t.business_day
    if grouping == "hour":
        start, end = scope.bounds
        return local_hour(dialect, t.issued_at, scope.zone, start, end)
    if grouping == "hall":
        return t.hall_id
    if grouping == "service":
        return t.service_id
    if grouping == "window":
        return t.window_id
    if grouping == "staff":
        return STAFF.c.staff_no
    raise ValueError(f"unknown grouping {grouping!r}")


def _key(grouping: str, raw: Any) -> str:
    if raw is None:
        return ""
    if grouping == "day":
        return raw.isoformat() if isinstance(raw, date) else str(raw)
    if grouping == "hour":
        return f"{int(raw):02d}"
    return str(raw)


def _sum_columns(dialect: str, now: datetime) -> list[ColumnElement[Any]]:
    t, s, e, r = TICKET.c, SERVICE.c, EVALUATION.c, RECTIFICATION.c
    called = t.called_at.is_not(None)
    done = t.status == TicketStatus.done.value
    waiting_uncalled = and_(t.called_at.is_(None), t.status == TicketStatus.waiting.value)
    wait = seconds_between(dialect, t.entered_queue_at, t.called_at)
    handle = case((done, seconds_between(dialect, t.serving_started_at, t.finished_at)))
    handle0 = func.coalesce(handle, 0)
    bad = e.level <= 2
    now_ = instant(now)

    def count(condition: Any) -> ColumnElement[Any]:
        return func.sum(case((condition, 1), else_=0))

    columns: dict[str, ColumnElement[Any]] = {
        "issued": func.count(),
        "served": count(done),
        "called": count(called),
        "never_called_waiting": count(waiting_uncalled),
        "wait_sum": func.sum(wait),
        "wait_max": func.max(wait),
        "over_wait": count(
            or_(
                and_(called, wait > s.target_wait_minutes * 60),
                and_(
                    waiting_uncalled,
                    raw_seconds_between(dialect, t.entered_queue_at, now_)
                    > s.target_wait_minutes * 60,
                ),
            )
        ),
        "handle_count": func.count(handle),
        "handle_sum": func.sum(handle),
        "handle_max": func.max(handle),
        "on_time_handle": count(and_(done, handle0 <= s.target_handle_minutes * 60)),
        "over_target_handle": count(and_(done, handle0 > s.target_handle_minutes * 60)),
        "evaluated": func.count(e.level),
        "level_sum": func.sum(e.level),
        "level_5": count(e.level == 5),
        "level_4": count(e.level == 4),
        "level_3": count(e.level == 3),
        "bad": count(bad),
        "rectified": count(and_(bad, r.closed_at.is_not(None))),
        "rectified_on_time": count(and_(bad, r.closed_at <= r.deadline)),
        "rectification_due": count(and_(bad, or_(r.closed_at.is_not(None), r.deadline < now_))),
        "followed_up": count(and_(bad, r.followup_at.is_not(None))),
        "no_show_once": count(and_(called, t.no_show_count > 0)),
        "abandoned": count(t.status.in_([TicketStatus.waiting.value, TicketStatus.no_show.value])),
        "transferred": count(t.status == TicketStatus.transferred.value),
    }
    for outcome in Outcome:
        columns[f"outcome_{outcome.value}"] = count(and_(done, t.outcome == outcome.value))
    assert set(columns) == set(TicketSums.columns())
    return [expr.label(name) for name, expr in columns.items()]


def _add(into: TicketSums, row: TicketSums) -> None:
    for f in fields(TicketSums):
        a, b = getattr(into, f.name), getattr(row, f.name)
        if f.name.endswith("_max"):
            setattr(into, f.name, b if a is None else a if b is None else max(a, b))
        else:
            setattr(into, f.name, a + b)


def _group_sums(
    session: Session, scope: Scope, groupings: Sequence[str], dialect: str
) -> dict[str, dict[str, TicketSums]]:
    """Sums by key for each grouping (and TOTAL), from one scan grouped at the finest level."""
    dims = [_dimension(g, dialect, scope).label(f"g_{g}") for g in groupings]
    query = select(*dims, *_sum_columns(dialect, scope.now)).select_from(_from(groupings))
    query = query.where(_ticket_filter(scope))
    if dims:
        query = query.group_by(*dims)
    result: dict[str, dict[str, TicketSums]] = {g: {} for g in (*groupings, TOTAL)}
    for row in session.execute(query):
        sums = TicketSums.from_row(row)
        if not sums.issued:
            continue
        for grouping in (*groupings, TOTAL):
            key = "" if grouping == TOTAL else _key(grouping, getattr(row, f"g_{grouping}"))
            bucket = result[grouping].setdefault(key, TicketSums())
            _add(bucket, sums)
            bucket.__post_init__()
    return result


def _ranked(
    session: Session,
    scope: Scope,
    groupings: Sequence[str],
    dialect: str,
    value: ColumnElement[Any],
    condition: ColumnElement[bool],
) -> dict[str, dict[str, Ranked]]:
    """Values at the median and P90 ranks of `value`, by key for each grouping and TOTAL."""
    names = [*groupings, TOTAL]
    dims = {g: _dimension(g, dialect, scope) for g in groupings}
    inner_columns: list[Any] = [value.label("v")]
    for g in names:
        partition = [dims[g]] if g != TOTAL else []
        inner_columns.append(
            func.row_number().over(partition_by=partition, order_by=value).label(f"rn_{g}")
        )
        inner_columns.append(func.count().over(partition_by=partition).label(f"n_{g}"))
        if g != TOTAL:
            inner_columns.append(dims[g].label(f"g_{g}"))
    inner = (
        select(*inner_columns)
        .select_from(_from(groupings, ratings=False))
        .where(_ticket_filter(scope), condition, value.is_not(None))
        .subquery()
    )
    wanted = []
    for g in names:
        rn, n = inner.c[f"rn_{g}"], inner.c[f"n_{g}"]
        wanted.append(or_(rn == (n + 1) // 2, rn == n // 2 + 1, rn == (n * 9 + 9) // 10))
    found: dict[str, dict[str, dict[int, int]]] = {g: defaultdict(dict) for g in names}
    counts: dict[str, dict[str, int]] = {g: {} for g in names}
    for row in session.execute(select(inner).where(or_(*wanted))):
        for g in names:
            key = "" if g == TOTAL else _key(g, getattr(row, f"g_{g}"))
            counts[g][key] = int(getattr(row, f"n_{g}"))
            found[g][key][int(getattr(row, f"rn_{g}"))] = int(row.v)
    return {g: {k: Ranked(counts[g][k], found[g][k]) for k in found[g]} for g in names}


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


def compute(
    session: Session, scope: Scope, groupings: Sequence[str], *, counts_basic: bool
) -> dict[str, Indicators]:
    """Every indicator of the period, for each grouping asked for (and the total)."""
    dialect = session.get_bind().dialect.name
    t = TICKET.c
    sums = _group_sums(session, scope, groupings, dialect)
    waits = _ranked(
        session,
        scope,
        groupings,
        dialect,
        seconds_between(dialect, t.entered_queue_at, t.called_at),
        t.called_at.is_not(None),
    )
    handles = _ranked(
        session,
        scope,
        groupings,
        dialect,
        seconds_between(dialect, t.serving_started_at, t.finished_at),
        t.status == TicketStatus.done.value,
    )
    activities = window_activities(
        session, scope.hall_ids, scope.bounds[0], scope.bounds[1], scope.now
    )
    complaints = complaint_records(session, scope.hall_ids, scope.bounds[0], scope.bounds[1])
    labels = load_labels(session, scope.hall_ids)
    window_groupings = ("day", "hour", "hall", "window")

    def values(grouping: str, key: str, times: dict[str, WindowTime], mine: list[Any]) -> Any:
        return all_values(
            sums[grouping].get(key, TicketSums()),
            waits[grouping].get(key, EMPTY_RANKED),
            handles[grouping].get(key, EMPTY_RANKED),
            times.get(key) if grouping in (*window_groupings, TOTAL) else None,
            mine,
            scope.as_of,
            counts_basic=counts_basic,
        )

    total = values(TOTAL, "", window_time(activities, None, scope.zone), complaints)
    result: dict[str, Indicators] = {}
    for grouping in groupings:
        times = window_time(activities, grouping, scope.zone)
        by_key: dict[str, list[ComplaintRecord]] = defaultdict(list)
        for c in complaints:
            by_key[complaint_key(c, grouping, scope.zone)].append(c)
        keys = set(sums[grouping]) | set(by_key)
        if grouping in window_groupings:
            keys |= set(times)
        rows = [
            IndicatorRow(
                key, _label(grouping, key, labels), values(grouping, key, times, by_key[key])
            )
            for key in sorted(keys)
        ]
        result[grouping] = Indicators(grouping, total, rows)
    result[TOTAL] = Indicators(TOTAL, total, [])
    return result
