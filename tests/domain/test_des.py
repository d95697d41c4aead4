"""The discrete-event calendar both the demo and the staffing plan run on."""

from __future__ import annotations

import pytest

from server.domain.des import EventCalendar, Process, Simulation, Sleep, WaitFor


def test_generator_processes_follow_the_demos_rules_of_time() -> None:
    """The same story as tests/test_demo.py's coroutine actors, with generator processes:
    simultaneous wake-ups in the order scheduled, a notification after what is due now."""
    sim = Simulation()
    log: list[tuple[str, float]] = []

    def sleeper(name: str, pause: float) -> Process:
        yield Sleep(pause)
        log.append((name, sim.now))
        sim.notify("bell")

    def waiter(name: str) -> Process:
        notified = yield WaitFor(("bell",), 100)
        log.append((f"{name} {'notified' if notified else 'timed out'}", sim.now))

    sim.spawn(waiter("w1"))
    sim.spawn(sleeper("slow", 5))
    sim.spawn(sleeper("fast", 5))
    sim.spawn(waiter("w2"), delay=6)
    sim.run()
    assert log == [
        ("slow", 5.0),
        ("fast", 5.0),
        ("w1 notified", 5.0),
        ("w2 timed out", 106.0),
    ]


def test_a_notified_waiter_is_not_woken_again_by_its_timeout() -> None:
    sim = Simulation()
    wakes: list[tuple[bool | None, float]] = []

    def waiter() -> Process:
        for _ in range(2):
            wakes.append(((yield WaitFor(("a", "b"), 10)), sim.now))

    def bells() -> Process:
        yield Sleep(1)
        sim.notify("a")
        sim.notify("b")  # the waiter was already woken by "a": nothing more

    sim.spawn(waiter())
    sim.spawn(bells())
    sim.run()
    assert wakes == [(True, 1.0), (False, 11.0)]


def test_stop_ends_the_run_between_steps() -> None:
    sim = Simulation()
    ticks: list[float] = []

    def clock() -> Process:
        while True:
            yield Sleep(60)
            ticks.append(sim.now)

    sim.spawn(clock())
    sim.run(stop=lambda: len(ticks) >= 3)
    assert ticks == [60.0, 120.0, 180.0]


def test_a_process_error_is_raised() -> None:
    sim = Simulation()

    def broken() -> Process:
        yield Sleep(1)
        raise RuntimeError("boom")

    sim.spawn(broken())
    with pytest.raises(RuntimeError, match="boom"):
        sim.run()


def test_time_is_whole_milliseconds() -> None:
    calendar: EventCalendar[str] = EventCalendar()
    calendar.schedule("a", 0.0004)  # rounds to the current instant
    calendar.schedule("b", 0.0016)
    first, second = calendar.next(), calendar.next()
    assert first is not None and (first.item, first.at_ms) == ("a", 0)
    assert second is not None and (second.item, second.at_ms) == ("b", 2)
    assert calendar.next() is None and not calendar
