"""The writer process's own side (server/store/writer/process.py starts it and talks to it):
it takes the jobs the server hands over, runs each batch with the same `Writer.execute` as
the writer thread, and answers with the batch's events, catalog changes and outcomes.

It is a program of its own (`python -c ENTRY URL CHECKPOINTER BUSY_S JOBS_FD REPLIES_FD MODULE...`,
see `command`), not a fork of the server: it imports the writer and the commands its jobs
call, nothing of HTTP, and shares no pages with the server that a fork would copy."""

from __future__ import annotations

import collections
import gc
import importlib
import logging
import os
import pickle
import signal
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy.orm import configure_mappers

from server.domain.clock import SystemClock
from server.store import tables  # noqa: F401 - every table's class, for configure_mappers
from server.store.catalog import Catalog
from server.store.engine import DEFAULT_WRITE_BUSY_TIMEOUT_S, make_engine
from server.store.failures import JobCrashed
from server.store.transaction import CommittedEvent
from server.store.writer.frames import READ_BYTES, Frames, send_frame
from server.store.writer.group_commit import Entry, Writer
from server.store.writer.settling import Outcome

if TYPE_CHECKING:  # only the forkserver's child is handed Connections
    from multiprocessing.connection import Connection

log = logging.getLogger(__name__)

# The tables' mappers configured at import, not at the first job (~0.1 s of CPU): where
# writers are forked from a forkserver that imported this module (launch.fork_child: the
# tests' servers) no writer pays it; a writer of its own pays it before it says READY.
configure_mappers()

MAX_BATCH = 128
ID_BYTES = 8  # a job's number, as the server gave it
HEAD_BYTES = ID_BYTES + 8  # the job's number, then its instant
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)
PROCESS_NAME = "govqueue-writer"  # at most 15 characters (Linux's comm)
READY = b"ready"  # the child's first message: it has imported what it needs, the file is open
ENTRY = "from server.store.writer.child import main; main()"


@dataclass(frozen=True)
class Options:
    """How the writer process opens the file. `checkpointer`: the server runs the WAL's
    checkpoints (checkpoint.py); `busy_timeout_s`: how long a batch waits for another
    program's write lock before its jobs are refused (StoreBusy)."""

    checkpointer: bool = False
    busy_timeout_s: float = DEFAULT_WRITE_BUSY_TIMEOUT_S


def command(
    url: str, options: Options, jobs_fd: int, replies_fd: int, imports: Sequence[str]
) -> list[str]:
    """The writer process's command line (this interpreter); `jobs_fd` and `replies_fd` are
    the pipe ends it inherits."""
    flag = "1" if options.checkpointer else "0"
    busy = repr(options.busy_timeout_s)
    return [sys.executable, "-c", ENTRY, url, flag, busy, str(jobs_fd), str(replies_fd), *imports]


def main() -> None:
    """The program `command` runs."""
    url, flag, busy, jobs_fd, replies_fd, *imports = sys.argv[1:]
    options = Options(checkpointer=flag == "1", busy_timeout_s=float(busy))
    child_main(url, options, int(jobs_fd), int(replies_fd), imports)


def forked_main(
    url: str, options: Options, jobs: Connection, replies: Connection, imports: Sequence[str]
) -> None:
    """The writer process as a forkserver's child (writer_launch.fork_child): the pipe ends
    arrive as Connections."""
    jobs_fd, replies_fd = os.dup(jobs.fileno()), os.dup(replies.fileno())
    jobs.close()
    replies.close()
    child_main(url, options, jobs_fd, replies_fd, imports)


def child_main(
    url: str, options: Options, jobs_fd: int, replies_fd: int, imports: Sequence[str] = ()
) -> None:
    """The writer process: batches from `jobs_fd`, answers to `replies_fd`, until the jobs
    end. The first answer is READY, once the modules the jobs call are imported (no answer
    waits for imports) and the file is open."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    _name_process(PROCESS_NAME)
    for module in imports:
        importlib.import_module(module)
    # what was imported lives as long as the process: a garbage collection need not visit it
    gc.freeze()
    engine = make_engine(
        url,
        writer=True,
        checkpointer=options.checkpointer,
        busy_timeout_s=options.busy_timeout_s,
    )
    catalog = Catalog(record_changes=True)
    writer = Writer(engine, SystemClock(), _no_publish, catalog=catalog)
    try:
        send_frame(replies_fd, READY)
        taking = _Jobs(jobs_fd)
        while (messages := taking.take()) is not None:
            send_frame(replies_fd, _run(writer, catalog, messages))
    finally:
        writer.close()
        engine.dispose()
        os.close(replies_fd)


def _name_process(name: str) -> None:
    """The name `ps`, `top` and psutil show (Linux; elsewhere the process keeps python's)."""
    try:
        with open("/proc/self/comm", "w", encoding="ascii") as comm:
            comm.write(name)
    except OSError:  # pragma: no cover - not Linux
        pass


def _no_publish(_events: list[CommittedEvent]) -> None:  # pragma: no cover - never called
    raise AssertionError("the writer process returns its events; it publishes nothing")


class _Jobs:
    """The jobs as the child takes them: what one read of the pipe brings, at most MAX_BATCH
    at a time; the pipe's end only once every message before it was taken (jobs handed over
    just before the server stops still run and are answered)."""

    def __init__(self, fd: int) -> None:
        self._fd = fd
        self._waiting: collections.deque[bytes] = collections.deque()
        self._frames = Frames(self._waiting.append)

    def take(self) -> list[bytes] | None:
        waiting = self._waiting
        while not waiting:
            try:
                data = os.read(self._fd, READ_BYTES)
            except OSError:
                data = b""
            if not data:
                return None
            self._frames.feed(data)
        return [waiting.popleft() for _ in range(min(MAX_BATCH, len(waiting)))]


def instant_bytes(at: datetime) -> bytes:
    """An aware instant (what Clock.now gives) as microseconds since 1970, exactly."""
    return ((at - EPOCH) // MICROSECOND).to_bytes(8, "little", signed=True)


def instant_from(raw: bytes) -> datetime:
    """The instant `instant_bytes` wrote."""
    return EPOCH + timedelta(microseconds=int.from_bytes(raw, "little", signed=True))


def _run(writer: Writer, catalog: Catalog, messages: list[bytes]) -> bytes:
    """Run one batch; its answer message."""
    numbers = [message[:ID_BYTES] for message in messages]
    entries: list[Entry] = []
    slots: list[int] = []  # where each entry's outcome goes
    outcomes: list[Outcome] = [(False, None)] * len(messages)
    for index, message in enumerate(messages):
        at = instant_from(message[ID_BYTES:HEAD_BYTES])
        try:
            job = pickle.loads(message[HEAD_BYTES:])
        except Exception as exc:  # a job of a class the child cannot import, say
            log.exception("writer process: a job does not unpickle")
            outcomes[index] = (False, JobCrashed(f"the job does not unpickle here: {exc!r}"))
            continue
        entries.append(Entry(job, at))
        slots.append(index)
    events: list[CommittedEvent] = []
    seconds = 0.0  # the batch's time, for the server's monitoring (writer/process.py)
    if entries:
        before = writer.batch_times.sum
        ran, events = writer.execute(entries)
        seconds = writer.batch_times.sum - before
        for slot, outcome in zip(slots, ran, strict=True):
            outcomes[slot] = outcome
    head = len(messages).to_bytes(4, "little") + b"".join(numbers)
    return head + _dump_answer(events, catalog.take_changes(), outcomes, seconds)


def _dump_answer(
    events: list[CommittedEvent],
    changes: list[int | None],
    outcomes: list[Outcome],
    seconds: float,
) -> bytes:
    try:
        return pickle.dumps((events, changes, outcomes, seconds), protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:
        log.exception("writer process: an outcome does not pickle; refusing it alone")
    return pickle.dumps(
        (events, changes, [_picklable(outcome) for outcome in outcomes], seconds),
        protocol=pickle.HIGHEST_PROTOCOL,
    )


def _picklable(outcome: Outcome) -> Outcome:
    try:
        pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as exc:
        return False, JobCrashed(f"the job's outcome does not pickle: {exc!r}")
    return outcome
