"""Time sources. The queue engine never reads the system clock itself."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware, in UTC."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class ManualClock:
    """A clock that only moves when told to (tests)."""

    def __init__(self, start: datetime) -> None:
        _require_aware(start)
        self._now = start.astimezone(UTC)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> datetime:
        with self._lock:
            self._now += timedelta(seconds=seconds)
            return self._now

    def set(self, instant: datetime) -> None:
        _require_aware(instant)
        with self._lock:
            self._now = instant.astimezone(UTC)


class ScaledClock:
    """Simulated time running `speed` times faster than real time (the demo day).

    It stands still at `start` until `run()` is called, so setting up a hall takes no
    simulated time however long it takes for real.
    """

    def __init__(self, start: datetime, speed: float, *, running: bool = True) -> None:
        _require_aware(start)
        if speed <= 0:
            raise ValueError("speed must be positive")
        self._start = start.astimezone(UTC)
        self._speed = speed
        self._real_start: float | None = time.monotonic() if running else None

    def run(self) -> None:
        """Start the clock moving from where it stands."""
        if self._real_start is None:
            self._real_start = time.monotonic()

    @property
    def speed(self) -> float:
        return self._speed

    def now(self) -> datetime:
        if self._real_start is None:
            return self._start
        elapsed = (time.monotonic() - self._real_start) * self._speed
        return self._start + timedelta(seconds=elapsed)

    def real_seconds_until(self, instant: datetime) -> float:
        """How long to sleep in real time until the simulated clock reaches `instant`."""
        return max(0.0, (instant - self.now()).total_seconds() / self._speed)


def _require_aware(instant: datetime) -> None:
    if instant.tzinfo is None:
        raise ValueError("clock instants must be timezone-aware")
