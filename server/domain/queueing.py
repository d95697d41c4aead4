"""Numbering, who is next, and the estimated wait."""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Generic, TypeVar

from .enums import Priority


def format_number(prefix: str, sequence: int) -> str:
    """A001 … A999, then A1000: three digits at least, never ambiguous."""
    return f"{prefix}{sequence:03d}"


@dataclass(frozen=True)
class Candidate:
    ticket_id: int
    service_id: int
    priority: Priority
    entered_queue_at: datetime
    slot_start: datetime | None = None  # an appointment's ticket: its slot


# the lanes of a window's queue, called in this order
GREEN, APPOINTMENT, WALK_IN = 0, 1, 2
_NO_SLOT = datetime.min.replace(tzinfo=UTC)

OrderKey = tuple[int, datetime, int, datetime, int]


def lane(candidate: Candidate) -> int:
    if candidate.priority != Priority.normal:
        return GREEN
    return APPOINTMENT if candidate.slot_start is not None else WALK_IN


def order_key(candidate: Candidate, service_rank: dict[int, int]) -> OrderKey:
    """Who a window calls first:

    1. 绿色通道 (green channel): by the window's service order, then time in the queue;
    2. appointments checked in (预约, within their slot's check-in window — the only way in):
       by slot, then the window's service order, then check-in time;
    3. walk-ins: by the window's service order, then time in the queue.
    """
    kind = lane(candidate)
    return (
        kind,
        candidate.slot_start if kind == APPOINTMENT and candidate.slot_start else _NO_SLOT,
        service_rank.get(candidate.service_id, len(service_rank)),
        candidate.entered_queue_at,
        candidate.ticket_id,
    )


def pick_next(candidates: Sequence[Candidate], service_ids: Sequence[int]) -> Candidate | None:
    """The ticket a window serving `service_ids` (in priority order) calls next."""
    rank = {sid: i for i, sid in enumerate(service_ids)}
    eligible = [c for c in candidates if c.service_id in rank]
    if not eligible:
        return None
    return min(eligible, key=lambda c: order_key(c, rank))


T = TypeVar("T")


class WaitingLines(Generic[T]):
    """The tickets waiting, as one first-come line per service and priority class: the order
    of `order_key` (green channel first, then the window's service order, then time in the
    queue), found in a few steps per call instead of a scan of everyone waiting. Tickets must
    be added in the order they entered the queue (as a simulation does). The staffing plan's
    simulation calls through this; tests check it against `pick_next`."""

    def __init__(self) -> None:
        self._green: dict[int, deque[T]] = {}
        self._normal: dict[int, deque[T]] = {}

    def add(self, service_id: int, green: bool, ticket: T) -> None:
        lines = self._green if green else self._normal
        line = lines.get(service_id)
        if line is None:
            line = lines[service_id] = deque()
        line.append(ticket)

    def take(self, service_ids: Sequence[int]) -> T | None:
        """The ticket a window serving `service_ids` (in priority order) calls next, removed."""
        for lines in (self._green, self._normal):
            for service_id in service_ids:
                line = lines.get(service_id)
                if line:
                    return line.popleft()
        return None

    def waiting(self, service_ids: Sequence[int]) -> int:
        return sum(
            len(lines.get(service_id, ()))
            for lines in (self._green, self._normal)
            for service_id in service_ids
        )


def estimate_wait_minutes(ahead: int, mean_handle_minutes: float, open_windows: int) -> int:
    """People ahead × mean handling time ÷ windows serving them, rounded up to a minute."""
    if ahead <= 0:
        return 0
    windows = max(1, open_windows)
    minutes = ahead * mean_handle_minutes / windows
    return max(1, int(-(-minutes // 1)))
