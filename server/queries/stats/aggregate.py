"""Adding ticket facts up by group: the sums, the ranked waits and handling times, the
window time — vectorised with numpy, exact (integer counts and whole seconds)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import numpy as np

from server.domain.enums import Outcome, TicketStatus
from server.domain.indicators import Ranked, TicketSums, WindowTime, needed_ranks
from server.queries.stats.facts import (
    CALLED,
    FOLLOWED_UP,
    NO_SHOW,
    NONE,
    OUTCOME_CODES,
    RECTIFIED,
    RECTIFIED_ON_TIME,
    STATUS_CODES,
    Facts,
)

HISTOGRAM_CELLS = 8_000_000  # keys × distinct values above which ranks come from a sort


@dataclass(frozen=True)
class Targets:
    """Target wait and handling time of each service, in seconds, indexed by service id."""

    wait_s: np.ndarray
    handle_s: np.ndarray

    @classmethod
    def of(cls, targets: dict[int, tuple[int, int]]) -> Targets:
        size = max(targets, default=0) + 1
        wait, handle = np.zeros(size, np.int64), np.zeros(size, np.int64)
        for service_id, (wait_min, handle_min) in targets.items():
            wait[service_id], handle[service_id] = wait_min * 60, handle_min * 60
        return cls(wait, handle)


K = TypeVar("K", int, str)


@dataclass
class Grouped(Generic[K]):
    """One grouping: key → sums, ranked waits, ranked handling times."""

    sums: dict[K, TicketSums]
    waits: dict[K, Ranked]
    handles: dict[K, Ranked]


def key_codes(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(code of each value 0..K-1, the K distinct values in ascending order)."""
    if len(values) == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    lo, hi = int(values.min()), int(values.max())
    if hi - lo < 10_000_000:
        shifted = values.astype(np.int64) - lo
        present = np.zeros(hi - lo + 1, bool)
        present[shifted] = True
        remap = np.cumsum(present) - 1
        return remap[shifted], np.flatnonzero(present) + lo
    distinct, codes = np.unique(values, return_inverse=True)
    return codes.astype(np.int64), distinct.astype(np.int64)


def ranked(codes: np.ndarray, values: np.ndarray, k: int) -> list[Ranked]:
    """For each key 0..k-1: the count and the values at the ranks of the median, the P90 and
    the maximum (nearest rank, 1-based) of its values."""
    counts = np.bincount(codes, minlength=k)
    if len(values) == 0:
        return [Ranked(0, {}) for _ in range(k)]
    values = values.astype(np.int64)
    lo = int(values.min())
    span = int(values.max()) - lo + 1
    wanted = [sorted(needed_ranks(int(n)) | {int(n)}) if n else [] for n in counts]
    out: list[Ranked] = []
    if k * span <= HISTOGRAM_CELLS:
        histogram = np.bincount(codes * span + (values - lo), minlength=k * span)
        cumulative = histogram.reshape(k, span).cumsum(axis=1)
        for key in range(k):
            ranks = wanted[key]
            at = (np.searchsorted(cumulative[key], ranks) + lo).tolist() if ranks else []
            out.append(
                Ranked(int(counts[key]), {r: int(v) for r, v in zip(ranks, at, strict=True)})
            )
        return out
    order = np.lexsort((values, codes))
    ordered = values[order]
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    for key in range(k):
        ranks = wanted[key]
        found = {r: int(ordered[starts[key] + r - 1]) for r in ranks}
        out.append(Ranked(int(counts[key]), found))
    return out


def group_tickets(facts: Facts, keys: np.ndarray, targets: Targets, now_us: int) -> Grouped[int]:
    """Every TicketSums field and the ranked distributions, for each distinct key."""
    codes, distinct = key_codes(keys)
    k = len(distinct)
    status, flags, level = facts["status"], facts["flags"], facts["level"]
    wait, handle = facts["wait"].astype(np.int64), facts["handle"].astype(np.int64)
    service = facts["service"]
    called = (flags & CALLED) != 0
    done = status == STATUS_CODES[TicketStatus.done.value]
    uncalled_waiting = ~called & (status == STATUS_CODES[TicketStatus.waiting.value])
    has_handle = done & (handle != NONE)
    handle0 = np.where(has_handle, handle, 0)
    target_wait = targets.wait_s[service] if len(service) else np.zeros(0, np.int64)
    target_handle = targets.handle_s[service] if len(service) else np.zeros(0, np.int64)
    over_wait = called & (wait > target_wait)
    waiting_at = facts["waiting_at"]
    if len(waiting_at):
        waited_us = now_us - facts["waiting_since_us"]
        over = waited_us > target_wait[waiting_at] * 1_000_000
        over_wait[waiting_at[over & uncalled_waiting[waiting_at]]] = True
    bad = (level >= 1) & (level <= 2)
    due = bad & ((flags & RECTIFIED) != 0)
    open_at = facts["open_rect_at"]
    if len(open_at):
        overdue = facts["open_rect_deadline_us"] < now_us
        due[open_at[overdue]] |= bad[open_at[overdue]]

    def count(mask: np.ndarray) -> np.ndarray:
        return np.bincount(codes[mask], minlength=k)

    def total(mask: np.ndarray, values: np.ndarray) -> np.ndarray:
        return np.bincount(codes[mask], weights=values[mask], minlength=k).round()

    columns: dict[str, Callable[[], np.ndarray]] = {
        "issued": lambda: np.bincount(codes, minlength=k),
        "served": lambda: count(done),
        "called": lambda: count(called),
        "never_called_waiting": lambda: count(uncalled_waiting),
        "wait_sum": lambda: total(called, wait),
        "over_wait": lambda: count(over_wait),
        "handle_count": lambda: count(has_handle),
        "handle_sum": lambda: total(has_handle, handle),
        "on_time_handle": lambda: count(done & (handle0 <= target_handle)),
        "over_target_handle": lambda: count(done & (handle0 > target_handle)),
        "evaluated": lambda: count(level > 0),
        "level_sum": lambda: total(level > 0, level.astype(np.int64)),
        "level_5": lambda: count(level == 5),
        "level_4": lambda: count(level == 4),
        "level_3": lambda: count(level == 3),
        "bad": lambda: count(bad),
        "rectified": lambda: count(bad & ((flags & RECTIFIED) != 0)),
        "rectified_on_time": lambda: count(bad & ((flags & RECTIFIED_ON_TIME) != 0)),
        "rectification_due": lambda: count(due),
        "followed_up": lambda: count(bad & ((flags & FOLLOWED_UP) != 0)),
        "no_show_once": lambda: count(called & ((flags & NO_SHOW) != 0)),
        "abandoned": lambda: count(
            (status == STATUS_CODES[TicketStatus.waiting.value])
            | (status == STATUS_CODES[TicketStatus.no_show.value])
        ),
        "transferred": lambda: count(status == STATUS_CODES[TicketStatus.transferred.value]),
    }
    for outcome in Outcome:
        code = OUTCOME_CODES[outcome.value]
        columns[f"outcome_{outcome.value}"] = lambda code=code: count(  # type: ignore[misc]
            done & (facts["outcome"] == code)
        )
    values = {name: make() for name, make in columns.items()}
    waits = ranked(codes[called], wait[called], k)
    handles = ranked(codes[has_handle], handle[has_handle], k)
    grouped: Grouped[int] = Grouped({}, {}, {})
    for i, raw in enumerate(distinct.tolist()):
        fields: dict[str, Any] = {name: int(column[i]) for name, column in values.items()}
        fields["wait_max"] = waits[i].by_rank.get(waits[i].n)
        fields["handle_max"] = handles[i].by_rank.get(handles[i].n)
        grouped.sums[raw] = TicketSums(**fields)
        grouped.waits[raw] = waits[i]
        grouped.handles[raw] = handles[i]
    return grouped


def group_window_time(facts: Facts, keys: np.ndarray) -> dict[int, WindowTime]:
    """Open and paused time for each distinct key of the window-time pieces."""
    codes, distinct = key_codes(keys)
    kinds = len(facts.reasons) + 1
    sums = np.bincount(
        codes * kinds + facts["w_kind"].astype(np.int64),
        weights=facts["w_us"].astype(np.float64),  # exact: integers below 2**53
        minlength=len(distinct) * kinds,
    ).reshape(len(distinct), kinds)
    result: dict[int, WindowTime] = {}
    for i, raw in enumerate(distinct.tolist()):
        time = WindowTime(open_us=int(sums[i, 0]))
        for k, reason in enumerate(facts.reasons, start=1):
            if sums[i, k]:
                time.paused_us_by_reason[reason] += int(sums[i, k])
        result[raw] = time
    return result
