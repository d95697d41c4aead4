"""The demo's scheduler: actors that are coroutines and talk to the real server, on the
discrete-event calendar of `server/domain/des.py` (the one the staffing plan's Monte Carlo
uses too, so both follow the same rules of simulated time).

Actors (applicants, clerks, …) wait in simulated time with `await sim.sleep(s)` or
`await sim.wait(signal, timeout)`. Exactly one actor runs at a time: the scheduler wakes the
earliest one, and the simulated clock (a ManualClock the server reads too) moves on only when
that actor is waiting again, i.e. when the server has answered every request due at the
current instant. Simultaneous wake-ups run in the order they were scheduled. So a seed gives
the same day whatever the speed and however fast the machine is; `pace` only decides how much
real time an instant of simulated time takes.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Coroutine
from datetime import datetime, timedelta
from typing import Any

from server.domain.clock import ManualClock
from server.domain.des import EventCalendar


class Scheduler:
    def __init__(self, clock: ManualClock, *, speed: float | None) -> None:
        """`speed`: simulated seconds per real second; None runs as fast as the server answers."""
        self.clock = clock
        self.speed = speed
        self._origin = clock.now()
        self._calendar: EventCalendar[asyncio.Future[bool | None]] = EventCalendar()
        self._turn: asyncio.Future[None] | None = None  # resolved when the running actor waits
        self._actors: set[asyncio.Task[None]] = set()
        self._failure: BaseException | None = None
        self.on_instant: Callable[[datetime], None] | None = None

    # ----------------------------------------------------------------------------- for actors

    def now(self) -> datetime:
        return self.clock.now()

    def at(self, instant: datetime) -> float:
        """Seconds from now until `instant` (0 if it has passed)."""
        return max(0.0, (instant - self.now()).total_seconds())

    async def sleep(self, seconds: float) -> None:
        await self._park(self._calendar.schedule(self._future(), seconds).item)

    async def sleep_until(self, instant: datetime) -> None:
        await self.sleep(self.at(instant))

    async def wait(self, signals: list[str], timeout: float) -> bool:
        """Wait for `notify()` of one of `signals`, or `timeout` seconds; True when notified."""
        wake = self._calendar.wait(self._future(), signals, timeout)
        return bool(await self._park(wake.item))

    def notify(self, signal: str) -> None:
        """Wake every actor waiting for `signal`, at the current instant, in the order they began."""
        self._calendar.notify(signal)

    def spawn(self, actor: Coroutine[Any, Any, None], delay: float = 0.0) -> None:
        """Start `actor` after `delay` simulated seconds (in turn, like any wake-up)."""
        start = self._calendar.schedule(self._future(), delay).item

        async def run() -> None:
            try:
                await start
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
        sim_start_ms = self._calendar.now_ms
        loop = asyncio.get_running_loop()
        while True:
            before = self._calendar.now_ms
            wake = self._calendar.next()
            if wake is None:
                break
            if wake.at_ms != before:
                if self.speed:
                    due = real_start + (wake.at_ms - sim_start_ms) / 1000 / self.speed
                    await asyncio.sleep(max(0.0, due - time.monotonic()))
                self.clock.set(self._origin + timedelta(milliseconds=wake.at_ms))
                if self.on_instant is not None:
                    self.on_instant(self.clock.now())
            self._turn = loop.create_future()
            wake.item.set_result(wake.notified)
            await self._turn  # the actor runs (and talks to the server) until it waits again
            if self._failure is not None:
                self.close()
                raise self._failure

    def close(self) -> None:
        """Stop the actors still waiting (after a failure)."""
        for task in list(self._actors):
            task.cancel()

    # ----------------------------------------------------------------------------- internals

    def _future(self) -> asyncio.Future[bool | None]:
        return asyncio.get_running_loop().create_future()

    async def _park(self, future: asyncio.Future[bool | None]) -> bool | None:
        self._yield_turn()
        return await future

    def _yield_turn(self) -> None:
        if self._turn is not None and not self._turn.done():
            self._turn.set_result(None)
