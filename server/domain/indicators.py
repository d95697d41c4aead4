"""The GB/T 32169 window-service indicators, from per-group sums (see docs/indicators.md).

The store adds up each group's tickets in SQL (`TicketSums`) and fetches the few ranked values
the percentiles need; this module turns those into the published figures. Everything can be
recomputed by hand from the ticket-level export (明细). Times are whole seconds; rates are
fractions 0..1, or None when the denominator is zero (shown as "—").
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from .enums import Outcome

GROUPINGS = ("day", "hour", "hall", "service", "window", "staff")
UNCALLED_LABEL = "未叫号"
UNLINKED_LABEL = "未关联"


@dataclass
class TicketSums:
    """What is added up over one group of tickets (server/queries/stats/aggregate.py)."""

    issued: int = 0
    served: int = 0
    called: int = 0
    never_called_waiting: int = 0
    wait_sum: int = 0
    wait_max: int | None = None
    over_wait: int = 0
    handle_count: int = 0
    handle_sum: int = 0
    handle_max: int | None = None
    on_time_handle: int = 0
    over_target_handle: int = 0
    evaluated: int = 0
    appeal_excluded: int = 0  # ratings an upheld 申诉 keeps out of 满意率 (in `evaluated`)
    level_sum: int = 0
    level_5: int = 0
    level_4: int = 0
    level_3: int = 0
    bad: int = 0
    rectified: int = 0
    rectified_on_time: int = 0
    rectification_due: int = 0
    followed_up: int = 0
    no_show_once: int = 0
    abandoned: int = 0
    outcome_done: int = 0
    outcome_supplement: int = 0
    outcome_returned: int = 0
    outcome_rejected: int = 0
    transferred: int = 0

    def __post_init__(self) -> None:
        # no maximum without a value
        if not self.called:
            self.wait_max = None
        if not self.handle_count:
            self.handle_max = None


@dataclass(frozen=True)
class Ranked:
    """The values at the ranks the median and P90 need, for one distribution of n values."""

    n: int
    by_rank: dict[int, int]

    def median(self) -> float | int | None:
        if self.n == 0:
            return None
        low, high = self.by_rank[(self.n + 1) // 2], self.by_rank[self.n // 2 + 1]
        return low if low == high else (low + high) / 2

    def p90(self) -> int | None:
        return None if self.n == 0 else self.by_rank[p90_rank(self.n)]


def p90_rank(n: int) -> int:
    """Nearest rank of P90: ⌈0.9·n⌉ (at least 1)."""
    return max(1, math.ceil(0.9 * n))


def needed_ranks(n: int) -> set[int]:
    """Ranks (1-based) whose values give the median and the P90 of n values."""
    return {(n + 1) // 2, n // 2 + 1, p90_rank(n)} if n else set()


EMPTY_RANKED = Ranked(0, {})


def rate(numerator: int, denominator: int) -> float | None:
    return None if denominator == 0 else numerator / denominator


def _mean(total: int, count: int, digits: int) -> float | None:
    return None if count == 0 else round(total / count, digits)


def ticket_indicators(
    sums: TicketSums,
    waits: Ranked = EMPTY_RANKED,
    handles: Ranked = EMPTY_RANKED,
    *,
    counts_basic: bool = True,
) -> dict[str, Any]:
    """办事效率, 评价满意率 and 异常办理 of one group (formulas: shared INDICATORS.md)."""
    s = sums
    satisfied = s.level_5 + s.level_4 + (s.level_3 if counts_basic else 0)
    rated = s.evaluated - s.appeal_excluded  # what 满意率 counts: not the upheld 申诉
    outcomes: dict[str, Any] = {}
    for outcome in Outcome:
        count = getattr(s, f"outcome_{outcome.value}")
        outcomes[f"outcome_{outcome.value}"] = count
        outcomes[f"outcome_{outcome.value}_rate"] = rate(count, s.served)
    return {
        # 办事效率
        "issued": s.issued,
        "served": s.served,
        "wait_count": s.called,
        "wait_avg_s": _mean(s.wait_sum, s.called, 1),
        "wait_median_s": waits.median(),
        "wait_p90_s": waits.p90(),
        "wait_max_s": s.wait_max,
        "over_target_wait": s.over_wait,
        "over_target_wait_rate": rate(s.over_wait, s.called + s.never_called_waiting),
        "handle_count": s.handle_count,
        "handle_avg_s": _mean(s.handle_sum, s.handle_count, 1),
        "handle_median_s": handles.median(),
        "handle_p90_s": handles.p90(),
        "handle_max_s": s.handle_max,
        "on_time_handle_rate": rate(s.on_time_handle, s.served),
        "handled_s": s.handle_sum,
        # 评价满意率
        "evaluated": s.evaluated,
        "evaluated_rate": rate(s.evaluated, s.served),
        "appeal_excluded": s.appeal_excluded,
        "satisfaction_rate": rate(satisfied, rated),
        "very_satisfied_rate": rate(s.level_5, rated),
        "bad_rate": rate(s.bad, rated),
        "avg_level": _mean(s.level_sum, rated, 2),
        "bad_count": s.bad,
        "rectified": s.rectified,
        "rectified_rate": rate(s.rectified, s.bad),
        "rectified_on_time_rate": rate(s.rectified_on_time, s.rectification_due),
        "followup_rate": rate(s.followed_up, s.bad),
        # 异常办理
        "no_show_rate": rate(s.no_show_once, s.called),
        "abandoned": s.abandoned,
        **outcomes,
        "transferred": s.transferred,
        "over_target_handle": s.over_target_handle,
    }


# --- window time ----------------------------------------------------------------------------


@dataclass(frozen=True)
class WindowActivity:
    """Open (serving, not paused) and paused intervals of one window, already clipped."""

    window_id: int
    window_number: str
    hall_id: int = 0
    open_intervals: Sequence[tuple[datetime, datetime]] = ()
    pauses: Sequence[tuple[datetime, datetime, str]] = ()  # start, end, reason


@dataclass
class WindowTime:
    """Open and paused time of a group of windows, in whole microseconds (exact sums)."""

    open_us: int = 0
    paused_us_by_reason: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def values(self, handled_s: int) -> dict[str, Any]:
        open_s = round(self.open_us / 1_000_000)
        paused = {k: round(v / 1_000_000) for k, v in sorted(self.paused_us_by_reason.items())}
        return {
            "window_open_s": open_s,
            "window_utilization": rate(handled_s, open_s),
            "paused_s": sum(paused.values()),
            "paused_by_reason_s": paused,
        }


def replay_window(
    window_id: int,
    window_number: str,
    hall_id: int,
    initial: tuple[str, str],
    changes: Iterable[tuple[datetime, str, str]],
    start: datetime,
    end: datetime,
) -> WindowActivity:
    """Open and paused intervals in [start, end) from the state at `start` (state, pause
    reason) and the later changes (instant, state, pause reason), in order."""
    opens: list[tuple[datetime, datetime]] = []
    pauses: list[tuple[datetime, datetime, str]] = []
    (state, reason), since = initial, start
    for at, next_state, next_reason in [*changes, (end, "", "")]:
        a, b = max(since, start), min(at, end)
        if b > a and state == "open":
            opens.append((a, b))
        elif b > a and state == "paused":
            pauses.append((a, b, reason))
        state, since, reason = next_state, at, next_reason
    return WindowActivity(window_id, window_number, hall_id, tuple(opens), tuple(pauses))


def hour_pieces(start: datetime, end: datetime, zone: ZoneInfo) -> Iterator[tuple[date, int, int]]:
    """An interval cut at local hour boundaries (so also at day boundaries): (local day,
    hour, whole microseconds) pieces. A pause from 09:50 to 10:10 is 600 s in 09 and in 10."""
    cursor = start
    while cursor < end:
        local = cursor.astimezone(zone)
        boundary = local.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
        stop = min(end, boundary.astimezone(end.tzinfo))
        if stop <= cursor:  # a DST fold; never for Asia/Shanghai
            stop = min(end, cursor + timedelta(hours=1))
        yield local.date(), local.hour, (stop - cursor) // timedelta(microseconds=1)
        cursor = stop


# --- 投诉处理 ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ComplaintRecord:
    received_at: datetime
    deadline: datetime
    closed_at: datetime | None
    hall_id: int
    service_id: int | None
    window_id: int | None
    staff_no: str | None


def complaint_indicators(complaints: Sequence[ComplaintRecord], as_of: datetime) -> dict[str, Any]:
    """投诉量, 投诉办结率, 按时办结率, 平均处理时长, counted as of `as_of` (the end of the
    period, or now if earlier): a complaint closed later is still open in this period."""
    closed = [c for c in complaints if c.closed_at is not None and c.closed_at <= as_of]
    on_time = [c for c in closed if c.closed_at is not None and c.closed_at <= c.deadline]
    durations = [
        round((c.closed_at - c.received_at).total_seconds()) for c in closed if c.closed_at
    ]
    return {
        "complaints": len(complaints),
        "complaints_closed": len(closed),
        "complaints_open": len(complaints) - len(closed),
        "complaint_closed_rate": rate(len(closed), len(complaints)),
        "complaint_on_time_rate": rate(len(on_time), len(closed)),
        "complaint_handle_avg_s": _mean(sum(durations), len(durations), 1),
    }


def complaint_key(c: ComplaintRecord, grouping: str, zone: ZoneInfo) -> str:
    local = c.received_at.astimezone(zone)
    if grouping == "day":
        return local.date().isoformat()
    if grouping == "hour":
        return f"{local.hour:02d}"
    if grouping == "hall":
        return str(c.hall_id)
    if grouping == "service":
        return str(c.service_id or "")
    if grouping == "window":
        return str(c.window_id or "")
    if grouping == "staff":
        return c.staff_no or ""
    raise ValueError(f"unknown grouping {grouping!r}")


# --- groups ---------------------------------------------------------------------------------


def hour_label(key: str) -> str:
    h = int(key)
    return f"{h:02d}:00–{h + 1:02d}:00"


@dataclass
class IndicatorRow:
    key: str
    label: str
    values: dict[str, Any] = field(default_factory=dict)


def all_values(
    sums: TicketSums,
    waits: Ranked,
    handles: Ranked,
    window: WindowTime | None,
    complaints: Sequence[ComplaintRecord],
    as_of: datetime,
    *,
    counts_basic: bool,
) -> dict[str, Any]:
    values = ticket_indicators(sums, waits, handles, counts_basic=counts_basic)
    values.update((window or WindowTime()).values(values["handled_s"]))
    values.update(complaint_indicators(complaints, as_of))
    return values


def period_days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]
