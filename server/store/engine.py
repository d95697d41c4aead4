"""Engines: SQLite in WAL mode with full fsync on commit, or PostgreSQL.

Each server process has a read engine (pooled, concurrent readers) and a write engine used
by exactly one thread, the writer (see writer/group_commit.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event

from server.store.checkpoint import WAL_KEEP_BYTES, WRITER_AUTOCHECKPOINT_PAGES

# SQLite: how long a connection waits for another's write lock. The CLI's changes wait as
# long as a person would; the server's writer much less (DEFAULT_WRITE_BUSY_TIMEOUT_S), so a
# kiosk gets a 503 store_busy it can act on before its own 10 s timeout.
BUSY_TIMEOUT_S = 30.0
DEFAULT_WRITE_BUSY_TIMEOUT_S = 5.0


def make_engine(
    url: str,
    *,
    writer: bool = False,
    checkpointer: bool = False,
    readers: int = 8,
    busy_timeout_s: float = BUSY_TIMEOUT_S,
) -> Engine:
    """`readers`: connections kept for reads (as many again may open for a moment).
    `checkpointer`: SQLite's WAL checkpoints are run by a Checkpointer thread
    (checkpoint.py) beside this writer, which then checkpoints only as a safety net.
    `busy_timeout_s` (SQLite): how long to wait for another connection's write lock before
    the statement fails with "database is locked" (failures.is_busy)."""
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 30},
            pool_size=1 if writer else readers,
            max_overflow=0 if writer else readers,
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        if busy_timeout_s != BUSY_TIMEOUT_S:
            event.listen(engine, "connect", _busy_timeout(busy_timeout_s))
        if writer and checkpointer:
            event.listen(engine, "connect", _writer_pragmas)
        begin = "BEGIN IMMEDIATE" if writer else "BEGIN"

        def on_begin(conn: Connection) -> None:
            # straight on the sqlite3 connection: SQLAlchemy's statement execution around
            # one BEGIN cost more than the rest of a small batch's bookkeeping
            driver = conn.connection.driver_connection
            assert driver is not None
            driver.execute(begin)

        event.listen(engine, "begin", on_begin)
        return engine
    return create_engine(
        url,
        pool_size=1 if writer else readers,
        max_overflow=0 if writer else readers,
        pool_pre_ping=True,
    )


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Take over transaction control so that BEGIN IMMEDIATE can be issued by the writer:
    # it takes the write lock up front, so two processes on one file queue instead of failing.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    # FULL: the WAL is fsynced at every commit, so an acknowledged ticket survives a power cut.
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={round(BUSY_TIMEOUT_S * 1000)}")
    cursor.close()


def _busy_timeout(seconds: float) -> Callable[[Any, Any], None]:
    def set_timeout(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={max(0, round(seconds * 1000))}")
        cursor.close()

    return set_timeout


def _writer_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL checkpoints are a thread's of their own (checkpoint.py); the writer's commits
    # copy the WAL back only if that thread has fallen far behind
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA wal_autocheckpoint={WRITER_AUTOCHECKPOINT_PAGES}")
    # each time the WAL restarts from its beginning, the file is cut back to this size
    cursor.execute(f"PRAGMA journal_size_limit={WAL_KEEP_BYTES}")
    cursor.close()
