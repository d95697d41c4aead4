"""The GB/T 32169 window-service indicators, computed from ticket-level records.

Formulas are those of shared INDICATORS.md; every figure can be recomputed by hand from
the ticket-level export (明细). Times are whole seconds; rates are fractions 0..1 or None
when the denominator is zero.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from .enums import Outcome, TicketStatus


@dataclass(frozen=True)
class TicketRecord:
    ticket_id: int
    number: str
    service_id: int
    service_name: str
    business_day: date
    issued_at: datetime
    entered_queue_at: datetime
    called_at: datetime | None
    serving_started_at: datetime | None
    finished_at: datetime | None
    status: TicketStatus
    outcome: Outcome | None
    window_id: int | None
    window_number: str | None
    staff_no: str | None
    staff_name: str | None
    no_show_count: int
    transferred: bool
    target_wait_minutes: int
    target_handle_minutes: int
    evaluation_level: int | None = None
    rectification_closed_at: datetime | None = None
    rectification_deadline: datetime | None = None
    followed_up: bool = False
    source: str = "kiosk"
    priority: str = "normal"
    recall_count: int = 0
    transferred_to: str | None = None

    @property
    def wait_seconds(self) -> int | None:
        return _seconds(self.entered_queue_at, self.called_at)

    @property
    def walk_seconds(self) -> int | None:
        return _seconds(self.called_at, self.serving_started_at)

    @property
    def handle_seconds(self) -> int | None:
        if self.status != TicketStatus.done:
            return None
        return _seconds(self.serving_started_at, self.finished_at)

    @property
    def total_seconds(self) -> int | None:
        if self.status != TicketStatus.done:
            return None
        return _seconds(self.entered_queue_at, self.finished_at)


@dataclass(frozen=True)
class WindowActivity:
    """Open (serving, not paused) and paused intervals of one window, already clipped."""

    window_id: int
    window_number: str
    open_intervals: Sequence[tuple[datetime, datetime]] = ()
    pauses: Sequence[tuple[datetime, datetime, str]] = ()  # start, end, reason


@dataclass
class IndicatorRow:
    key: str
    label: str
    values: dict[str, Any] = field(default_factory=dict)


GROUPINGS = ("day", "hour", "service", "window", "staff")


def _seconds(start: datetime | None, end: datetime | None) -> int | None:
    if start is None or end is None:
        return None
    return round((end - start).total_seconds())


def _rate(numerator: int, denominator: int) -> float | None:
    return None if denominator == 0 else numerator / denominator


def percentile_nearest_rank(values: Sequence[int], fraction: float) -> int | None:
    """The smallest value with at least `fraction` of the values at or below it."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def _distribution(prefix: str, values: Sequence[int]) -> dict[str, Any]:
    return {
        f"{prefix}_count": len(values),
        f"{prefix}_avg_s": round(statistics.fmean(values), 1) if values else None,
        f"{prefix}_median_s": statistics.median(values) if values else None,
        f"{prefix}_p90_s": percentile_nearest_rank(values, 0.9),
        f"{prefix}_max_s": max(values) if values else None,
    }


def efficiency(records: Sequence[TicketRecord], now: datetime) -> dict[str, Any]:
    called = [r for r in records if r.called_at is not None]
    never_called = [r for r in records if r.called_at is None and r.status == TicketStatus.waiting]
    finished = [r for r in records if r.status == TicketStatus.done]
    waits = [r.wait_seconds for r in called if r.wait_seconds is not None]
    handles = [r.handle_seconds for r in finished if r.handle_seconds is not None]
    over_wait = sum(1 for r in called if (r.wait_seconds or 0) > r.target_wait_minutes * 60)
    over_wait += sum(
        1
        for r in never_called
        if (now - r.entered_queue_at).total_seconds() > r.target_wait_minutes * 60
    )
    on_time = sum(1 for r in finished if (r.handle_seconds or 0) <= r.target_handle_minutes * 60)
    return {
        "issued": len(records),
        "served": len(finished),
        **_distribution("wait", waits),
        "over_target_wait": over_wait,
        "over_target_wait_rate": _rate(over_wait, len(called) + len(never_called)),
        **_distribution("handle", handles),
        "on_time_handle_rate": _rate(on_time, len(finished)),
    }


def satisfaction(
    records: Sequence[TicketRecord], now: datetime, *, counts_basic: bool = True
) -> dict[str, Any]:
    finished = [r for r in records if r.status == TicketStatus.done]
    levels = [r.evaluation_level for r in records if r.evaluation_level is not None]
    bad = [r for r in records if r.evaluation_level is not None and r.evaluation_level <= 2]
    satisfied_floor = 3 if counts_basic else 4
    rectified = [r for r in bad if r.rectification_closed_at is not None]
    on_time = [
        r
        for r in rectified
        if r.rectification_deadline is not None
        and r.rectification_closed_at is not None
        and r.rectification_closed_at <= r.rectification_deadline
    ]
    due = [
        r
        for r in bad
        if r.rectification_closed_at is not None
        or (r.rectification_deadline is not None and r.rectification_deadline < now)
    ]
    return {
        "evaluated": len(levels),
        "evaluated_rate": _rate(len(levels), len(finished)),
        "satisfaction_rate": _rate(sum(1 for v in levels if v >= satisfied_floor), len(levels)),
        "very_satisfied_rate": _rate(sum(1 for v in levels if v == 5), len(levels)),
        "bad_rate": _rate(len(bad), len(levels)),
        "avg_level": round(statistics.fmean(levels), 2) if levels else None,
        "bad_count": len(bad),
        "rectified_rate": _rate(len(rectified), len(bad)),
        "rectified_on_time_rate": _rate(len(on_time), len(due)),
        "followup_rate": _rate(sum(1 for r in bad if r.followed_up), len(bad)),
    }


def abnormal(records: Sequence[TicketRecord]) -> dict[str, Any]:
    called = [r for r in records if r.called_at is not None]
    finished = [r for r in records if r.status == TicketStatus.done]
    no_show = sum(1 for r in called if r.no_show_count > 0)
    abandoned = sum(1 for r in records if r.status in (TicketStatus.waiting, TicketStatus.no_show))
    outcomes: dict[str, Any] = {}
    for outcome in Outcome:
        count = sum(1 for r in finished if r.outcome == outcome)
        outcomes[f"outcome_{outcome.value}"] = count
        outcomes[f"outcome_{outcome.value}_rate"] = _rate(count, len(finished))
    return {
        "no_show_rate": _rate(no_show, len(called)),
        "abandoned": abandoned,
        **outcomes,
        "transferred": sum(1 for r in records if r.transferred),
        "over_target_handle": sum(
            1 for r in finished if (r.handle_seconds or 0) > r.target_handle_minutes * 60
        ),
    }


def window_use(activities: Iterable[WindowActivity], handle_seconds: int) -> dict[str, Any]:
    open_s = 0
    paused: dict[str, int] = defaultdict(int)
    for activity in activities:
        open_s += sum(round((e - s).total_seconds()) for s, e in activity.open_intervals)
        for start, end, reason in activity.pauses:
            paused[reason or "未填写原因"] += round((end - start).total_seconds())
    return {
        "window_open_s": open_s,
        "window_utilization": _rate(handle_seconds, open_s) if open_s else None,
        "paused_s": sum(paused.values()),
        "paused_by_reason_s": dict(sorted(paused.items())),
    }


def all_indicators(
    records: Sequence[TicketRecord],
    activities: Sequence[WindowActivity],
    now: datetime,
    *,
    counts_basic: bool = True,
) -> dict[str, Any]:
    handled = sum(r.handle_seconds or 0 for r in records)
    return {
        **efficiency(records, now),
        **window_use(activities, handled),
        **satisfaction(records, now, counts_basic=counts_basic),
        **abnormal(records),
    }


def group_key(grouping: str, zone: ZoneInfo) -> Callable[[TicketRecord], tuple[str, str]]:
    """(key, label) of the group a ticket belongs to."""
    if grouping == "day":
        return lambda r: (r.business_day.isoformat(), r.business_day.isoformat())
    if grouping == "hour":

        def hour(r: TicketRecord) -> tuple[str, str]:
            h = r.issued_at.astimezone(zone).hour
            return f"{h:02d}", f"{h:02d}:00–{h + 1:02d}:00"

        return hour
    if grouping == "service":
        return lambda r: (str(r.service_id), r.service_name)
    if grouping == "window":
        return lambda r: (
            str(r.window_id or ""),
            f"{r.window_number}号窗口" if r.window_number else "未叫号",
        )
    if grouping == "staff":
        return lambda r: (
            r.staff_no or "",
            f"{r.staff_name}（{r.staff_no}）" if r.staff_no else "未叫号",
        )
    raise ValueError(f"unknown grouping {grouping!r}")


def grouped(
    records: Sequence[TicketRecord],
    activities: Sequence[WindowActivity],
    grouping: str,
    zone: ZoneInfo,
    now: datetime,
    *,
    counts_basic: bool = True,
) -> list[IndicatorRow]:
    keyfn = group_key(grouping, zone)
    groups: dict[tuple[str, str], list[TicketRecord]] = defaultdict(list)
    for record in records:
        groups[keyfn(record)].append(record)
    rows = []
    for (key, label), members in sorted(groups.items()):
        # Window time belongs to the window grouping only; other groupings span all windows.
        acts = [a for a in activities if str(a.window_id) == key] if grouping == "window" else []
        rows.append(
            IndicatorRow(key, label, all_indicators(members, acts, now, counts_basic=counts_basic))
        )
    return rows
