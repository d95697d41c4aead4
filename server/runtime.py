"""Everything one server process holds: settings, clock, engines, the writer, the access
caches and the login throttle. The live feed (server/realtime/feed.py) is kept beside it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from sqlalchemy import Engine
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from server.access import AccessCache
from server.domain.clock import Clock
from server.security import LoginThrottle
from server.settings import Settings
from server.store.transaction import Tx
from server.store.writer import Writer
from server.store.writer_process import WriterProcess

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
    access: AccessCache = field(default_factory=AccessCache)

    async def read(self, fn: Callable[[Session], R]) -> R:
        """Run a read-only query in a worker thread with its own session."""

        def run() -> R:
            with Session(self.read_engine, expire_on_commit=False) as session:
                return fn(session)

        return await run_in_threadpool(run)

    async def write(self, job: Callable[[Tx], R]) -> R:
        """Run a change through the single writer; returns once it is durable."""
        return await self.writer.run(job)
