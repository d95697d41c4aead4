"""A day's staffing plan: the recommended windows per hour, and what the simulated days say
of it and of the hall's current staffing, side by side."""

from __future__ import annotations

from dataclasses import dataclass

from server.domain.planning.model import (
    HOUR,
    Demand,
    HallModel,
    Staffing,
    hours_of,
    open_hours,
    staffing_by_hour,
)
from server.domain.planning.montecarlo import (
    GroupResult,
    draw_runs,
    simulate_runs,
    summarize,
)
from server.domain.planning.search import TARGET_SHARE, recommend


@dataclass(frozen=True)
class HourPlan:
    hour: int
    arrivals: float  # expected tickets entering the queue in this hour
    arrivals_by_service: dict[int, float]
    windows: tuple[str, ...]  # the numbers of the windows to open
    plan: GroupResult
    current_open: float  # window-hours open in this hour in the current staffing
    current: GroupResult


@dataclass(frozen=True)
class DayPlan:
    hours: list[HourPlan]
    plan_day: GroupResult
    current_day: GroupResult
    unmet: frozenset[int]  # hours the target cannot be met in, even with every window
    runs: int
    simulated_days: int  # by the search and the two evaluations

    @property
    def plan_window_hours(self) -> int:
        return sum(len(h.windows) for h in self.hours)

    @property
    def current_window_hours(self) -> float:
        return sum(h.current_open for h in self.hours)


def close_of(hall: HallModel, demand: Demand) -> float:
    """When tickets stop being issued: the end of the hours of issue, else of the last hour
    anyone is expected."""
    close = hall.close_s
    if close is not None:
        return close
    hours = hours_of(demand)
    return (hours[-1] + 1) * HOUR if hours else 0.0


def make_plan(
    hall: HallModel, demand: Demand, current: Staffing, *, runs: int, seed: int
) -> DayPlan:
    """Recommend windows per hour for `demand`, and evaluate that and `current` on the same
    simulated days (`runs` of them, from `seed`)."""
    close_s = close_of(hall, demand)
    days = draw_runs(hall, demand, runs, seed)
    found = recommend(hall, demand, days, close_s=close_s, share=TARGET_SHARE)
    hours = hours_of(demand)
    proposed = staffing_by_hour(found.open_windows)
    plan = summarize(hall, days, simulate_runs(hall, proposed, days, close_s=close_s), hours)
    now = summarize(hall, days, simulate_runs(hall, current, days, close_s=close_s), hours)
    number = {w.window_id: w.number for w in hall.windows}
    rows = [
        HourPlan(
            hour,
            sum(demand.get(s.service_id, {}).get(hour, 0.0) for s in hall.services),
            {s.service_id: demand.get(s.service_id, {}).get(hour, 0.0) for s in hall.services},
            tuple(sorted((number[w] for w in found.open_windows[hour]), key=window_sort_key)),
            plan.hours[hour],
            open_hours(current, hour),
            now.hours[hour],
        )
        for hour in hours
    ]
    return DayPlan(rows, plan.day, now.day, found.unmet, runs, found.simulated_days + 2 * runs)


def window_sort_key(number: str) -> tuple[int, str]:
    """Windows in the order of their numbers (2 before 10); other names after."""
    return (int(number), number) if number.isdigit() else (1 << 30, number)
