"""The recommendation: the target met every hour, with no window to spare."""

from __future__ import annotations

import math
import random

from server.domain.planning import erlang
from server.domain.planning.model import (
    HOUR,
    Empirical,
    Exponential,
    HallModel,
    ServiceModel,
    WindowModel,
    staffing_by_hour,
)
from server.domain.planning.montecarlo import draw_runs, over_counts, simulate_runs
from server.domain.planning.plan import make_plan
from server.domain.planning.search import meets_target, recommend

ISSUE = ((9 * HOUR, 12 * HOUR), (13.5 * HOUR, 17 * HOUR))


def lognormal(mean_minutes: float, rng: random.Random) -> Empirical:
    return Empirical(
        tuple(rng.lognormvariate(math.log(mean_minutes * 60) - 0.1, 0.45) for _ in range(300))
    )


def demo_like_hall() -> HallModel:
    rng = random.Random(3)
    services = (
        ServiceModel(1, "户籍办理", 1200, lognormal(6.5, rng), 0.06, ISSUE, "A"),
        ServiceModel(2, "社保医保", 1200, lognormal(5, rng), 0.06, ISSUE, "B"),
        ServiceModel(3, "不动产登记", 1800, lognormal(12.5, rng), 0.06, ISSUE, "C"),
    )
    windows = (
        WindowModel(1, "1", (1, 2)),
        WindowModel(2, "2", (1, 2)),
        WindowModel(3, "3", (2, 1)),
        WindowModel(4, "4", (3,)),
        WindowModel(5, "5", (3, 1)),
        WindowModel(6, "6", (1, 2)),
    )
    return HallModel(services, windows)


DEMAND = {
    1: {9: 14.0, 10: 18.0, 11: 12.0, 13: 3.0, 14: 12.0, 15: 10.0, 16: 7.0},
    2: {9: 12.0, 10: 15.0, 11: 11.0, 13: 3.0, 14: 11.0, 15: 9.0, 16: 7.0},
    3: {9: 4.0, 10: 6.0, 11: 4.0, 13: 1.0, 14: 4.0, 15: 3.0, 16: 3.0},
}


def evaluate(hall: HallModel, open_windows: dict[int, tuple[int, ...]], runs: list) -> bool:  # type: ignore[type-arg]
    waits = simulate_runs(hall, staffing_by_hour(open_windows), runs, close_s=17 * HOUR)
    return meets_target(over_counts(hall, runs, waits, range(9, 17)))


def test_every_hour_meets_the_target_and_no_window_is_spare() -> None:
    hall = demo_like_hall()
    runs = draw_runs(hall, DEMAND, 20, seed=5)
    found = recommend(hall, DEMAND, runs, close_s=17 * HOUR)
    assert not found.unmet
    assert set(found.open_windows) == set(range(9, 17))
    assert evaluate(hall, found.open_windows, runs)  # the whole day, as planned
    for hour, windows in found.open_windows.items():
        if windows:  # the window chosen last in any hour is needed
            fewer = {**found.open_windows, hour: windows[:-1]}
            assert not evaluate(hall, fewer, runs), hour
    # every service expected in an hour finds a window open that hour or the next
    for hour, windows in found.open_windows.items():
        served = {s for w in windows for s in hall.window(w).service_ids}
        served |= {
            s for w in found.open_windows.get(hour + 1, ()) for s in hall.window(w).service_ids
        }
        assert {s for s, hours in DEMAND.items() if hours.get(hour)} <= served
    # busier hours get more windows than quiet ones
    assert len(found.open_windows[10]) > len(found.open_windows[16])


def test_a_steady_hour_gets_what_erlang_c_asks_for() -> None:
    """One service, the same arrivals all day: in the middle of the day the plan asks for the
    windows the steady-state formula does (give or take one: a day starts empty)."""
    hall = HallModel(
        (ServiceModel(1, "综合受理", 600, Exponential(480)),),
        tuple(WindowModel(i, str(i), (1,)) for i in range(1, 13)),
    )
    demand = {1: dict.fromkeys(range(9, 17), 40.0)}
    runs = draw_runs(hall, demand, 30, seed=2)
    found = recommend(hall, demand, runs, close_s=17 * HOUR)
    formula = erlang.windows_needed(40 / HOUR, 480, 600, 0.10)
    assert formula == 7  # 5.3 erlangs
    print({h: len(w) for h, w in found.open_windows.items()})
    for hour in (11, 12, 13, 14):
        assert abs(len(found.open_windows[hour]) - formula) <= 1, found.open_windows


def test_an_hour_the_windows_cannot_serve_is_reported_and_not_starved() -> None:
    """不动产登记 has one window and brings more than it can handle at 10:00: the hour is
    reported, and the hours around it keep that window open rather than make it worse."""
    rng = random.Random(1)
    hall = HallModel(
        (
            ServiceModel(1, "户籍办理", 1200, lognormal(5, rng), 0.0, ISSUE, "A"),
            ServiceModel(2, "不动产登记", 1200, lognormal(15, rng), 0.0, ISSUE, "C"),
        ),
        (WindowModel(1, "1", (1,)), WindowModel(2, "2", (1,)), WindowModel(3, "3", (2,))),
    )
    demand = {1: {9: 10.0, 10: 10.0, 11: 10.0}, 2: {9: 2.0, 10: 7.0, 11: 2.0}}
    runs = draw_runs(hall, demand, 20, seed=4)
    found = recommend(hall, demand, runs, close_s=12 * HOUR)
    assert 10 in found.unmet
    assert all(3 in found.open_windows[h] for h in (10, 11))
    plan = make_plan(hall, demand, staffing_by_hour(found.open_windows), runs=20, seed=4)
    assert plan.unmet == found.unmet
    row = next(r for r in plan.hours if r.hour == 10)
    assert row.plan.over_by_service[2] is not None and row.plan.over_by_service[2] > 0.1


def test_the_plan_compares_with_the_current_staffing_on_the_same_days() -> None:
    hall = demo_like_hall()
    everything = {
        w.window_id: ((9 * HOUR, 12 * HOUR), (13 * HOUR, 17 * HOUR)) for w in hall.windows
    }
    plan = make_plan(hall, DEMAND, everything, runs=10, seed=9)
    assert [h.hour for h in plan.hours] == list(range(9, 17))
    assert plan.current_window_hours == 6 * 7 and plan.plan_window_hours < 6 * 7
    # the same simulated applicants on both sides
    for row in plan.hours:
        assert row.plan.arrivals == row.current.arrivals
    assert plan.plan_day.pooled.tickets == plan.current_day.pooled.tickets
    # all six windows wait less than the plan's fewer, and the plan still meets the target
    assert plan.current_day.pooled.wait_mean_s is not None
    assert plan.plan_day.pooled.wait_mean_s is not None
    assert plan.current_day.pooled.wait_mean_s < plan.plan_day.pooled.wait_mean_s
    assert all(
        row.plan.pooled.over_rate is None or row.plan.pooled.over_rate <= 0.1 for row in plan.hours
    )
    low, high = plan.plan_day.wait_mean_range or (0, 0)
    assert low <= plan.plan_day.pooled.wait_mean_s <= high
    assert plan.simulated_days > 2 * 10
