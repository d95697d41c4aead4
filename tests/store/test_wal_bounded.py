"""SQLite's WAL does not stay big: the server's writer connection sets journal_size_limit, so a
WAL that grew while a reader held it (an export reads for minutes) is cut back to
WAL_KEEP_BYTES when it restarts, and the checkpointer truncates one past
WAL_TRUNCATE_BYTES once the readers let go, even with no write after. It used to keep its
largest size for good (41 MB after an 8-kiosk rush)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from server.domain.clock import ManualClock
from server.store.checkpoint import WAL_KEEP_BYTES, Checkpointer
from tests.helpers import seed_hall, start_server

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("GOVQUEUE_TEST_POSTGRES")), reason="SQLite's WAL"
)


def wal_bytes(database: Path) -> int:
    wal = database.with_name(database.name + "-wal")
    return wal.stat().st_size if wal.exists() else 0


@contextlib.contextmanager
def reader_holding_a_snapshot(database: Path) -> Iterator[None]:
    conn = sqlite3.connect(database, isolation_level=None)
    try:
        conn.execute("BEGIN")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchall()
        yield
        conn.execute("COMMIT")
    finally:
        conn.close()


async def test_a_wal_grown_under_a_long_reader_is_cut_back_once_it_lets_go(
    tmp_path: Path, clock: ManualClock
) -> None:
    async with start_server(tmp_path, clock) as server:
        hall = await seed_hall(server)
        kiosk = server.client(hall.kiosk_token)
        database = Path(server.settings.resolved_database_url().removeprefix("sqlite:///"))
        with reader_holding_a_snapshot(database):  # as a long export does
            while wal_bytes(database) <= 2 * WAL_KEEP_BYTES:
                await kiosk.issue_ticket(hall.services["A"])
            grown = wal_bytes(database)
        for _ in range(600):  # the hall goes on; the next restart of the WAL cuts it back
            await kiosk.issue_ticket(hall.services["A"])
            if wal_bytes(database) <= WAL_KEEP_BYTES:
                break
            await asyncio.sleep(0.1)
        assert grown > 2 * WAL_KEEP_BYTES and wal_bytes(database) <= WAL_KEEP_BYTES


def until(condition: Callable[[], bool], seconds: float = 60) -> bool:
    """Wait (polling) until `condition` holds, at most `seconds`."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def test_the_checkpointer_truncates_a_big_wal_once_the_readers_let_go(tmp_path: Path) -> None:
    database = tmp_path / "wal.db"
    writer = sqlite3.connect(database, isolation_level=None)
    writer.execute("PRAGMA journal_mode=WAL")
    writer.execute("PRAGMA wal_autocheckpoint=0")  # nothing copied back but by the checkpointer
    writer.execute("CREATE TABLE blob (data BLOB)")
    checkpointer = Checkpointer(database, 0.05, truncate_bytes=1024 * 1024, truncate_every_s=0)
    try:
        with reader_holding_a_snapshot(database):
            for _ in range(40):
                writer.execute("INSERT INTO blob VALUES (randomblob(65536))")
            grown = wal_bytes(database)
            checkpointer.start()
            # while the reader holds it: rounds of checkpoints, none can truncate
            assert until(lambda: checkpointer.checkpoints >= 10)
            assert checkpointer.truncations == 0 and wal_bytes(database) == grown
        # the reader let go: a later round truncates it, with no write needed
        assert until(lambda: checkpointer.truncations >= 1)
    finally:
        checkpointer.stop()
        writer.close()
    assert grown > 2 * 1024 * 1024 and wal_bytes(database) == 0
