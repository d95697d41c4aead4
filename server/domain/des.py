"""Discrete-event simulation: one calendar of wake-ups in simulated time.

Two users share it: the demo (`server/demo/des.py`, actors that are coroutines talking to the
real server) and the staffing plan's Monte Carlo (`server/domain/planning/`, processes that
are plain generators). Both get the same rules of time:

- time is whole milliseconds from the start; a wake-up due at the same instant as another
  runs after it if it was scheduled later (first scheduled, first run);
- `notify(signal)` wakes every process waiting for that signal at the current instant, in
  the order they began to wait, after the wake-ups already due at this instant;
- nothing here reads a clock or draws a random number, so a run depends on its inputs only.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Generator, Iterable
from typing import Generic, TypeVar

T = TypeVar("T")


class Wake(Generic[T]):
    """One scheduled wake-up of `item` (a process, a future …)."""

    __slots__ = ("at_ms", "cancelled", "item", "notified")

    def __init__(self, at_ms: int, item: T, notified: bool | None) -> None:
        self.at_ms = at_ms
        self.item = item
        self.notified = notified  # True: by a signal; False: its time came; None: first start
        self.cancelled = False


class EventCalendar(Generic[T]):
    """The wake-ups still to come, earliest first; `now_ms` is the simulated time."""

    def __init__(self) -> None:
        self.now_ms = 0
        self._heap: list[tuple[int, int, Wake[T]]] = []
        self._order = 0
        self._waiting: dict[str, list[Wake[T]]] = {}

    def __bool__(self) -> bool:
        return bool(self._heap)

    def schedule(self, item: T, seconds: float, *, notified: bool | None = False) -> Wake[T]:
        """Wake `item` in `seconds` (0 or less: now, after what is already due now)."""
        at_ms = self.now_ms + round(seconds * 1000) if seconds > 0 else self.now_ms
        self._order += 1
        wake = Wake(at_ms, item, notified)
        heapq.heappush(self._heap, (at_ms, self._order, wake))
        return wake

    def wait(self, item: T, signals: Iterable[str], timeout: float) -> Wake[T]:
        """Wake `item` at the first `notify()` of one of `signals`, or after `timeout` s."""
        wake = self.schedule(item, timeout)
        waiting = self._waiting
        for signal in signals:
            line = waiting.get(signal)
            if line is None:
                waiting[signal] = [wake]
            else:
                line.append(wake)
        return wake

    def notify(self, signal: str) -> None:
        """Wake everything waiting for `signal`, now, in the order they began to wait."""
        line = self._waiting.pop(signal, None)
        if not line:
            return
        heap, now_ms = self._heap, self.now_ms
        for wake in line:
            if not wake.cancelled:
                wake.cancelled = True
                self._order += 1
                heapq.heappush(heap, (now_ms, self._order, Wake(now_ms, wake.item, True)))

    def next(self) -> Wake[T] | None:
        """The next wake-up (None when nothing is left); simulated time moves to it."""
        heap = self._heap
        while heap:
            wake = heapq.heappop(heap)[2]
            if wake.cancelled:
                continue
            wake.cancelled = True  # done: a later notify() of a signal it waited for skips it
            self.now_ms = wake.at_ms
            return wake
        return None


class Sleep:
    """What a process yields to pause `seconds` of simulated time."""

    __slots__ = ("seconds",)

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds


class WaitFor:
    """What a process yields to wait for one of `signals`, at most `timeout` seconds; the
    `yield` then gives True if a signal came, False if the time ran out."""

    __slots__ = ("signals", "timeout")

    def __init__(self, signals: tuple[str, ...], timeout: float) -> None:
        self.signals = signals
        self.timeout = timeout


Process = Generator[Sleep | WaitFor, bool | None, None]


class Simulation:
    """Runs processes that are generators: each runs until it yields a `Sleep` or a
    `WaitFor`, and resumes when that is over (one process at a time, in simulated time)."""

    def __init__(self) -> None:
        self.calendar: EventCalendar[Process] = EventCalendar()

    @property
    def now(self) -> float:
        """Simulated seconds since the start."""
        return self.calendar.now_ms / 1000

    def spawn(self, process: Process, delay: float = 0.0) -> None:
        """Start `process` after `delay` simulated seconds."""
        self.calendar.schedule(process, delay, notified=None)

    def notify(self, signal: str) -> None:
        self.calendar.notify(signal)

    def run(self, stop: Callable[[], bool] | None = None) -> None:
        """Run until nothing is scheduled, or until `stop()` says so (asked after each step).
        A process's error is raised here."""
        calendar = self.calendar
        schedule, wait, next_wake = calendar.schedule, calendar.wait, calendar.next
        while (wake := next_wake()) is not None:
            process = wake.item
            try:
                command = process.send(wake.notified)
            except StopIteration:
                command = None
            if type(command) is Sleep:
                schedule(process, command.seconds)
            elif type(command) is WaitFor:
                wait(process, command.signals, command.timeout)
            if stop is not None and stop():
                return
