"""What the simulation of a hall's day is made of: services, windows, demand, staffing.

Times of day are seconds after local midnight of the day simulated (the hall's zone).
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass

HOUR = 3600.0


@dataclass(frozen=True)
class Empirical:
    """A duration drawn from what was seen (each past value equally likely): keeps the long
    tail of real handling times that a mean or a fitted curve would lose."""

    samples: tuple[float, ...]

    def draw(self, rng: random.Random) -> float:
        return self.samples[int(rng.random() * len(self.samples))]

    @property
    def mean(self) -> float:
        return sum(self.samples) / len(self.samples)


@dataclass(frozen=True)
class Exponential:
    """A memoryless duration (the textbook M/M/c queue; the Erlang C check uses it)."""

    mean: float

    def draw(self, rng: random.Random) -> float:
        return rng.expovariate(1.0 / self.mean)


Duration = Empirical | Exponential


@dataclass(frozen=True)
class ServiceModel:
    service_id: int
    name: str
    target_wait_s: float
    # the window's time per ticket called: walking up, handling, or the calls of a no-show
    occupancy: Duration
    green_share: float = 0.0  # share of tickets in the green channel (called first)
    # hours of issue as (start, end) seconds of the day; empty = all day
    issue_hours: tuple[tuple[float, float], ...] = ()
    prefix: str = ""


@dataclass(frozen=True)
class WindowModel:
    window_id: int
    number: str
    service_ids: tuple[int, ...]  # in the window's order of priority


@dataclass(frozen=True)
class HallModel:
    services: tuple[ServiceModel, ...]
    windows: tuple[WindowModel, ...]

    def service(self, service_id: int) -> ServiceModel:
        return next(s for s in self.services if s.service_id == service_id)

    def window(self, window_id: int) -> WindowModel:
        return next(w for w in self.windows if w.window_id == window_id)

    @property
    def close_s(self) -> float | None:
        """When the last service stops issuing tickets (None: some issue all day)."""
        if not self.services or any(not s.issue_hours for s in self.services):
            return None
        return max(end for s in self.services for _, end in s.issue_hours)


# expected arrivals: service id -> hour of the day -> tickets in that hour
Demand = Mapping[int, Mapping[int, float]]
# open time of each window: window id -> (start, end) intervals, seconds of the day, in order
Staffing = Mapping[int, tuple[tuple[float, float], ...]]


@dataclass(frozen=True)
class Arrival:
    at: float  # seconds of the day it entered the queue
    service_id: int
    green: bool
    occupancy: float  # drawn on arrival, so every staffing tried meets the same applicants


def hours_of(demand: Demand) -> list[int]:
    """The hours from the first with any expected arrival to the last (the plan's hours)."""
    busy = sorted({h for hours in demand.values() for h, n in hours.items() if n > 0})
    return list(range(busy[0], busy[-1] + 1)) if busy else []


def staffing_by_hour(
    open_windows: Mapping[int, tuple[int, ...]],
) -> dict[int, tuple[tuple[float, float], ...]]:
    """Open windows per hour (hour -> window ids) as each window's open intervals, consecutive
    hours joined."""
    spans: dict[int, list[tuple[float, float]]] = {}
    for hour in sorted(open_windows):
        start, end = hour * HOUR, (hour + 1) * HOUR
        for window_id in open_windows[hour]:
            mine = spans.setdefault(window_id, [])
            if mine and mine[-1][1] == start:
                mine[-1] = (mine[-1][0], end)
            else:
                mine.append((start, end))
    return {w: tuple(s) for w, s in spans.items()}


def open_hours(staffing: Staffing, hour: int) -> float:
    """Window-hours open during `hour` (e.g. 5.5: five windows and one for half the hour)."""
    start, end = hour * HOUR, (hour + 1) * HOUR
    total = 0.0
    for intervals in staffing.values():
        for a, b in intervals:
            total += max(0.0, min(b, end) - max(a, start))
    return total / HOUR
