"""Adding ticket facts up by group: the sums, the ranked waits and handling times, the
window time — vectorised with numpy, exact (integer counts and whole seconds)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import numpy as np

from server.domain.enums import Outcome, TicketStatus
from server.domain.indicators import Ranked, TicketSums, WindowTime, needed_ranks
from server.queries.stats.facts import (
    APPEAL_UPHELD,
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
        wait, handle = np.zeros(size, np.int32), np.zeros(size, np.int32)
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
    """(code of each value 0..K-1, the K distinct values in ascending order). Codes are
    int32 (the columns are at most int32: 4 bytes a ticket, not 8)."""
    if len(values) == 0:
        return np.zeros(0, np.int32), np.zeros(0, np.int64)
    lo, hi = int(values.min()), int(values.max())
    if hi - lo < 10_000_000:
        shifted = np.subtract(values, lo, dtype=np.int64 if values.dtype.itemsize > 4 else np.int32)
        present = np.zeros(hi - lo + 1, bool)
        present[shifted] = True
        remap = (np.cumsum(present) - 1).astype(np.int32)
        return remap[shifted], np.flatnonzero(present) + lo
    distinct, codes = np.unique(values, return_inverse=True)
    return codes.astype(np.int32), distinct.astype(np.int64)


def ranked(codes: np.ndarray, values: np.ndarray, k: int) -> list[Ranked]:
    """For each key 0..k-1: the count and the values at the ranks of the median, the P90 and
    the maximum (nearest rank, 1-based) of its values."""
    counts = np.bincount(codes, minlength=k)
    if len(values) == 0:
        return [Ranked(0, {}) for _ in range(k)]
    lo = int(values.min())
    span = int(values.max()) - lo + 1
    wanted = [sorted(needed_ranks(int(n)) | {int(n)}) if n else [] for n in counts]
    out: list[Ranked] = []
    if k * span <= HISTOGRAM_CELLS:
        cells = np.multiply(codes, span, dtype=np.int64)  # below HISTOGRAM_CELLS
        cells += values
        cells -= lo
        histogram = np.bincount(cells, minlength=k * span)
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


# A ticket's *profile*: every small field the counts depend on, packed into one integer
# (status 3 bits, flags 7, level 3, outcome 3, then four read-time bits). A year has a few
# hundred distinct profiles, so each grouping counts (key, profile) pairs once and every
# count column is a sum over profiles, instead of one pass over the tickets per column.
_FIELDS = (("status", 3), ("flags", 7), ("level", 3), ("outcome", 3))
_BITS = ("over_wait", "has_handle_value", "handle_ok", "overdue_open")


def _profiles(facts: Facts, targets: Targets, now_us: int) -> np.ndarray:
    status, flags = facts["status"], facts["flags"]
    wait, handle, service = facts["wait"], facts["handle"], facts["service"]
    called = (flags & CALLED) != 0
    target_wait = targets.wait_s[service] if len(service) else np.zeros(0, np.int32)
    target_handle = targets.handle_s[service] if len(service) else np.zeros(0, np.int32)
    over_wait = called & (wait > target_wait)
    waiting_at = facts["waiting_at"]
    if len(waiting_at):
        still = ~called[waiting_at] & (
            status[waiting_at] == STATUS_CODES[TicketStatus.waiting.value]
        )
        waited_us = now_us - facts["waiting_since_us"]
        target_us = target_wait[waiting_at].astype(np.int64) * 1_000_000
        over_wait[waiting_at[still & (waited_us > target_us)]] = True
    has_value = handle != NONE
    done = status == STATUS_CODES[TicketStatus.done.value]
    handle_ok = np.where(done & has_value, handle, 0) <= target_handle
    overdue_open = np.zeros(len(status), bool)
    open_at = facts["open_rect_at"]
    if len(open_at):
        overdue_open[open_at[facts["open_rect_deadline_us"] < now_us]] = True
    profile = np.zeros(len(status), np.int32)
    shift = 0
    for name, width in _FIELDS:
        profile |= facts[name].astype(np.int32) << shift
        shift += width
    for bit in (over_wait, has_value, handle_ok, overdue_open):
        profile |= bit.astype(np.int32) << shift
        shift += 1
    return profile


def _fields_of(profiles: np.ndarray) -> dict[str, np.ndarray]:
    """The fields and bits of each distinct profile (the inverse of _profiles)."""
    fields: dict[str, np.ndarray] = {}
    shift = 0
    for name, width in _FIELDS:
        fields[name] = (profiles >> shift) & ((1 << width) - 1)
        shift += width
    for name in _BITS:
        fields[name] = ((profiles >> shift) & 1).astype(bool)
        shift += 1
    return fields


def _count_columns(f: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Which profiles each count column counts (booleans over the profiles)."""
    status, flags, level = f["status"], f["flags"], f["level"]
    called = (flags & CALLED) != 0
    done = status == STATUS_CODES[TicketStatus.done.value]
    waiting = status == STATUS_CODES[TicketStatus.waiting.value]
    has_handle = done & f["has_handle_value"]
    # an upheld 申诉 keeps a rating out of 满意率 and the other rates, and out of the 差评 to
    # rectify; it still counts as a rating made (参评率)
    excluded = (flags & APPEAL_UPHELD) != 0
    rated = (level > 0) & ~excluded
    bad = rated & (level <= 2)
    rectified = (flags & RECTIFIED) != 0
    columns = {
        "issued": np.ones(len(status), bool),
        "served": done,
        "called": called,
        "never_called_waiting": ~called & waiting,
        "over_wait": f["over_wait"],
        "handle_count": has_handle,
        "on_time_handle": done & f["handle_ok"],
        "over_target_handle": done & ~f["handle_ok"],
        "evaluated": level > 0,
        "appeal_excluded": (level > 0) & excluded,
        "level_5": rated & (level == 5),
        "level_4": rated & (level == 4),
        "level_3": rated & (level == 3),
        "bad": bad,
        "rectified": bad & rectified,
        "rectified_on_time": bad & ((flags & RECTIFIED_ON_TIME) != 0),
        "rectification_due": bad & (rectified | f["overdue_open"]),
        "followed_up": bad & ((flags & FOLLOWED_UP) != 0),
        "no_show_once": called & ((flags & NO_SHOW) != 0),
        "abandoned": waiting | (status == STATUS_CODES[TicketStatus.no_show.value]),
        "transferred": status == STATUS_CODES[TicketStatus.transferred.value],
    }
    for outcome in Outcome:
        columns[f"outcome_{outcome.value}"] = done & (f["outcome"] == OUTCOME_CODES[outcome.value])
    return columns


@dataclass(frozen=True)
class Prepared:
    """What every grouping of the same tickets shares: each ticket's profile (as a code into
    `selects`), which profiles each count column counts, and the values that are summed or
    ranked."""

    profile_codes: np.ndarray
    selects: dict[str, np.ndarray]  # column → int64 weight of each profile (0/1, or level)
    called: np.ndarray
    has_handle: np.ndarray
    wait: np.ndarray
    handle: np.ndarray


def prepare(facts: Facts, targets: Targets, now_us: int) -> Prepared:
    profile_codes, profiles = key_codes(_profiles(facts, targets, now_us))
    fields = _fields_of(profiles)
    selects = {name: chosen.astype(np.int64) for name, chosen in _count_columns(fields).items()}
    counted = (fields["flags"] & APPEAL_UPHELD) == 0  # an upheld 申诉: not in 平均评分
    selects["level_sum"] = np.where(counted, fields["level"], 0).astype(np.int64)
    status, handle = facts["status"], facts["handle"]
    return Prepared(
        profile_codes=profile_codes,
        selects=selects,
        called=(facts["flags"] & CALLED) != 0,
        has_handle=(status == STATUS_CODES[TicketStatus.done.value]) & (handle != NONE),
        wait=facts["wait"],
        handle=handle,
    )


def group_tickets(base: Prepared, keys: np.ndarray) -> Grouped[int]:
    """Every TicketSums field and the ranked distributions, for each distinct key."""
    codes, distinct = key_codes(keys)
    k = len(distinct)
    p = len(next(iter(base.selects.values())))
    pairs = np.multiply(codes, p, dtype=np.int64 if k * p >= 2**31 else np.int32)
    pairs += base.profile_codes
    per_profile = np.bincount(pairs, minlength=k * p).reshape(k, p)
    del pairs
    values = {name: per_profile @ weight for name, weight in base.selects.items()}
    called, has_handle, wait, handle = base.called, base.has_handle, base.wait, base.handle
    # exact: whole seconds, sums far below 2**53
    values["wait_sum"] = np.bincount(codes, weights=np.where(called, wait, 0), minlength=k)
    values["handle_sum"] = np.bincount(codes, weights=np.where(has_handle, handle, 0), minlength=k)
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
