"""Ticket facts: what the indicators need of each ticket, as columns of small integers.

One `Facts` holds the tickets (and the window time) of one or more (hall, business day)
records. The columns are numpy arrays, so that a year of tickets (5 million) is added up,
grouped and ranked in milliseconds, exactly: waits and handling times are whole seconds, as
in the 明细, so medians, P90s and maxima come out the same as from the ticket records.

The same facts are computed from the live tables (`live_facts`, for today and any day not
rolled up) and packed into a closed day's rollup (`pack`/`unpack`, see rollup.py).
"""

from __future__ import annotations

import itertools
import json
import struct
import zlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from sqlalchemy import and_, case, func, literal, or_, select, type_coerce
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session

from server.domain.calendar import day_bounds
from server.domain.enums import Outcome, TicketStatus
from server.domain.indicators import hour_pieces
from server.queries.stats.sql import (
    APPEAL,
    EVALUATION,
    RECTIFICATION,
    TICKET,
    local_hour,
    seconds_between,
)
from server.queries.stats.windows import window_activities
from server.store.types import UTCDateTime

NONE = np.iinfo(np.int32).min  # a wait or handling time that does not exist
STATUS_CODES = {status.value: i for i, status in enumerate(TicketStatus, start=1)}
OUTCOME_CODES = {outcome.value: i for i, outcome in enumerate(Outcome, start=1)}

# flags
CALLED = 1  # called at least once
NO_SHOW = 2  # no-show at least once
RECTIFICATION_OPENED = 4  # (a bad rating) with its rectification
RECTIFIED = 8  # rectification closed (整改 recorded)
RECTIFIED_ON_TIME = 16  # closed on or before its deadline
FOLLOWED_UP = 32  # 回访 recorded
APPEAL_UPHELD = 64  # (a rating) excluded from 满意率 by an upheld 申诉

TICKET_COLUMNS: dict[str, Any] = {
    "hall": np.int32,
    "day": np.int32,  # date.toordinal()
    "hour": np.int8,  # local hour of issue
    "service": np.int32,
    "window": np.int32,  # 0: never called
    "staff": np.int32,  # 0: none
    "status": np.int8,
    "outcome": np.int8,  # 0: none
    "flags": np.int8,
    "level": np.int8,  # 0: not rated
    "wait": np.int32,  # seconds, NONE if never called
    "handle": np.int32,  # seconds, NONE unless finished (done)
}
# Facts that depend on the read time, kept apart: the tickets never called and still waiting
# (over target once they have waited long enough) and the open rectifications of bad
# ratings (due once their deadline has passed). Indexes into the ticket columns.
SPARSE_COLUMNS: dict[str, Any] = {
    "waiting_at": np.int32,
    "waiting_since_us": np.int64,  # entered the queue, µs since the epoch
    "open_rect_at": np.int32,
    "open_rect_deadline_us": np.int64,
}
# Window time in pieces of one local hour: (hall, day, window, hour, kind, µs); kind 0 is
# open, k > 0 is paused for reasons[k - 1].
WINDOW_COLUMNS: dict[str, Any] = {
    "w_hall": np.int32,
    "w_day": np.int32,
    "w_window": np.int32,
    "w_hour": np.int8,
    "w_kind": np.int16,
    "w_us": np.int64,
}
ALL_COLUMNS = {**TICKET_COLUMNS, **SPARSE_COLUMNS, **WINDOW_COLUMNS}
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)


def micros(instant: datetime) -> int:
    """Exact µs since the epoch."""
    return (instant - EPOCH) // MICROSECOND


@dataclass
class Facts:
    columns: dict[str, np.ndarray]
    reasons: list[str] = field(default_factory=list)

    def __getitem__(self, name: str) -> np.ndarray:
        return self.columns[name]

    @property
    def tickets(self) -> int:
        return len(self.columns["hall"])

    @classmethod
    def empty(cls) -> Facts:
        return cls({name: np.zeros(0, dtype) for name, dtype in ALL_COLUMNS.items()})

    @classmethod
    def concat(cls, parts: Sequence[Facts | Packed]) -> Facts:
        """One Facts of several (facts, or packed rollups unpacked one at a time): sparse
        indexes shifted, pause reasons merged. The result is allocated once, so a year of
        rollups needs its own size in memory, not twice that."""
        if not parts:
            return cls.empty()
        if len(parts) == 1:
            only = parts[0]
            return only if isinstance(only, Facts) else unpack(only)
        heads = [_lengths_and_reasons(part) for part in parts]
        reasons: list[str] = []
        index: dict[str, int] = {}
        remaps: list[np.ndarray] = []
        for _, part_reasons in heads:
            remap = np.zeros(len(part_reasons) + 1, np.int16)
            for k, reason in enumerate(part_reasons, start=1):
                if reason not in index:
                    reasons.append(reason)
                    index[reason] = len(reasons)
                remap[k] = index[reason]
            remaps.append(remap)
        joined = {
            name: np.empty(sum(lengths[name] for lengths, _ in heads), dtype)
            for name, dtype in ALL_COLUMNS.items()
        }
        at = dict.fromkeys(ALL_COLUMNS, 0)
        offset = 0
        for part, remap in zip(parts, remaps, strict=True):
            facts = part if isinstance(part, Facts) else unpack(part)
            for name in ALL_COLUMNS:
                values = facts.columns[name]
                if name in ("waiting_at", "open_rect_at"):
                    values = values + offset
                elif name == "w_kind":
                    values = remap[values]
                joined[name][at[name] : at[name] + len(values)] = values
                at[name] += len(values)
            offset += facts.tickets
        return cls(joined, reasons)


# --- packing a day's facts into a rollup ---------------------------------------------------

_HEADER = struct.Struct("<I")
Packed = bytes | memoryview  # packed facts: a rollup's bytes, or a view into them (no copy)


def pack(facts: Facts) -> bytes:
    """The facts as bytes: a JSON header (column lengths, pause reasons) and the raw columns,
    compressed (zlib level 1: a day of 20,000 tickets is ~100 KB)."""
    lengths = {name: len(facts.columns[name]) for name in ALL_COLUMNS}
    header = json.dumps({"lengths": lengths, "reasons": facts.reasons}).encode()
    body = b"".join(
        np.ascontiguousarray(facts.columns[name], dtype=dtype).tobytes()
        for name, dtype in ALL_COLUMNS.items()
    )
    return zlib.compress(_HEADER.pack(len(header)) + header + body, 1)


def unpack(blob: Packed) -> Facts:
    raw = zlib.decompress(blob)
    (size,) = _HEADER.unpack_from(raw)
    header = json.loads(raw[_HEADER.size : _HEADER.size + size])
    position = _HEADER.size + size
    columns = {}
    for name, dtype in ALL_COLUMNS.items():
        count = int(header["lengths"][name])
        width = np.dtype(dtype).itemsize
        columns[name] = np.frombuffer(raw, dtype, count, position)
        position += count * width
    return Facts(columns, list(header["reasons"]))


def _lengths_and_reasons(part: Facts | Packed) -> tuple[dict[str, int], list[str]]:
    """Column lengths and pause reasons, of packed facts without unpacking their columns."""
    if isinstance(part, Facts):
        return {name: len(part.columns[name]) for name in ALL_COLUMNS}, part.reasons
    stream = zlib.decompressobj()
    (size,) = _HEADER.unpack(_inflate(stream, part, _HEADER.size))
    header = json.loads(_inflate(stream, stream.unconsumed_tail, size))
    return {name: int(n) for name, n in header["lengths"].items()}, list(header["reasons"])


def _inflate(stream: Any, data: Packed, size: int) -> bytes:
    """Exactly `size` more bytes from a zlib stream."""
    out: bytes = stream.decompress(data, size)
    while len(out) < size and stream.unconsumed_tail:
        out += stream.decompress(stream.unconsumed_tail, size - len(out))
    if len(out) != size:
        raise ValueError("packed facts cut short")
    return out


# --- facts from the live tables ---------------------------------------------------------------


def _code(column: Any, codes: dict[str, int]) -> ColumnElement[Any]:
    return case(*((column == value, code) for value, code in codes.items()), else_=0)


def _flag(condition: Any, bit: int) -> ColumnElement[Any]:
    return case((condition, bit), else_=0)


def _ticket_query(dialect: str, hall_days: dict[int, list[date]], zone: ZoneInfo) -> Any:
    t, e, r, a = TICKET.c, EVALUATION.c, RECTIFICATION.c, APPEAL.c
    # a ticket's wait counts from when it first joined the queue (扫码过号重排 moves its place)
    joined = func.coalesce(t.first_entered_queue_at, t.entered_queue_at)
    all_days = sorted({d for days in hall_days.values() for d in days})
    lo, hi = day_bounds(all_days[0], zone)[0], day_bounds(all_days[-1], zone)[1]
    done = t.status == TicketStatus.done.value
    called = t.called_at.is_not(None)
    flags = (
        _flag(called, CALLED)
        + _flag(t.no_show_count > 0, NO_SHOW)
        + _flag(r.id.is_not(None), RECTIFICATION_OPENED)
        + _flag(r.closed_at.is_not(None), RECTIFIED)
        + _flag(r.closed_at <= r.deadline, RECTIFIED_ON_TIME)
        + _flag(r.followup_at.is_not(None), FOLLOWED_UP)
        + _flag(a.id.is_not(None), APPEAL_UPHELD)
    )
    wait = seconds_between(dialect, joined, t.called_at)
    handle = case((done, seconds_between(dialect, t.serving_started_at, t.finished_at)))
    waiting_since = case(
        (and_(t.called_at.is_(None), t.status == TicketStatus.waiting.value), t.entered_queue_at)
    )
    open_deadline = case((and_(r.id.is_not(None), r.closed_at.is_(None)), r.deadline))
    period = tickets_of_days(hall_days)
    return (
        select(
            t.hall_id,
            t.business_day,
            local_hour(dialect, t.issued_at, zone, lo, hi),
            t.service_id,
            func.coalesce(t.window_id, 0),
            func.coalesce(t.staff_id, 0),
            _code(t.status, STATUS_CODES),
            _code(t.outcome, OUTCOME_CODES),
            flags,
            func.coalesce(e.level, 0),
            func.coalesce(wait, literal(int(NONE))),
            func.coalesce(handle, literal(int(NONE))),
            type_coerce(waiting_since, UTCDateTime()),
            type_coerce(open_deadline, UTCDateTime()),
        )
        .select_from(
            TICKET.outerjoin(EVALUATION, e.ticket_id == t.id)
            .outerjoin(RECTIFICATION, r.evaluation_id == e.id)
            .outerjoin(APPEAL, and_(a.evaluation_id == e.id, a.state == "upheld"))
        )
        .where(period)
        .order_by(t.hall_id, t.business_day)
    )


def tickets_of_days(hall_days: dict[int, list[date]]) -> ColumnElement[bool]:
    """The tickets of these business days of each hall, as runs of consecutive days (one
    range per run, so the (hall_id, business_day, …) index is read in a few ranges)."""
    t = TICKET.c
    return or_(
        *(
            and_(t.hall_id == hall_id, t.business_day >= first, t.business_day <= last)
            for hall_id, days in hall_days.items()
            for first, last in day_ranges(days)
        )
    )


def day_ranges(days: Iterable[date]) -> list[tuple[date, date]]:
    """Consecutive days as (first, last) ranges."""
    ordered = sorted(days)
    ranges: list[tuple[date, date]] = []
    for day in ordered:
        if ranges and ranges[-1][1] + timedelta(days=1) == day:
            ranges[-1] = (ranges[-1][0], day)
        else:
            ranges.append((day, day))
    return ranges


def _ticket_part(hall_id: int, day: int, rows: list[Any]) -> dict[str, np.ndarray]:
    ints = np.array([row[2:12] for row in rows], dtype=np.int64).reshape(-1, 10)
    ints = np.hstack([np.full((len(rows), 1), hall_id), np.full((len(rows), 1), day), ints])
    columns = {
        name: ints[:, i].astype(dtype) for i, (name, dtype) in enumerate(TICKET_COLUMNS.items())
    }
    waiting = [(i, micros(row[12])) for i, row in enumerate(rows) if row[12] is not None]
    deadlines = [(i, micros(row[13])) for i, row in enumerate(rows) if row[13] is not None]
    columns["waiting_at"] = np.array([i for i, _ in waiting], np.int32)
    columns["waiting_since_us"] = np.array([us for _, us in waiting], np.int64)
    columns["open_rect_at"] = np.array([i for i, _ in deadlines], np.int32)
    columns["open_rect_deadline_us"] = np.array([us for _, us in deadlines], np.int64)
    return columns


def _window_part(
    pieces: list[tuple[int, int, int, int, int, int]],
) -> dict[str, np.ndarray]:
    array = np.array(pieces, dtype=np.int64).reshape(-1, 6)
    return {
        name: array[:, i].astype(dtype) for i, (name, dtype) in enumerate(WINDOW_COLUMNS.items())
    }


def _window_pieces(
    session: Session,
    hall_days: dict[int, list[date]],
    zone: ZoneInfo,
    now: datetime,
) -> dict[tuple[int, int], tuple[list[tuple[int, int, int, int, int, int]], list[str]]]:
    """Window time of each (hall, day), cut at local hours; one replay per run of days."""
    result: dict[tuple[int, int], tuple[list[tuple[int, int, int, int, int, int]], list[str]]]
    result = defaultdict(lambda: ([], []))
    for hall_id, days in hall_days.items():
        for first, last in day_ranges(days):
            start, end = day_bounds(first, zone)[0], day_bounds(last, zone)[1]
            for activity in window_activities(session, (hall_id,), start, end, now):
                spans = [(a, b, "") for a, b in activity.open_intervals]
                spans += [(a, b, why or "未填写原因") for a, b, why in activity.pauses]
                for a, b, why in spans:
                    for day, hour, us in hour_pieces(a, b, zone):
                        pieces, reasons = result[(hall_id, day.toordinal())]
                        kind = 0
                        if why:
                            if why not in reasons:
                                reasons.append(why)
                            kind = reasons.index(why) + 1
                        pieces.append(
                            (hall_id, day.toordinal(), activity.window_id, hour, kind, us)
                        )
    return result


def live_facts(
    session: Session,
    hall_days: dict[int, list[date]],
    zone: ZoneInfo,
    now: datetime,
    *,
    batch: int = 50_000,
) -> dict[tuple[int, int], Facts]:
    """The facts of each (hall, day ordinal) asked for, from the tickets, ratings,
    rectifications and window.status events (window time up to `now`)."""
    hall_days = {h: sorted(set(days)) for h, days in hall_days.items() if days}
    if not hall_days:
        return {}
    dialect = session.get_bind().dialect.name
    windows = _window_pieces(session, hall_days, zone, now)
    tickets: dict[tuple[int, int], list[dict[str, np.ndarray]]] = defaultdict(list)
    result = session.execute(
        _ticket_query(dialect, hall_days, zone).execution_options(
            stream_results=True, yield_per=batch
        )
    )
    for rows in result.partitions(batch):
        for (hall_id, day), group in itertools.groupby(rows, key=lambda row: (row[0], row[1])):
            key = (hall_id, day.toordinal())
            tickets[key].append(_ticket_part(*key, list(group)))
    facts: dict[tuple[int, int], Facts] = {}
    for hall_id, days in hall_days.items():
        for day in days:
            key = (hall_id, day.toordinal())
            parts = [Facts({**part, **_window_part([])}) for part in tickets.get(key, [])]
            joined = Facts.concat(parts) if parts else Facts.empty()
            pieces, reasons = windows.get(key, ([], []))
            joined.columns.update(_window_part(pieces))
            facts[key] = Facts(joined.columns, list(reasons))
    return facts
