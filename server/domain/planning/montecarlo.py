"""Many simulated days of one staffing, and what they say per hour of arrival.

Run `r` of a seed always meets the same applicants (arrival times, priorities and occupancies
come from streams named by seed, run and service), whatever the staffing: two staffings are
compared on the same days (common random numbers), and a seed gives the same figures on any
machine.

Per hour (of entering the queue, like the 统计 pages' hour of issue): the mean and the
90th-percentile wait over called tickets, and the 超时等候率 — tickets whose wait exceeded
their service's target, plus tickets never called, over all tickets — as in
docs/indicators.md. The headline figure pools every run's tickets (the expected value); the
spread is the 10th–90th percentile of the per-run figures (eight days in ten fall inside).
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from server.domain.planning.day import draw_arrivals, simulate_day
from server.domain.planning.model import HOUR, Arrival, Demand, HallModel, Staffing

Runs = list[list[Arrival]]
Waits = list[list[float | None]]


def draw_runs(hall: HallModel, demand: Demand, runs: int, seed: int) -> Runs:
    return [
        draw_arrivals(
            hall,
            demand,
            {s.service_id: random.Random(f"{seed}:{run}:{s.service_id}") for s in hall.services},
        )
        for run in range(runs)
    ]


def simulate_runs(
    hall: HallModel,
    staffing: Staffing,
    runs: Runs,
    *,
    close_s: float,
    horizon_s: float | None = None,
) -> Waits:
    return [
        simulate_day(hall, staffing, arrivals, close_s=close_s, horizon_s=horizon_s)
        for arrivals in runs
    ]


def nearest_rank(ordered: Sequence[float], fraction: float) -> float:
    """The value at rank ⌈fraction·n⌉ of a sorted list (docs/indicators.md)."""
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


@dataclass(frozen=True)
class Figures:
    """Waits of one group of tickets (an hour, or the day)."""

    tickets: int
    called: int
    wait_mean_s: float | None
    wait_p90_s: float | None
    over_rate: float | None

    @classmethod
    def of(cls, waits: Iterable[float | None], targets: Iterable[float]) -> Figures:
        called: list[float] = []
        tickets = over = 0
        for wait, target in zip(waits, targets, strict=True):
            tickets += 1
            if wait is None:
                over += 1
            else:
                called.append(wait)
                over += wait > target
        called.sort()
        return cls(
            tickets,
            len(called),
            sum(called) / len(called) if called else None,
            nearest_rank(called, 0.9) if called else None,
            over / tickets if tickets else None,
        )


Range = tuple[float, float] | None


def spread(values: Iterable[float | None]) -> Range:
    """10th–90th percentile of the runs' figures (the runs that have one)."""
    ordered = sorted(v for v in values if v is not None)
    if not ordered:
        return None
    return nearest_rank(ordered, 0.1), nearest_rank(ordered, 0.9)


@dataclass(frozen=True)
class GroupResult:
    pooled: Figures  # every run's tickets together: the expected figures
    arrivals: float  # tickets per day (mean over runs)
    wait_mean_range: Range
    wait_p90_range: Range
    over_rate_range: Range
    over_by_service: dict[int, float | None] = field(default_factory=dict)  # pooled 超时等候率


@dataclass(frozen=True)
class Outcome:
    hours: dict[int, GroupResult]
    day: GroupResult


Tickets = tuple[list[float | None], list[float], list[int]]  # waits, targets, services


def _group(per_run: list[Tickets]) -> GroupResult:
    waits = [w for run_waits, _, _ in per_run for w in run_waits]
    targets = [t for _, run_targets, _ in per_run for t in run_targets]
    services = [s for _, _, run_services in per_run for s in run_services]
    figures = [Figures.of(w, t) for w, t, _ in per_run]
    by_service: dict[int, list[int]] = {}
    for wait, target, service in zip(waits, targets, services, strict=True):
        pair = by_service.setdefault(service, [0, 0])
        pair[0] += wait is None or wait > target
        pair[1] += 1
    return GroupResult(
        Figures.of(waits, targets),
        len(waits) / len(per_run) if per_run else 0.0,
        spread(f.wait_mean_s for f in figures),
        spread(f.wait_p90_s for f in figures),
        spread(f.over_rate for f in figures),
        {s: over / n for s, (over, n) in sorted(by_service.items())},
    )


def summarize(hall: HallModel, runs: Runs, waits: Waits, hours: Iterable[int]) -> Outcome:
    """Per hour of arrival (every hour in `hours`, even one nobody came in) and for the day."""
    target = {s.service_id: s.target_wait_s for s in hall.services}

    def empty() -> list[Tickets]:
        return [([], [], []) for _ in runs]

    by_hour = {h: empty() for h in hours}
    day = empty()
    for r, (arrivals, run_waits) in enumerate(zip(runs, waits, strict=True)):
        for arrival, wait in zip(arrivals, run_waits, strict=True):
            hour = int(arrival.at // HOUR)
            groups = by_hour.get(hour) or by_hour.setdefault(hour, empty())
            for w, t, s in (groups[r], day[r]):
                w.append(wait)
                t.append(target[arrival.service_id])
                s.append(arrival.service_id)
    return Outcome({h: _group(g) for h, g in sorted(by_hour.items())}, _group(day))


def over_counts(
    hall: HallModel, runs: Runs, waits: Waits, hours: Iterable[int]
) -> dict[tuple[int, int], tuple[int, int]]:
    """(hour, service id) -> (tickets over target, tickets), every run together, for the
    hours in `hours` (what the search looks at, quickly)."""
    target = {s.service_id: s.target_wait_s for s in hall.services}
    wanted = set(hours)
    counts: dict[tuple[int, int], list[int]] = {}
    for arrivals, run_waits in zip(runs, waits, strict=True):
        for arrival, wait in zip(arrivals, run_waits, strict=True):
            hour = int(arrival.at // HOUR)
            if hour in wanted:
                key = (hour, arrival.service_id)
                pair = counts.get(key)
                if pair is None:
                    pair = counts[key] = [0, 0]
                pair[1] += 1
                if wait is None or wait > target[arrival.service_id]:
                    pair[0] += 1
    return {key: (over, n) for key, (over, n) in counts.items()}
