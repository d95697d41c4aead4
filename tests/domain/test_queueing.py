from __future__ import annotations

from datetime import UTC, datetime, timedelta

from server.domain.enums import Priority
from server.domain.queueing import Candidate, estimate_wait_minutes, format_number, pick_next

T0 = datetime(2026, 11, 26, 1, 0, tzinfo=UTC)


def c(
    ticket_id: int, service: int, minutes: int, priority: Priority = Priority.normal
) -> Candidate:
    return Candidate(ticket_id, service, priority, T0 + timedelta(minutes=minutes))


def test_numbers_have_three_digits_then_grow() -> None:
    assert format_number("A", 1) == "A001"
    assert format_number("B", 42) == "B042"
    assert format_number("C", 1000) == "C1000"


def test_green_channel_first_then_service_order_then_time() -> None:
    candidates = [c(1, 10, 0), c(2, 20, 1), c(3, 20, 5, Priority.green), c(4, 10, 2)]
    # green channel beats everything, even a later one of the second service
    assert pick_next(candidates, [10, 20]) == candidates[2]
    without_green = candidates[:2] + candidates[3:]
    # the window's first service comes before an earlier ticket of its second
    assert pick_next(without_green, [20, 10]) == candidates[1]
    assert pick_next(without_green, [10, 20]) == candidates[0]


def test_same_instant_falls_back_to_ticket_id() -> None:
    assert pick_next([c(9, 10, 0), c(8, 10, 0)], [10]).ticket_id == 8  # type: ignore[union-attr]


def test_services_the_window_does_not_serve_are_ignored() -> None:
    assert pick_next([c(1, 30, 0)], [10, 20]) is None


def test_estimated_wait() -> None:
    assert estimate_wait_minutes(0, 10, 2) == 0
    assert estimate_wait_minutes(3, 10, 2) == 15
    assert estimate_wait_minutes(1, 0.2, 5) == 1  # never "0 minutes" while someone is ahead
    assert estimate_wait_minutes(4, 5, 0) == 20  # no open window: count as one


def test_scaled_clock_stands_still_until_run() -> None:
    import time

    from server.domain.clock import ScaledClock

    clock = ScaledClock(T0, speed=1000, running=False)
    time.sleep(0.01)
    assert clock.now() == T0
    clock.run()
    time.sleep(0.01)
    assert clock.now() > T0 + timedelta(seconds=5)
    assert clock.real_seconds_until(T0) == 0.0


def test_waiting_lines_call_in_the_order_of_pick_next() -> None:
    """The simulation's lines give, call after call, exactly the ticket pick_next would."""
    import random

    from server.domain.queueing import WaitingLines

    rng = random.Random(30)
    for _ in range(200):
        candidates = sorted(
            (
                c(i, rng.choice([10, 20, 30]), rng.randrange(40), rng.choice(list(Priority)))
                for i in range(1, rng.randrange(2, 25))
            ),
            key=lambda x: (x.entered_queue_at, x.ticket_id),
        )
        lines: WaitingLines[Candidate] = WaitingLines()
        for x in candidates:
            lines.add(x.service_id, x.priority != Priority.normal, x)
        left = list(candidates)
        while True:
            services = rng.sample([10, 20, 30], rng.randrange(1, 4))
            expected = pick_next(left, services)
            assert lines.waiting(services) == sum(x.service_id in services for x in left)
            assert lines.take(services) == expected
            if expected is None:
                if not left:
                    break
                continue
            left.remove(expected)
