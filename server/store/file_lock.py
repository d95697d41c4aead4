"""One server process per SQLite file: an exclusive lock on `<file>.lock`, held for life.

Two `govqueue serve` on one SQLite file would each publish only the events committed
through it, so screens attached to one would miss the other's calls. The second refuses
to start instead. The lock is an flock(2) on a file next to the database: the kernel drops
it when the process ends, however it ends (kill -9 included), so a stale lock cannot
block a restart. CLI commands (`govqueue admin …`, `db upgrade`) do not take it: they work
while the server runs (SQLite serialises their writes with the server's).
"""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.engine import make_url

from server.domain.texts import text


class DatabaseInUse(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def sqlite_file(url: str) -> Path | None:
    """The database file of a SQLite URL; None for PostgreSQL or an in-memory database."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database).resolve()


_held: dict[Path, tuple[int, int]] = {}  # lock file -> (descriptor, holders in this process)
_guard = threading.Lock()


@contextmanager
def serving_lock(url: str) -> Iterator[None]:
    """Hold the database's serve lock for the block; DatabaseInUse when another process
    holds it. Re-entrant within a process (the CLI takes it before the app does)."""
    database = sqlite_file(url)
    if database is None:
        yield
        return
    path = database.with_name(database.name + ".lock")
    _acquire(path, database)
    try:
        yield
    finally:
        _release(path)


def hold_serving_lock(url: str) -> None:
    """Take the lock for the rest of this process's life (`govqueue serve`, before it starts
    the server: a second one ends with one clear line instead of a failed start-up)."""
    database = sqlite_file(url)
    if database is not None:
        _acquire(database.with_name(database.name + ".lock"), database)


def _acquire(path: Path, database: Path) -> None:
    with _guard:
        if path in _held:
            fd, count = _held[path]
            _held[path] = (fd, count + 1)
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode(errors="replace").strip()
            os.close(fd)
            raise DatabaseInUse(
                text(
                    "server.database_in_use",
                    path=database,
                    holder=f"进程号 {holder}" if holder.isdigit() else "进程号未知",
                )
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        _held[path] = (fd, 1)


def _release(path: Path) -> None:
    with _guard:
        fd, count = _held[path]
        if count > 1:
            _held[path] = (fd, count - 1)
            return
        del _held[path]
        os.close(fd)  # drops the lock; the file stays (removing it would race a new holder)
