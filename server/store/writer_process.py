"""The single writer in a process of its own (SQLite), so that it has a core of its own.

In one process the event loop (HTTP, JSON, the feed) and the writer thread (SQLite, the ORM,
events) take turns holding the GIL: on two cores a ticket cost 0.5 ms of CPU, two thirds of
it the loop's, and the two could never run at the same time. Here the writer's batches run
in a child process and the server process only pickles each job (`server.store.job.call`:
a module-level function and its arguments) and unpickles its outcome.

How it works:
- The server hands a job over as one message on a pipe (framed by its length, as every
  message both ways: `Frames` cuts them out of what a read returns, so a batch of messages
  costs one read): an 8-byte number, the instant (8 bytes of microseconds since 1970: a
  third of the time pickling the aware datetime took), and pickle(job). The instant is
  stamped when the request hands the job over (the server's clock: ManualClock and
  ScaledClock work as before), and the pipe keeps the order, so queue times still follow
  the order numbers were given in.
- The child (writer_child.py) takes what one read brings (up to MAX_BATCH) as one batch,
  runs it with the same `Writer.execute` as the thread (one transaction, one fsync,
  savepoints after a refusal), and answers with one message: the numbers, then
  pickle((events, catalog changes, outcomes)). An outcome that does not pickle is refused
  alone (JobCrashed).
- The server's event loop reads the answers (`loop.add_reader` on the pipe) and settles the
  callers' futures, publishing the batch's events first, exactly as the thread writer does.
  No thread of the server reads them: a reader thread cost ~20 µs of CPU per ticket in
  wake-ups, GIL hand-overs and the thread-safe hop back to the loop.

Guarantees are the thread writer's: nobody gets an answer before the commit is durable;
one writer per SQLite file (the serving lock stays with the server process); the events of a
batch are published once committed, in seq order. If the child dies (killed, out of memory)
the pipe closes: the callers waiting get WriterStopped (503), `alive` turns false (health
answers 503) and later writes are refused at once — what was acknowledged was committed. If
the server dies, the child reads the end of its pipe, finishes what it has, and exits.

The child ignores SIGINT and SIGTERM: a Ctrl-C reaches the whole process group, and the
server, not the child, decides when writing stops (`stop`: the child drains its pipe first).
A full pipe (1 MB, thousands of jobs) makes the sender wait: back-pressure, not loss.
PostgreSQL keeps the writer thread (several server processes already share that store).
"""

from __future__ import annotations

import asyncio
import fcntl
import itertools
import logging
import multiprocessing
import os
import pickle
import select
import threading
import time
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection
from typing import TypeVar

from server.domain.clock import Clock
from server.domain.texts import text
from server.store.catalog import Catalog
from server.store.failures import JobCrashed, WriterStopped
from server.store.frames import READ_BYTES, Frames, send_frame
from server.store.settling import Publisher, Waiter, settle_all
from server.store.transaction import Tx
from server.store.writer_child import ID_BYTES, PROCESS_NAME, child_main, instant_bytes

log = logging.getLogger(__name__)

R = TypeVar("R")
PIPE_BYTES = 1 << 20  # Linux's default ceiling for an unprivileged process
F_SETPIPE_SZ = 1031  # fcntl.F_SETPIPE_SZ, named in Python 3.10+ only on some builds
STOP_WAIT_S = 30.0  # stop(): how long the child may take to answer what it was given


class WriterProcess:
    """`Writer`'s interface (`run`, `start`, `stop`, `alive`, `catalog`) with the batches
    run in a child process. `url` must be a SQLite file's."""

    def __init__(
        self,
        url: str,
        clock: Clock,
        publish: Publisher,
        *,
        checkpointer: bool = False,
        catalog: Catalog | None = None,
        imports: Sequence[str] = (),
    ) -> None:
        """`imports`: modules the forkserver imports once, before the child is forked (the
        commands its jobs call; a job naming another module imports it when first unpickled),
        so that no answer waits for imports."""
        self._url = url
        self._imports = tuple(imports)
        self._clock = clock
        self._publish = publish
        self._checkpointer = checkpointer
        self.catalog = catalog or Catalog()
        self._waiting: dict[int, Waiter] = {}
        self._ids = itertools.count(1)
        self._send_lock = threading.Lock()
        self._jobs: Connection | None = None
        self._process: multiprocessing.process.BaseProcess | None = None
        self._replies: Connection | None = None
        self._answers = Frames(self._settle)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopped = True
        self.batches = 0
        self.jobs = 0

    def start(self) -> None:
        """Start the child; call it on the server's event loop (which reads the answers)."""
        loop = asyncio.get_running_loop()
        # a forkserver that has imported the writer and `imports` forks the child: it starts
        # in milliseconds (spawn, a fresh interpreter, took ~1.3 s of CPU per start)
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([__name__, *self._imports])
        jobs_out, jobs_in = context.Pipe(duplex=False)
        replies_out, replies_in = context.Pipe(duplex=False)
        _widen(jobs_in)
        _widen(replies_in)
        process = context.Process(
            target=child_main,
            args=(self._url, self._checkpointer, jobs_out, replies_in),
            name=PROCESS_NAME,
            daemon=True,
        )
        process.start()
        jobs_out.close()  # the child's ends: when the child goes, reading its answers ends
        replies_in.close()
        self._jobs, self._process, self._stopped = jobs_in, process, False
        self._replies, self._loop = replies_out, loop
        self._answers = Frames(self._settle)
        fd = replies_out.fileno()
        os.set_blocking(fd, False)
        loop.add_reader(fd, self._readable, fd)

    def stop(self) -> None:
        """Stop taking jobs; the child runs what it was given, answers, and exits. The
        answers still to come are read here (the loop is this one, waiting on this call)."""
        self._stopped = True
        jobs, self._jobs = self._jobs, None
        if jobs is not None:
            with self._send_lock:
                jobs.close()
        replies, self._replies = self._replies, None
        if replies is not None:
            self._drain(replies)
        if self._process is not None:
            self._process.join(timeout=10)
            if self._process.is_alive():  # pragma: no cover - it had 30 s to finish
                log.error("the writer process did not stop; killing it")
                self._process.kill()
                self._process.join()
            self._process = None
        self._fail_waiting()

    @property
    def alive(self) -> bool:
        """True while the writer process runs and takes jobs."""
        process = self._process
        return (
            not self._stopped
            and self._replies is not None
            and process is not None
            and process.is_alive()
        )

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    async def run(self, job: Callable[[Tx], R]) -> R:
        """Run `job` in a durable transaction in the writer process; its result once
        committed. `job` must pickle: `call(module_level_function, ...)`."""
        if self._stopped:
            raise WriterStopped(text("server.writer_stopped"))
        try:
            body = pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:
            raise TypeError(
                f"a writer job must pickle (call(a module-level function, ...)): {job!r}: {exc}"
            ) from exc
        loop = asyncio.get_running_loop()
        future: asyncio.Future[R] = loop.create_future()
        number = next(self._ids)
        self._waiting[number] = (future, loop)
        try:
            with self._send_lock:
                jobs = self._jobs
                if jobs is None:
                    raise OSError("stopped")
                head = number.to_bytes(ID_BYTES, "little") + instant_bytes(self._clock.now())
                send_frame(jobs.fileno(), head + body)
        except OSError:
            self._waiting.pop(number, None)
            raise WriterStopped(text("server.writer_stopped")) from None
        if self._stopped:  # it stopped between the check and the send: nobody will answer
            self._fail_waiting()
        return await future

    def _readable(self, fd: int) -> None:
        """The loop's callback when the pipe has bytes: the answers that are whole, settled."""
        try:
            data = os.read(fd, READ_BYTES)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if data:
            self._answers.feed(data)
            return
        # the child closed its end: it exited (or was killed)
        replies, self._replies = self._replies, None
        if replies is None:
            return
        self._close(replies)
        if not self._stopped:
            log.critical("the writer process stopped: writes are refused")
        self._stopped = True
        self._fail_waiting()

    def _drain(self, replies: Connection) -> None:
        """Read the answers still to come, until the child closes its end (at most
        STOP_WAIT_S), then close the server's end."""
        fd = replies.fileno()
        deadline = time.monotonic() + STOP_WAIT_S
        try:
            while (left := deadline - time.monotonic()) > 0:
                if not select.select([fd], [], [], left)[0]:
                    continue
                try:
                    data = os.read(fd, READ_BYTES)
                except BlockingIOError:
                    continue
                if not data:
                    break
                self._answers.feed(data)  # it may hold the first bytes of an answer already
        except OSError:
            pass
        finally:
            self._close(replies)

    def _close(self, replies: Connection) -> None:
        if self._loop is not None:
            self._loop.remove_reader(replies.fileno())
        replies.close()

    def _settle(self, message: bytes) -> None:
        count = int.from_bytes(message[:4], "little")
        end = 4 + count * ID_BYTES
        numbers = [
            int.from_bytes(message[i : i + ID_BYTES], "little") for i in range(4, end, ID_BYTES)
        ]
        waiters = [self._waiting.pop(number) for number in numbers]
        try:
            events, changes, outcomes = pickle.loads(message[end:])
        except Exception as exc:
            log.exception("writer process: a batch's answer does not unpickle")
            crashed = JobCrashed(f"the answer does not unpickle: {exc!r}")
            settle_all(waiters, [(False, crashed) for _ in waiters])
            return
        self.batches += 1
        self.jobs += len(numbers)
        self.catalog.forget(changes)  # before anyone is told: reads then see the change
        settle_all(waiters, outcomes, self._publish if events else None, events)

    def _fail_waiting(self) -> None:
        error = WriterStopped(text("server.writer_stopped"))
        while self._waiting:
            try:
                _number, waiter = self._waiting.popitem()
            except KeyError:
                return
            settle_all([waiter], [(False, error)])


def _widen(conn: Connection) -> None:
    """A bigger pipe: a burst of jobs does not make the sender wait for the child."""
    try:
        fcntl.fcntl(conn.fileno(), F_SETPIPE_SZ, PIPE_BYTES)
    except OSError:  # pragma: no cover - not Linux, or above the system's limit: 64 kB
        log.debug("writer process: the pipe keeps its default size")
