"""A small discrete-event scheduler for actors that talk to the real server.

Actors are coroutines (applicants, clerks, …) that wait in simulated time with
`await sim.sleep(s)` or `await sim.wait(signal, timeout)`. Exactly one actor runs at a time:
the scheduler wakes the earliest one, and the simulated clock (a ManualClock the server reads
too) moves on only when that actor is waiting again, i.e. when the server has answered every
request due at the current instant. Simultaneous wake-ups run in the order they were
scheduled. So a seed gives the same day whatever the speed and however fast the machine is;
`pace` only decides how much real time an instant of simulated time takes.
"""

from __future__ import annotations

import asyncio
import heapq
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from server.domain.clock import ManualClock


@dataclass(order=True)
class _Wake:
    at_ms: int
    order: int
    future: asyncio.Future[bool] = field(compare=False)
    notified: bool = field(default=False, compare=False)
    cancelled: bool = field(default=False, compare=False)


class Scheduler:
    def __init__(self, clock: ManualClock, *, speed: float | None) -> None:
        """`speed`: simulated seconds per real second; None runs as fast as the server answers."""
        self.clock = clock
        self.speed = speed
        self._origin = clock.now()
        self._now_ms = 0
        self._heap: list[_Wake] = []
        self._order = 0
        self._turn: asyncio.Future[None] | None = None  # resolved when the running actor waits
        self._actors: set[asyncio.Task[None]] = set()
        self._failure: BaseException | None = None
        self._waiting: dict[str, list[_Wake]] = {}
        self.on_instant: Callable[[datetime], None] | None = None

    # ----------------------------------------------------------------------------- for actors

    def now(self) -> datetime:
        return self.clock.now()

    def at(self, instant: datetime) -> float:
        """Seconds from now until `instant` (0 if it has passed)."""
        return max(0.0, (instant - self.now()).total_seconds())

    async def sleep(self, seconds: float) -> None:
        await self._park(self._schedule(max(0.0, seconds)))

    async def sleep_until(self, instant: datetime) -> None:
        await self.sleep(self.at(instant))

    async def wait(self, signals: list[str], timeout: float) -> bool:
        """Wait for `notify()` of one of `signals`, or `timeout` seconds; True when notified."""
        wake = self._schedule(max(0.0, timeout))
        for signal in signals:
            self._waiting.setdefault(signal, []).append(wake)
        return await self._park(wake)

    def notify(self, signal: str) -> None:
        """Wake every actor waiting for `signal`, at the current instant, in the order they began."""
        for wake in self._waiting.pop(signal, []):
            if not wake.cancelled and not wake.future.done():
                wake.cancelled = True
                self._push(self._now_ms, wake.future, notified=True)

    def spawn(self, actor: Coroutine[Any, Any, None], delay: float = 0.0) -> None:
        """Start `actor` after `delay` simulated seconds (in turn, like any wake-up)."""
        start = self._schedule(delay)

        async def run() -> None:
            try:
                await start.future
                await actor
            except BaseException as exc:
                if self._failure is None:
                    self._failure = exc
            finally:
                self._yield_turn()

        task = asyncio.create_task(run())
        self._actors.add(task)
        task.add_done_callback(self._actors.discard)

    # ----------------------------------------------------------------------------- the loop

    async def run(self) -> None:
        """Run until no actor has anything scheduled (or one fails: its error is raised)."""
        real_start = time.monotonic()
        sim_start_ms = self._now_ms
        while self._heap:
            wake = heapq.heappop(self._heap)
            if wake.cancelled:
                continue
            if wake.at_ms != self._now_ms:
                if self.speed:
                    due = real_start + (wake.at_ms - sim_start_ms) / 1000 / self.speed
                    await asyncio.sleep(max(0.0, due - time.monotonic()))
                self._now_ms = wake.at_ms
                self.clock.set(self._origin + timedelta(milliseconds=wake.at_ms))
                if self.on_instant is not None:
                    self.on_instant(self.clock.now())
            loop = asyncio.get_running_loop()
            self._turn = loop.create_future()
            wake.future.set_result(wake.notified)
            await self._turn  # the actor runs (and talks to the server) until it waits again
            if self._failure is not None:
                self.close()
                raise self._failure

    def close(self) -> None:
        """Stop the actors still waiting (after a failure)."""
        for task in list(self._actors):
            task.cancel()

    # ----------------------------------------------------------------------------- internals

    def _schedule(self, seconds: float) -> _Wake:
        loop = asyncio.get_running_loop()
        return self._push(self._now_ms + round(seconds * 1000), loop.create_future())

    def _push(self, at_ms: int, future: asyncio.Future[bool], *, notified: bool = False) -> _Wake:
        self._order += 1
        wake = _Wake(at_ms, self._order, future, notified)
        heapq.heappush(self._heap, wake)
        return wake

    async def _park(self, wake: _Wake) -> bool:
        self._yield_turn()
        return await wake.future

    def _yield_turn(self) -> None:
        if self._turn is not None and not self._turn.done():
            self._turn.set_result(None)
