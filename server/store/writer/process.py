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
- The child is a program of its own (writer/child.py, started with the server's interpreter
  and the two pipe ends), not a fork: it holds the writer and the commands, nothing of HTTP,
  and no forkserver or resource tracker runs beside it (together they took ~40 MB more). It
  takes what one read brings (up to MAX_BATCH) as one batch, runs it with the same
  `Writer.execute` as the thread (one transaction, one fsync, savepoints after a refusal),
  says READY once before the first, and answers with one message: the numbers, then
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
answers 503), later writes are refused at once — what was acknowledged was committed — and
`on_death` is called: the server's WriterSupervisor (writer/supervisor.py) starts a new child
(`restart`) after a back-off, and `retry_after_s` says when in the 503s meanwhile. If the
server dies, the child reads the end of its pipe, finishes what it has, and exits.

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
import os
import pickle
import select
import subprocess
import threading
import time
from collections.abc import Callable, Sequence
from typing import TypeVar

from server.domain.clock import Clock
from server.domain.texts import text
from server.store.catalog import Catalog
from server.store.engine import DEFAULT_WRITE_BUSY_TIMEOUT_S
from server.store.failures import JobCrashed, WriterStopped
from server.store.job import COMMANDS, ensure_command
from server.store.timings import Timings
from server.store.transaction import Tx
from server.store.writer.child import ID_BYTES, READY, Options, instant_bytes
from server.store.writer.frames import READ_BYTES, Frames, send_frame
from server.store.writer.launch import Child, exec_child, fork_child
from server.store.writer.settling import Publisher, Waiter, settle_all

log = logging.getLogger(__name__)

R = TypeVar("R")
PIPE_BYTES = 1 << 20  # Linux's default ceiling for an unprivileged process
F_SETPIPE_SZ = 1031  # fcntl.F_SETPIPE_SZ, named in Python 3.10+ only on some builds
STOP_WAIT_S = 30.0  # stop(): how long the child may take to answer what it was given
START_WAIT_S = 60.0  # start(): how long the child may take to be ready (imports, the file)


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
        busy_timeout_s: float = DEFAULT_WRITE_BUSY_TIMEOUT_S,
        catalog: Catalog | None = None,
        imports: Sequence[str] = (),
        forkserver: bool = False,
    ) -> None:
        """`imports`: modules the child imports before it says it is ready (the commands its
        jobs call; a job naming another module imports it when first unpickled), so that no
        answer waits for imports. `forkserver`: start it from this process's forkserver, not
        as a program of its own (writer/launch.py)."""
        self._url = url
        self.jobs_from: tuple[str, ...] = (COMMANDS,)  # as Writer's
        self._imports = tuple(imports)
        self._forkserver = forkserver
        self._clock = clock
        self._publish = publish
        self._options = Options(checkpointer=checkpointer, busy_timeout_s=busy_timeout_s)
        self.catalog = catalog or Catalog()
        self._waiting: dict[int, Waiter] = {}
        self._ids = itertools.count(1)
        self._send_lock = threading.Lock()
        self._jobs: int | None = None  # the pipe ends: jobs to the child, its answers
        self._process: Child | None = None
        self._replies: int | None = None
        self._answers = Frames(self._settle)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopped = True
        self.batches = 0
        self.jobs = 0
        self.batch_times = Timings()  # each batch's time in the child (monitoring)
        # called (on the event loop) when the child stopped without being asked to
        self.on_death: Callable[[], None] | None = None
        # the WriterStopped answers: whether a restart is under way, and when it is expected
        # back (Retry-After); both set by the supervisor
        self.restarting = False
        self.retry_after_s = WriterStopped.retry_after_s
        self.restarts = 0  # times the supervisor brought it back (monitoring)

    @property
    def queued(self) -> int:
        """Jobs handed over and not answered yet (monitoring)."""
        return len(self._waiting)

    def start(self) -> None:
        """Start the child and wait until it is ready (it has imported the commands and opened
        the file); call it on the server's event loop (which reads the answers)."""
        loop = asyncio.get_running_loop()
        self._attach(loop, *self._launch())

    async def restart(self) -> None:
        """Start a new child after the last one died (`on_death`): the same as `start`, with
        the waiting for it off the event loop."""
        loop = asyncio.get_running_loop()
        self._let_go()
        self._attach(loop, *await asyncio.to_thread(self._launch))

    def _launch(self) -> tuple[Child, int, int]:
        """A new child, ready (blocks until it is): (it, our jobs end, our replies end)."""
        jobs_out, jobs_in = os.pipe()  # each end is close-on-exec; the child is passed its own
        replies_out, replies_in = os.pipe()
        _widen(jobs_in)
        _widen(replies_in)
        launch = fork_child if self._forkserver else exec_child
        try:
            process = launch(self._url, self._options, jobs_out, replies_in, self._imports)
        except BaseException:
            for fd in (jobs_out, jobs_in, replies_out, replies_in):
                os.close(fd)
            raise
        os.close(jobs_out)  # the child's ends: when the child goes, reading its answers ends
        os.close(replies_in)
        try:
            self._wait_ready(replies_out, process)
        except BaseException:
            os.close(jobs_in)
            os.close(replies_out)
            process.kill()
            process.wait()
            raise
        return process, jobs_in, replies_out

    def _attach(
        self, loop: asyncio.AbstractEventLoop, process: Child, jobs: int, replies: int
    ) -> None:
        self._jobs, self._process, self._replies, self._loop = jobs, process, replies, loop
        self._stopped = False
        self._answers = Frames(self._settle)
        os.set_blocking(replies, False)
        loop.add_reader(replies, self._readable, replies)

    def _let_go(self) -> None:
        """Close what is left of a dead child: our end of its jobs pipe, and the child itself
        (reaped, so that no `<defunct>` stays)."""
        with self._send_lock:
            jobs, self._jobs = self._jobs, None
            if jobs is not None:
                os.close(jobs)
        process, self._process = self._process, None
        if process is not None:
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:  # pragma: no cover - its pipe closed: it is going
                process.kill()
                process.wait()

    @property
    def exit_code(self) -> int | None:
        """The child's exit code once it has exited (negative: the signal that killed it)."""
        process = self._process
        return process.poll() if process is not None else None

    def _wait_ready(self, fd: int, process: Child) -> None:
        """Block until the child's READY (at most START_WAIT_S); a child that exits first or
        says anything else is an error that names its exit code."""
        said: list[bytes] = []
        first = Frames(said.append)
        deadline = time.monotonic() + START_WAIT_S
        while not said and (left := deadline - time.monotonic()) > 0:
            if not select.select([fd], [], [], left)[0]:
                continue
            data = os.read(fd, READ_BYTES)
            if not data:
                break
            first.feed(data)
        if said == [READY]:
            return
        if said or time.monotonic() < deadline:  # it closed its end, or said something else
            try:  # its end closes a moment before it can be waited for
                why = f"exited with code {process.wait(timeout=5)}"
            except subprocess.TimeoutExpired:
                why = f"said {said[:1]!r}"
        else:
            why = "did not answer in time"
        raise RuntimeError(
            f"the writer process {why} before it was ready (its error, if any, is above)"
        )

    def stop(self) -> None:
        """Stop taking jobs; the child runs what it was given, answers, and exits. The
        answers still to come are read here (the loop is this one, waiting on this call)."""
        self._stopped = True
        jobs, self._jobs = self._jobs, None
        if jobs is not None:
            with self._send_lock:
                os.close(jobs)
        replies, self._replies = self._replies, None
        if replies is not None:
            self._drain(replies)
        if self._process is not None:
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:  # pragma: no cover - it had 30 s to finish
                log.error("the writer process did not stop; killing it")
                self._process.kill()
                self._process.wait()
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
            and process.poll() is None
        )

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    async def run(self, job: Callable[[Tx], R]) -> R:
        """Run `job` in a durable transaction in the writer process; its result once
        committed. `job` must be a command and pickle: `call(fn, ...)` with `fn` a
        module-level function of server/commands/ (any other is refused: ForeignJob)."""
        ensure_command(job, self.jobs_from)
        if self._stopped:
            raise self.stopped_error()
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
                send_frame(jobs, head + body)
        except OSError:
            self._waiting.pop(number, None)
            raise self.stopped_error() from None
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
        if self._stopped:  # asked to stop
            self._fail_waiting()
            return
        self._stopped = True
        log.critical(
            "the writer process (pid %s) stopped%s: writes are refused until it is restarted",
            self.pid,
            f" with exit code {self.exit_code}" if self.exit_code is not None else "",
        )
        if self.on_death is not None:
            self.on_death()  # the supervisor schedules a restart (and sets retry_after_s)
        # the child may have committed some of these before it died: they cannot know
        self._fail_waiting(WriterStopped(text("server.writer_died_in_flight"), self.retry_after_s))

    def _drain(self, fd: int) -> None:
        """Read the answers still to come, until the child closes its end (at most
        STOP_WAIT_S), then close the server's end."""
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
            self._close(fd)

    def _close(self, fd: int) -> None:
        if self._loop is not None:
            self._loop.remove_reader(fd)
        os.close(fd)

    def _settle(self, message: bytes) -> None:
        count = int.from_bytes(message[:4], "little")
        end = 4 + count * ID_BYTES
        numbers = [
            int.from_bytes(message[i : i + ID_BYTES], "little") for i in range(4, end, ID_BYTES)
        ]
        waiters = [self._waiting.pop(number) for number in numbers]
        try:
            events, changes, outcomes, seconds = pickle.loads(message[end:])
        except Exception as exc:
            log.exception("writer process: a batch's answer does not unpickle")
            crashed = JobCrashed(f"the answer does not unpickle: {exc!r}")
            settle_all(waiters, [(False, crashed) for _ in waiters])
            return
        self.batches += 1
        self.jobs += len(numbers)
        if seconds:
            self.batch_times.observe(seconds)
        self.catalog.forget(changes)  # before anyone is told: reads then see the change
        settle_all(waiters, outcomes, self._publish if events else None, events)

    def stopped_error(self) -> WriterStopped:
        """The answer to a write while the writer is not running (restarting, or stopped)."""
        reason = "server.writer_restarting" if self.restarting else "server.writer_stopped"
        return WriterStopped(text(reason), self.retry_after_s)

    def _fail_waiting(self, error: WriterStopped | None = None) -> None:
        error = error or self.stopped_error()
        while self._waiting:
            try:
                _number, waiter = self._waiting.popitem()
            except KeyError:
                return
            settle_all([waiter], [(False, error)])


def _widen(fd: int) -> None:
    """A bigger pipe: a burst of jobs does not make the sender wait for the child."""
    try:
        fcntl.fcntl(fd, F_SETPIPE_SZ, PIPE_BYTES)
    except OSError:  # pragma: no cover - not Linux, or above the system's limit: 64 kB
        log.debug("writer process: the pipe keeps its default size")
