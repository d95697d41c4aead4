"""The single writer: every change goes through one thread, in batches (group commit).

Jobs queued while a commit is in flight are run one after the other in ONE transaction,
without savepoints, and committed with one fsync. When a job is refused (it raises), the
whole transaction is rolled back and the batch is run again with each job in its own
SAVEPOINT, so the refused job leaves no trace and the others commit; refusals are rare, so
the common case saves two statements per job. Callers get their result only after the
commit is durable, and the batch's events are published only then.

Across processes (PostgreSQL) every job locks its hall's row first (see transaction.py).
A batch that meets a deadlock, a serialization failure or a lock it may not wait for is
rolled back by the database; it is run again, transparently, with the halls it needs
locked up front in ascending order, up to MAX_ATTEMPTS times (then the callers get a
StoreBusy, HTTP 503).

The thread survives any failure of a job, including a BaseException such as SystemExit
(that job is refused with JobCrashed). If it stops anyway, `alive` turns false (health
answers 503), every write fails at once with WriterStopped instead of waiting forever, and
`on_death` is called on the event loop: the server's WriterSupervisor starts a new thread
(`restart`) after a back-off (writer/supervisor.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import queue
import random
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine
from sqlmodel import Session

from server.domain.clock import Clock
from server.domain.texts import text
from server.store.catalog import Catalog
from server.store.failures import JobCrashed, StoreBusy, WriterStopped, is_busy, is_transient
from server.store.hot import Hot
from server.store.job import COMMANDS, ensure_command
from server.store.timings import Timings
from server.store.transaction import BatchSession, CommittedEvent, Tx
from server.store.writer.settling import Outcome, Publisher, Waiter, settle_all

log = logging.getLogger(__name__)

R = TypeVar("R")
Job = Callable[[Tx], Any]

MAX_ATTEMPTS = 8


@dataclass
class Entry:
    """A job of a batch and the instant it runs at: `at` when the caller stamped one (the
    writer process: the instant the request handed it over), else the writer's clock when
    the job starts."""

    job: Job
    at: datetime | None = None


@dataclass(kw_only=True)
class _Pending(Entry):
    future: asyncio.Future[Any]
    loop: asyncio.AbstractEventLoop


class _Retry(Exception):
    """The database rolled the batch back (deadlock, serialization, lock timeout)."""

    def __init__(self, halls: set[int], cause: BaseException) -> None:
        super().__init__(str(cause))
        self.halls = halls


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
        """Its jobs are module-level functions of `jobs_from` (server.commands; any other is
        refused, server/store/job.py): a test adds its own module to run its own jobs."""
        self._engine = engine
        self.jobs_from: tuple[str, ...] = (COMMANDS,)
        self.catalog = catalog or Catalog()
        self._clock = clock
        self._publish = publish
        self._max_batch = max_batch
        self._queue: queue.SimpleQueue[_Pending | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._stopped = False
        self._stopping = False  # stop() was called: the thread's end is no death
        self._loop: asyncio.AbstractEventLoop | None = None
        # called (on the event loop) when the thread stopped without being asked to
        self.on_death: Callable[[], None] | None = None
        # the WriterStopped answers: whether a restart is under way, and when it is expected
        # back (Retry-After); both set by the supervisor
        self.restarting = False
        self.retry_after_s = WriterStopped.retry_after_s
        self.restarts = 0  # times the supervisor brought it back (monitoring)
        # SQLite: the writer's connection is kept between batches (a local file, no server
        # to lose it), so a batch does not check one out of the pool and give it back
        self._keep_connection = engine.dialect.name == "sqlite"
        self._kept: Connection | None = None
        self.batches = 0
        self.jobs = 0
        self.retries = 0
        self.batch_times = Timings()  # each batch, from its first statement to its commit

    def start(self) -> None:
        try:
            self._loop = asyncio.get_running_loop()
        except RuntimeError:  # started outside an event loop (tests): nobody to tell of a death
            self._loop = None
        self._stopped = self._stopping = False
        self._thread = threading.Thread(target=self._run, name="govqueue-writer", daemon=True)
        self._thread.start()

    async def restart(self) -> None:
        """A new thread after the last one died (`on_death`)."""
        old = self._thread
        if old is not None:
            await asyncio.to_thread(old.join, 10)
        self.start()

    def stop(self) -> None:
        self._stopping = True
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join(timeout=10)
            self._thread = None
        self._stopped = True
        self._fail_queued()

    @property
    def queued(self) -> int:
        """Jobs handed over and not taken into a batch yet (monitoring)."""
        return self._queue.qsize()

    @property
    def alive(self) -> bool:
        """True while the writer thread runs and takes jobs."""
        thread = self._thread
        return not self._stopped and thread is not None and thread.is_alive()

    def _refusing(self) -> bool:
        """Stopped, or its thread died (jobs queued before `start` wait for it)."""
        thread = self._thread
        return self._stopped or (thread is not None and not thread.is_alive())

    async def run(self, job: Callable[[Tx], R]) -> R:
        """Run `job` in a durable transaction; its result once committed. `job` is a command
        (`call(fn, ...)` with `fn` from server/commands/): any other is refused (ForeignJob)."""
        ensure_command(job, self.jobs_from)
        if self._refusing():
            raise self.stopped_error()
        loop = asyncio.get_running_loop()
        future: asyncio.Future[R] = loop.create_future()
        self._queue.put(_Pending(job, future=future, loop=loop))
        if self._refusing():  # it stopped between the check and the put: nobody will take it
            self._fail_queued()
        return await future

    def _run(self) -> None:
        try:
            while (batch := self._take()) is not None:
                try:
                    self._run_batch(batch)
                except BaseException as exc:  # the thread must not die
                    log.exception("writer: a batch of %d jobs failed unexpectedly", len(batch))
                    settle_all(_waiters(batch), [(False, _crashed(exc)) for _ in batch])
        except BaseException:  # reported by `alive`, logged here
            log.critical("the writer thread stopped: writes are refused", exc_info=True)
        finally:
            self._stopped = True
            self._drop_kept()
            loop, on_death = self._loop, self.on_death
            if not self._stopping and loop is not None and on_death is not None:
                with contextlib.suppress(RuntimeError):  # the loop has closed meanwhile
                    loop.call_soon_threadsafe(on_death)
            self._fail_queued()

    def _connection(self) -> Connection:
        """The connection for the next batch: the kept one, or one from the pool."""
        if self._kept is not None:
            return self._kept
        conn = self._engine.connect()
        if self._keep_connection:
            self._kept = conn
        return conn

    def _done_with(self, conn: Connection, *, committed: bool) -> None:
        """After a batch: keep the connection only when the batch committed (then it holds
        no transaction); after anything else it goes back to the pool, which rolls back
        whatever is left, and the savepoint run takes it from there."""
        if conn is self._kept and committed:
            return
        if conn is self._kept:
            self._kept = None
        conn.close()

    def close(self) -> None:
        """Let go of the kept connection (a writer run through `execute` only, without its
        thread: the writer process)."""
        self._drop_kept()

    def _drop_kept(self) -> None:
        if self._kept is not None:
            conn, self._kept = self._kept, None
            try:
                conn.close()
            except Exception:  # pragma: no cover - closing at the end: nothing else to do
                log.exception("writer: closing its connection failed")

    def _take(self) -> list[_Pending] | None:
        """The next batch: what is queued, up to max_batch; None when asked to stop."""
        first = self._queue.get()
        if first is None:
            return None
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
        return batch

    def stopped_error(self) -> WriterStopped:
        """The answer to a write while the writer is not running (restarting, or stopped)."""
        reason = "server.writer_restarting" if self.restarting else "server.writer_stopped"
        return WriterStopped(text(reason), self.retry_after_s)

    def _fail_queued(self) -> None:
        error = self.stopped_error()
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                return
            if item is not None:
                settle_all(_waiters([item]), [(False, error)])

    def _run_batch(self, batch: list[_Pending]) -> None:
        outcomes, events = self.execute(batch)
        settle_all(_waiters(batch), outcomes, self._publish if events else None, events)

    def execute(self, batch: Sequence[Entry]) -> tuple[list[Outcome], list[CommittedEvent]]:
        """Run the batch and commit it (see the module's docstring): each job's outcome and
        the events of those that committed. Never raises: a failure is every job's outcome.
        """
        started = time.perf_counter()
        prelock: set[int] = set()
        outcomes: list[Outcome] = []
        events: list[CommittedEvent] = []
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                together = self._attempt_together(batch, prelock)
                # a job refused: run the batch again, each job in a savepoint
                outcomes, events = together or self._attempt_isolated(batch, prelock)
                break
            except _Retry as retry:
                self.retries += 1
                prelock |= retry.halls
                log.info(
                    "writer: batch rolled back by the database (%s), attempt %d", retry, attempt
                )
                time.sleep(random.uniform(0, 0.002 * attempt))
            except Exception as exc:
                if is_busy(exc):  # SQLite: another program held the file's write lock too long
                    log.warning("writer: the database stayed locked; %d jobs refused", len(batch))
                    busy = StoreBusy(text("server.store_busy"))
                    outcomes, events = [(False, busy) for _ in batch], []
                    break
                log.exception("commit of a batch of %d jobs failed", len(batch))
                outcomes, events = [(False, exc) for _ in batch], []
                break
        else:
            log.warning(
                "writer: a batch of %d jobs gave up after %d attempts", len(batch), MAX_ATTEMPTS
            )
            outcomes = [(False, StoreBusy(text("server.store_busy"))) for _ in batch]
        self.batches += 1
        self.jobs += len(batch)
        self.batch_times.observe(time.perf_counter() - started)
        return outcomes, events

    def _attempt_isolated(
        self, batch: Sequence[Entry], prelock: set[int]
    ) -> tuple[list[Outcome], list[CommittedEvent]]:
        """Run and commit the batch with each job in a savepoint of its own: a refused job
        leaves no trace, the others commit. Raises _Retry when the database rolled the
        transaction back.

        Each job's instant is taken when it starts (and again when it had to wait for its
        hall's lock): a ticket's queue time then follows the order its number was given in,
        across processes too."""
        outcomes: list[Outcome] = []
        events: list[CommittedEvent] = []
        held: set[int] = set()
        wanted: set[int] = set()  # PostgreSQL: held, and the hall whose lock failed
        with Session(self._engine, expire_on_commit=False) as session:
            try:
                if prelock:  # a retry: take the halls in ascending order first
                    first = Tx(
                        session,
                        self._clock,
                        self._clock.now(),
                        self.catalog,
                        held_halls=held,
                        wanted_halls=wanted,
                    )
                    for hall_id in sorted(prelock):
                        first.lock_hall(hall_id)
                for pending in batch:
                    now = pending.at or self._clock.now()
                    tx = Tx(
                        session,
                        self._clock,
                        now,
                        self.catalog,
                        held_halls=held,
                        wanted_halls=wanted,
                    )
                    before = set(held)
                    savepoint = session.begin_nested()
                    try:
                        result = pending.job(tx)
                        savepoint.commit()
                    except BaseException as exc:  # refuse the job, keep going
                        if is_transient(exc):
                            raise
                        refusal = exc if isinstance(exc, Exception) else _crashed(exc)
                        if not isinstance(exc, Exception):
                            log.error("writer: a job raised %r; refused", exc, exc_info=exc)
                        savepoint.rollback()
                        held.intersection_update(before)  # its locks went with the savepoint
                        outcomes.append((False, refusal))
                        continue
                    outcomes.append((True, result))
                    events.extend(tx.events)
                session.commit()
            except Exception as exc:
                if is_transient(exc):
                    session.rollback()
                    raise _Retry(wanted | prelock, exc) from exc
                raise
        return outcomes, events

    def _attempt_together(
        self, batch: Sequence[Entry], prelock: set[int]
    ) -> tuple[list[Outcome], list[CommittedEvent]] | None:
        """The batch in one transaction without savepoints, the common case: the first refusal
        rolls everything back and returns None (for a batch of one, the refusal itself). The
        transaction is the connection's own, and an ORM session is opened on it only if a job
        needs one (the hot jobs, on driver-level SQL, do not): no Session to build, begin,
        commit and close per batch."""
        outcomes: list[Outcome] = []
        events: list[CommittedEvent] = []
        held: set[int] = set()
        wanted: set[int] = set()  # PostgreSQL: held, and the hall whose lock failed
        clock, catalog = self._clock, self.catalog
        conn = self._connection()
        committed = False
        try:
            orm = BatchSession(conn)
            hot = Hot(conn)  # one driver cursor for the batch's jobs
            transaction = conn.begin()
            try:
                if prelock:  # a retry: take the halls in ascending order first
                    first = Tx(
                        None,
                        clock,
                        clock.now(),
                        catalog,
                        held_halls=held,
                        wanted_halls=wanted,
                        _conn=conn,
                        _hot=hot,
                    )
                    for hall_id in sorted(prelock):
                        first.lock_hall(hall_id)
                for pending in batch:
                    tx = Tx(
                        None, clock, pending.at or clock.now(), catalog,
                        held_halls=held, wanted_halls=wanted, _conn=conn, _hot=hot, _batch=orm,
                    )  # fmt: skip
                    try:
                        result = pending.job(tx)
                    except BaseException as exc:  # refused: roll everything back
                        if is_transient(exc):
                            raise
                        refusal = exc if isinstance(exc, Exception) else _crashed(exc)
                        if not isinstance(exc, Exception):
                            log.error("writer: a job raised %r; refused", exc, exc_info=exc)
                        if transaction.is_active:
                            transaction.rollback()
                        return ([(False, refusal)], []) if len(batch) == 1 else None
                    outcomes.append((True, result))
                    events.extend(tx.events)
                orm.flush()
                transaction.commit()
                committed = True
            except Exception as exc:
                if is_transient(exc):
                    if transaction.is_active:
                        transaction.rollback()
                    raise _Retry(wanted | prelock, exc) from exc
                raise
            finally:
                orm.close()
        finally:
            self._done_with(conn, committed=committed)
        return outcomes, events


def _crashed(exc: BaseException) -> JobCrashed:
    crashed = JobCrashed(f"job raised {exc!r}")
    crashed.__cause__ = exc
    return crashed


def _waiters(batch: list[_Pending]) -> list[Waiter]:
    return [(pending.future, pending.loop) for pending in batch]
