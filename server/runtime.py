"""Everything one server process holds: settings, clock, engines, the writer, the access
caches, the login throttle, the password threads and the statistics process. The live feed
(server/realtime/feed.py) is kept beside it. The application's lifespan (server/app.py)
starts and stops what runs; docs/runtime.md draws it all."""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, TypeVar

from anyio import CapacityLimiter, to_thread
from sqlalchemy import Engine
from sqlmodel import Session

from server.access import AccessCache
from server.domain.clock import Clock
from server.exports.warm import StatisticsProcess
from server.security import LoginThrottle, PasswordThreads, RateLimit
from server.settings import Settings
from server.store.listener import PostgresListener
from server.store.transaction import Tx
from server.store.writer.group_commit import Writer
from server.store.writer.process import WriterProcess

if TYPE_CHECKING:
    from server.outbox.sender import Sender

R = TypeVar("R")


@dataclass
class Runtime:
    settings: Settings
    clock: Clock
    read_engine: Engine
    writer: Writer | WriterProcess
    secret_key: str
    login_throttle: LoginThrottle = field(default_factory=LoginThrottle)
    dirty_halls: set[int] = field(default_factory=set)
    texting_halls: set[int] = field(default_factory=set)  # 短信提醒 to look at (server/app.py)
    access: AccessCache = field(default_factory=AccessCache)
    # integrations: requests per minute each, and failed client credentials (POST /auth/token)
    integration_limits: RateLimit = field(default_factory=RateLimit)
    client_throttle: LoginThrottle = field(default_factory=LoginThrottle)
    readers: CapacityLimiter = field(init=False)
    started_at: datetime = field(init=False)  # by the server's clock
    sender: Sender | None = None  # the outbox's (server/outbox/sender.py), when it runs here
    passwords: PasswordThreads = field(default_factory=PasswordThreads)
    listener: PostgresListener | None = None  # PostgreSQL: the process's LISTEN connection
    statistics: StatisticsProcess = field(default_factory=StatisticsProcess)

    def __post_init__(self) -> None:
        self.readers = CapacityLimiter(self.settings.readers)
        self.started_at = self.clock.now()

    @functools.cached_property
    def personal_key(self) -> str:
        """The key of the hash ID numbers are matched by (server/security.py id_hash)."""
        return self.settings.resolved_personal_data_key()

    async def read(self, fn: Callable[[Session], R]) -> R:
        """Run a read-only query in a worker thread with its own session, at most
        `settings.readers` at once: a burst (a thousand screens reconnecting) then waits
        its turn instead of opening a thread and a database connection per request, each
        with its own page cache, that stay."""

        def run() -> R:
            with Session(self.read_engine, expire_on_commit=False) as session:
                return fn(session)

        return await to_thread.run_sync(run, limiter=self.readers)

    async def write(self, job: Callable[[Tx], R]) -> R:
        """Run a change through the single writer; returns once it is durable."""
        return await self.writer.run(job)


async def every(
    interval_s: float, work: Callable[[], Awaitable[object]], log: logging.Logger, failed: str
) -> None:
    """A background round of the server (the watch, the appointment upkeep, queue.counts,
    短信提醒): `work` every `interval_s` seconds until cancelled; a failure is logged as
    `failed` and the next round tries again."""
    while True:
        await asyncio.sleep(interval_s)
        try:
            await work()
        except Exception:  # logged; the next round tries again
            log.exception(failed)
