"""Engines: SQLite in WAL mode with full fsync on commit, or PostgreSQL.

Each server process has a read engine (pooled, concurrent readers) and a write engine used
by exactly one thread, the writer (see writer.py).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event

from server.store.checkpoint import WRITER_AUTOCHECKPOINT_PAGES


def make_engine(
    url: str, *, writer: bool = False, checkpointer: bool = False, readers: int = 8
) -> Engine:
    """`readers`: connections kept for reads (as many again may open for a moment).
    `checkpointer`: SQLite's WAL checkpoints are run by a Checkpointer thread
    (checkpoint.py) beside this writer, which then checkpoints only as a safety net."""
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 30},
            pool_size=1 if writer else readers,
            max_overflow=0 if writer else readers,
        )
        event.listen(engine, "connect", _sqlite_pragmas)
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
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _writer_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL checkpoints are a thread's of their own (checkpoint.py); the writer's commits
    # copy the WAL back only if that thread has fallen far behind
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA wal_autocheckpoint={WRITER_AUTOCHECKPOINT_PAGES}")
    cursor.close()
