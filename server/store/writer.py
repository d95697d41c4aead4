"""The single writer: every change goes through one thread, in batches (group commit).

Jobs queued while a commit is in flight are run together, each inside its own SAVEPOINT, and
committed with one fsync. A job that fails is rolled back alone; the others commit. Callers
get their result only after the commit is durable, and the batch's events are published only
then. This makes call-next atomic within a process (one writer) and, on PostgreSQL, the
row locks taken by the jobs make it atomic across processes.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Engine
from sqlmodel import Session

from server.domain.clock import Clock
from server.store.catalog import Catalog
from server.store.transaction import CommittedEvent, Tx

log = logging.getLogger(__name__)

R = TypeVar("R")
Job = Callable[[Tx], Any]
Publisher = Callable[[list[CommittedEvent]], None]


@dataclass
class _Pending:
    job: Job
    future: asyncio.Future[Any]
    loop: asyncio.AbstractEventLoop


class Writer:
    def __init__(
        self,
        engine: Engine,
        clock: Clock,
        publish: Publisher,
        *,
        catalog: Catalog | None = None,
        max_batch: int = 128,
    ) -> None:
        self._engine = engine
        self.catalog = catalog or Catalog()
        self._clock = clock
        self._publish = publish
        self._max_batch = max_batch
        self._queue: queue.SimpleQueue[_Pending | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self.batches = 0
        self.jobs = 0

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="govqueue-writer", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join(timeout=10)
            self._thread = None

    async def run(self, job: Callable[[Tx], R]) -> R:
        """Run `job` in a durable transaction; its result once committed."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[R] = loop.create_future()
        self._queue.put(_Pending(job, future, loop))
        return await future

    def _loop(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            batch = [first]
            while len(batch) < self._max_batch:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    self._queue.put(None)
                    break
                batch.append(item)
            self._run_batch(batch)

    def _run_batch(self, batch: list[_Pending]) -> None:
        instants = [self._clock.now() for _ in batch]
        try:
            result = self._attempt(batch, instants, isolate=False)
            if result is None:  # a job refused: run the batch again, each job in a savepoint
                result = self._attempt(batch, instants, isolate=True)
            assert result is not None
            outcomes, events = result
        except Exception as exc:
            log.exception("commit of a batch of %d jobs failed", len(batch))
            outcomes, events = [(False, exc) for _ in batch], []
        self.batches += 1
        self.jobs += len(batch)
        if events:
            batch[0].loop.call_soon_threadsafe(self._publish, events)
        for pending, (ok, value) in zip(batch, outcomes, strict=True):
            pending.loop.call_soon_threadsafe(_settle, pending.future, ok, value)

    def _attempt(
        self, batch: list[_Pending], instants: list[datetime], *, isolate: bool
    ) -> tuple[list[tuple[bool, Any]], list[CommittedEvent]] | None:
        """Run and commit the batch. Without `isolate`, the first refusal rolls everything
        back and returns None (or, for a batch of one, the refusal itself); refusals are
        rare, so the common case saves two statements per job."""
        outcomes: list[tuple[bool, Any]] = []
        events: list[CommittedEvent] = []
        with Session(self._engine, expire_on_commit=False) as session:
            for pending, now in zip(batch, instants, strict=True):
                tx = Tx(session, self._clock, now, self.catalog)
                savepoint = session.begin_nested() if isolate else None
                try:
                    result = pending.job(tx)
                    if savepoint is not None:
                        savepoint.commit()
                except Exception as exc:
                    if savepoint is not None:
                        savepoint.rollback()
                        outcomes.append((False, exc))
                        continue
                    session.rollback()
                    return ([(False, exc)], []) if len(batch) == 1 else None
                outcomes.append((True, result))
                events.extend(tx.events)
            session.commit()
        return outcomes, events


def _settle(future: asyncio.Future[Any], ok: bool, value: Any) -> None:
    if future.done():
        return
    if ok:
        future.set_result(value)
    else:
        future.set_exception(value)
