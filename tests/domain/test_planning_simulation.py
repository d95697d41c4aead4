"""The staffing plan's simulation, checked against what is known exactly: the Erlang C
formulas of the M/M/c queue, and the first-come-first-served recursion on the same inputs."""

from __future__ import annotations

import heapq
import random

import pytest

from server.domain.planning import erlang
from server.domain.planning.day import draw_arrivals, simulate_day
from server.domain.planning.model import (
    HOUR,
    Arrival,
    Empirical,
    Exponential,
    HallModel,
    ServiceModel,
    WindowModel,
)
from server.domain.planning.montecarlo import Figures, draw_runs, simulate_runs


def one_service_hall(windows: int, mean_s: float, target_s: float = 600.0) -> HallModel:
    return HallModel(
        (ServiceModel(1, "综合受理", target_s, Exponential(mean_s)),),
        tuple(WindowModel(i, str(i), (1,)) for i in range(1, windows + 1)),
    )


def test_erlang_c_by_hand() -> None:
    assert erlang.erlang_c(1, 0.5) == pytest.approx(0.5)  # M/M/1: P(wait) = ρ
    assert erlang.erlang_c(2, 1.0) == pytest.approx(1 / 3)
    assert erlang.mean_wait(1, 0.5 / 60, 60) == pytest.approx(60)  # ρ/(μ − λ)
    assert erlang.erlang_c(3, 3.0) == 1.0 and erlang.mean_wait(3, 1 / 60, 180) == float("inf")
    assert erlang.windows_needed(24 / HOUR, 360, 600, 0.1) == 4


def test_mean_wait_agrees_with_erlang_c() -> None:
    """Two windows, Poisson arrivals, exponential handling (6 min), half busy: 500,000
    applicants in 10 seeded runs (each a long day whose first 50 hours, the filling of an
    empty hall, are left out). Over seeds the estimate's spread is ±0.8 % (one standard
    deviation, measured with the same sample size), so 3 % is a real agreement, not luck;
    the share waiting over 5 minutes, C·e^{−(c−a)t/h}, is checked as well."""
    windows, mean, per_hour, hours, warm_up = 2, 360.0, 10.0, 5050, 50
    hall = one_service_hall(windows, mean)
    demand = {1: dict.fromkeys(range(hours), per_hour)}
    staffing = {w.window_id: ((0.0, hours * HOUR),) for w in hall.windows}
    runs = draw_runs(hall, demand, 10, seed=30)
    all_waits = simulate_runs(hall, staffing, runs, close_s=hours * HOUR)
    waits = [
        w
        for arrivals, run in zip(runs, all_waits, strict=True)
        for a, w in zip(arrivals, run, strict=True)
        if a.at >= warm_up * HOUR and w is not None
    ]
    assert len(waits) > 480_000
    expected = erlang.mean_wait(windows, per_hour / HOUR, mean)  # 2 min
    assert sum(waits) / len(waits) == pytest.approx(expected, rel=0.03)
    over = sum(w > 300 for w in waits) / len(waits)
    assert over == pytest.approx(erlang.wait_exceeds(windows, per_hour / HOUR, mean, 300), rel=0.03)


def test_a_day_is_first_come_first_served_exactly() -> None:
    """One service, three windows: every wait equals the FCFS multi-server recursion (the
    next applicant goes to the window free first) on the same arrivals and handling times."""
    hall = one_service_hall(3, 400.0)
    demand = {1: dict.fromkeys(range(8, 17), 25.0)}
    arrivals = draw_arrivals(hall, demand, {1: random.Random(7)})
    staffing = {w.window_id: ((0.0, 17 * HOUR),) for w in hall.windows}
    waits = simulate_day(hall, staffing, arrivals, close_s=17 * HOUR)
    free = [0.0] * 3
    for arrival, wait in zip(arrivals, waits, strict=True):
        start = max(heapq.heappop(free), arrival.at)
        heapq.heappush(free, start + arrival.occupancy)
        assert wait == pytest.approx(start - arrival.at, abs=0.01)  # times are whole ms
    assert max(w for w in waits if w is not None) > 600  # a real queue, not an empty hall


def test_arrivals_come_in_the_hours_of_issue_at_the_expected_rate() -> None:
    hall = HallModel(
        (
            ServiceModel(
                1,
                "户籍",
                1200,
                Empirical((300.0, 420.0)),
                green_share=0.25,
                issue_hours=((9 * HOUR, 12 * HOUR), (13.5 * HOUR, 17 * HOUR)),
            ),
        ),
        (WindowModel(1, "1", (1,)),),
    )
    demand = {1: {9: 10.0, 13: 6.0, 12: 4.0}}  # 12:00–13:30 is closed: spread over the hour
    runs = draw_runs(hall, demand, 400, seed=1)
    by_hour: dict[int, int] = {}
    for arrival in (a for run in runs for a in run):
        by_hour[int(arrival.at // HOUR)] = by_hour.get(int(arrival.at // HOUR), 0) + 1
        if arrival.at // HOUR == 13:
            assert arrival.at >= 13.5 * HOUR
        assert arrival.occupancy in (300.0, 420.0)
    assert by_hour[9] / 400 == pytest.approx(10, rel=0.05)
    assert by_hour[13] / 400 == pytest.approx(6, rel=0.06)
    assert by_hour[12] / 400 == pytest.approx(4, rel=0.08)
    green = sum(a.green for run in runs for a in run) / sum(map(len, runs))
    assert green == pytest.approx(0.25, abs=0.02)


def test_green_channel_and_window_order_decide_who_is_called() -> None:
    """One window serving B before A: a green A ticket first, then B, then the older A."""
    hall = HallModel(
        (
            ServiceModel(1, "A", 600, Exponential(60)),
            ServiceModel(2, "B", 600, Exponential(60)),
        ),
        (WindowModel(1, "1", (2, 1)),),
    )
    arrivals = [
        Arrival(10.0, 1, False, 60.0),  # A, normal, first in
        Arrival(20.0, 2, False, 60.0),  # B, normal
        Arrival(30.0, 1, True, 60.0),  # A, green
    ]
    staffing = {1: ((100.0, 1000.0),)}
    waits = simulate_day(hall, staffing, arrivals, close_s=1000)
    assert waits == [pytest.approx(210.0), pytest.approx(140.0), pytest.approx(70.0)]


def test_windows_close_on_time_but_nobody_is_sent_home_after_closing() -> None:
    hall = one_service_hall(2, 60.0)
    arrivals = [Arrival(t, 1, False, 600.0) for t in (0.0, 1.0, 2.0, 3.0)]
    # window 1 works 0–300 s only; window 2 until closing (400 s), then finishes the queue
    staffing = {1: ((0.0, 300.0),), 2: ((0.0, 400.0),)}
    waits = simulate_day(hall, staffing, arrivals, close_s=400)
    assert waits == [
        pytest.approx(0.0),
        pytest.approx(0.0),
        pytest.approx(599.0),  # window 2 is free at 601 s; window 1 left at 600 s (after 300 s)
        pytest.approx(1198.0),  # after closing, window 2 goes on until nobody is left
    ]
    # the same without the drain (closing later than every window's end): never called
    assert simulate_day(hall, staffing, arrivals, close_s=10_000)[3] is None


def test_figures_follow_the_indicator_definitions() -> None:
    figures = Figures.of([60.0, 600.0, 1300.0, None], [1200.0] * 4)
    assert figures.tickets == 4 and figures.called == 3
    assert figures.wait_mean_s == pytest.approx(653.33, abs=0.01)
    assert figures.wait_p90_s == 1300.0  # nearest rank: ⌈0.9 × 3⌉ = 3rd
    assert figures.over_rate == 0.5  # 1300 s over 20 min, and the one never called
