"""WAL checkpoints run in their own thread: the writer's commits no longer copy the WAL back
into the database file themselves (below the safety threshold), the Checkpointer does."""

from __future__ import annotations

import time
from pathlib import Path

from sqlalchemy import Connection, text

from server.store.checkpoint import WRITER_AUTOCHECKPOINT_PAGES, Checkpointer
from server.store.engine import make_engine

PAGE = 4096


def _commit_pages(conn: Connection, commits: int) -> None:
    """~10 pages per commit, in many small commits as the writer's batches are."""
    conn.execute(text("CREATE TABLE IF NOT EXISTS blob (id INTEGER PRIMARY KEY, b BLOB)"))
    conn.commit()
    for _ in range(commits):
        conn.execute(text("INSERT INTO blob (b) VALUES (randomblob(:n))"), {"n": PAGE * 10})
        conn.commit()


def test_the_writer_leaves_checkpoints_to_the_checkpointer(tmp_path: Path) -> None:
    database = tmp_path / "wal.db"
    url = f"sqlite:///{database}"
    engine = make_engine(url, writer=True, checkpointer=True)
    with engine.connect() as conn:
        conn.execute(text("CREATE TABLE blob (id INTEGER PRIMARY KEY, b BLOB)"))
        conn.commit()
        start = database.stat().st_size
        _commit_pages(conn, 200)  # ~2,000 pages: past SQLite's default threshold of 1,000
        assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == (
            WRITER_AUTOCHECKPOINT_PAGES
        )
        # the writer did not copy anything back: everything is still in the WAL
        assert database.stat().st_size == start
        wal = Path(f"{database}-wal").stat().st_size
        assert wal > 2000 * PAGE

        checkpointer = Checkpointer(database, interval_s=0.05)
        checkpointer.start()
        try:
            deadline = time.monotonic() + 10
            while database.stat().st_size < 2000 * PAGE and time.monotonic() < deadline:
                time.sleep(0.05)
        finally:
            checkpointer.stop()
        assert database.stat().st_size >= 2000 * PAGE  # copied back by the checkpointer
        assert checkpointer.checkpoints > 0
        # and the data reads back whole
        assert conn.execute(text("SELECT count(*) FROM blob")).scalar() == 200
    engine.dispose()


def test_without_a_checkpointer_the_writer_checkpoints_itself(tmp_path: Path) -> None:
    """CLI commands and the demo's setup write without a Checkpointer beside them."""
    database = tmp_path / "plain.db"
    engine = make_engine(f"sqlite:///{database}", writer=True)
    with engine.connect() as conn:
        _commit_pages(conn, 200)
        # the connection stays open: closing the last one would checkpoint everything
        assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 1000
        assert database.stat().st_size >= 1000 * PAGE
    engine.dispose()
