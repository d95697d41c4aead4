"""Bringing the writer back when it dies, or giving up so that the service manager does.

The writer (a process of its own on SQLite, a thread on PostgreSQL) survives every failure
of a job; it dies only from outside — `kill -9`, the out-of-memory killer — or from a bug.
Then every write is refused at once (503 `writer_stopped`), and this supervisor:

1. logs it (CRITICAL, with the child's exit code), and sets the writer's `retry_after_s`
   to when it expects the writer back, so that the 503s' `Retry-After` tells clients the
   truth;
2. starts a new writer after a back-off — at once the first time, then 1, 2, 4, 8, 16 s
   while deaths follow each other (a writer that ran `STABLE_S` counts as healthy again);
3. tells the server (`on_restarted`): it forgets its caches (what the dead writer changed
   without answering is unknown) and asks live-feed clients to reconnect and resume from
   the log (a batch committed just before the death was never published);
4. gives up after `GIVE_UP_AFTER` attempts that did not bring a writer back for long: logs
   it and calls `on_give_up`, which ends the server with a non-zero exit code — systemd's
   `Restart=on-failure` (or any supervisor) starts it again from scratch.

Nothing acknowledged is lost or doubled by a restart: an answer is sent only after its
commit, the new writer opens the same file (SQLite rolls back what the dead one had not
committed), and a kiosk's retry with the same `request_id` gets its ticket, not another.
See docs/decisions.md, "A killed writer".
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
from collections.abc import Awaitable, Callable
from typing import Protocol

log = logging.getLogger("govqueue.writer")

BACKOFF_S = (0.0, 1.0, 2.0, 4.0, 8.0, 16.0)  # before attempt 1, 2, …
GIVE_UP_AFTER = len(BACKOFF_S)  # attempts without a writer that lasted
STABLE_S = 60.0  # a writer that ran this long: the next death starts the back-off again
START_ESTIMATE_S = 1.0  # what a start takes (a new interpreter importing the writer)
GIVE_UP_RETRY_AFTER_S = 10  # the server exits: its service manager's restart and a start
# the server's exit code when it gives up (docs/decisions.md): EX_TEMPFAIL of sysexits.h,
# "a temporary failure: try again" (3 is uvicorn's own for a start that failed)
EXIT_CODE = 75


class Restartable(Protocol):
    """What the supervisor needs of a writer (Writer, WriterProcess)."""

    on_death: Callable[[], None] | None
    restarting: bool
    retry_after_s: int
    restarts: int

    @property
    def alive(self) -> bool: ...

    async def restart(self) -> None: ...


class WriterSupervisor:
    def __init__(
        self,
        writer: Restartable,
        *,
        on_restarted: Callable[[], None],
        on_give_up: Callable[[], Awaitable[None] | None],
        backoff_s: tuple[float, ...] = BACKOFF_S,
        stable_s: float = STABLE_S,
    ) -> None:
        self._writer = writer
        self._on_restarted = on_restarted
        self._on_give_up = on_give_up
        self.backoff_s = backoff_s
        self._stable_s = stable_s
        self._attempts = 0  # since the writer last ran for stable_s
        self._running_since: float | None = None
        self._task: asyncio.Task[None] | None = None
        self.restarts = 0
        self.gave_up = False

    def start(self) -> None:
        """Watch the writer (started already); call it on the event loop."""
        self._running_since = time.monotonic()
        self._writer.on_death = self._died
        self._writer.retry_after_s = self._retry_after(self.backoff_s[0])

    async def stop(self) -> None:
        self._writer.on_death = None
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    @property
    def recovering(self) -> bool:
        """A restart is under way (or the supervisor gave up)."""
        return self.gave_up or (self._task is not None and not self._task.done())

    def _died(self) -> None:
        if self.recovering:
            return
        ran = time.monotonic() - (self._running_since or 0.0)
        if ran >= self._stable_s:
            self._attempts = 0
        self._task = asyncio.get_running_loop().create_task(self._recover())

    async def _recover(self) -> None:
        self._writer.restarting = True
        while self._attempts < len(self.backoff_s):
            delay = self.backoff_s[self._attempts]
            self._attempts += 1
            self._writer.retry_after_s = self._retry_after(delay)
            log.critical(
                "the writer stopped; starting it again in %.0f s (attempt %d of %d)",
                delay,
                self._attempts,
                len(self.backoff_s),
            )
            await asyncio.sleep(delay)
            try:
                await self._writer.restart()
            except Exception:
                log.exception("the writer could not be started again")
                continue
            self.restarts += 1
            self._writer.restarts += 1
            self._running_since = time.monotonic()
            self._writer.restarting = False
            following = self.backoff_s[min(self._attempts, len(self.backoff_s) - 1)]
            self._writer.retry_after_s = self._retry_after(following)
            log.warning("the writer runs again (restart %d)", self.restarts)
            self._on_restarted()
            return
        self.gave_up = True
        # the service manager starts the server again: RestartSec and a start, ~10 s
        self._writer.retry_after_s = GIVE_UP_RETRY_AFTER_S
        log.critical(
            "the writer could not be kept running (%d attempts): stopping the server with exit "
            "code %d, for its service manager to start it again",
            len(self.backoff_s),
            EXIT_CODE,
        )
        result = self._on_give_up()
        if result is not None:
            await result

    @staticmethod
    def _retry_after(delay_s: float) -> int:
        return max(1, math.ceil(delay_s + START_ESTIMATE_S))
