"""SQLite's WAL checkpoints in a thread of their own, off the writer's path.

By default the connection that commits copies the WAL back into the database file (and
fsyncs it) whenever the WAL passes 1,000 pages: every ~70 writer batches one batch's callers
waited for a checkpoint as well as their own commit. Here a thread with its own connection
runs a PASSIVE checkpoint every `interval_s` (it waits for nobody and nobody waits for it;
what the readers still use is copied next time), and the writer checkpoints by itself only
past WRITER_AUTOCHECKPOINT_PAGES, a safety net should this thread fall behind or stop.
Durability is the commit's: a checkpoint only moves committed pages.

The WAL's size is bounded too (issue 23: it grew to 41 MB in a rush and never shrank; on a
30 MB disk it filled the space freed in 10 s). SQLite reuses a WAL from its start once every
frame is copied back and no reader still uses it, but never makes the file smaller: the
writer's connection sets `journal_size_limit` (WAL_KEEP_BYTES), so each such restart cuts the
file back to that size. A reader that stays (an export reads for minutes) keeps the WAL from
restarting while writes go on; once the WAL is past WAL_TRUNCATE_BYTES this thread asks for a
TRUNCATE checkpoint, at most every TRUNCATE_EVERY_S, waiting at most TRUNCATE_WAIT_S for the
readers (new writes wait that long too, at most: a kiosk's ticket a few tens of ms, once in
a while) — when it gets it, the WAL is copied back and cut to nothing.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from pathlib import Path

log = logging.getLogger(__name__)

# the writer's own checkpoint threshold (pages of 4 kB): ~40 MB of WAL
WRITER_AUTOCHECKPOINT_PAGES = 10_000
WAL_KEEP_BYTES = 4 * 1024 * 1024  # journal_size_limit: the WAL is cut to this on a restart
WAL_TRUNCATE_BYTES = 16 * 1024 * 1024  # past this, a TRUNCATE checkpoint is asked for
TRUNCATE_EVERY_S = 5.0
TRUNCATE_WAIT_S = 0.05  # how long it waits for readers (and holds new writes meanwhile)


class Checkpointer:
    def __init__(
        self,
        database: Path,
        interval_s: float = 0.5,
        *,
        truncate_bytes: int = WAL_TRUNCATE_BYTES,
        truncate_every_s: float = TRUNCATE_EVERY_S,
    ) -> None:
        self._database = database
        self._wal = database.with_name(database.name + "-wal")
        self._interval_s = interval_s
        self._truncate_bytes = truncate_bytes
        self._truncate_every_s = truncate_every_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.checkpoints = 0  # completed runs (each PASSIVE: it may copy part of the WAL)
        self.truncations = 0  # TRUNCATE checkpoints that cut the WAL to nothing

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="govqueue-checkpoint", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def _run(self) -> None:
        conn = sqlite3.connect(
            self._database,
            isolation_level=None,
            check_same_thread=False,
            timeout=TRUNCATE_WAIT_S,  # PASSIVE never waits; TRUNCATE waits this long at most
        )
        last_truncate = 0.0
        try:
            while not self._stop.wait(self._interval_s):
                try:
                    conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                    self.checkpoints += 1
                    now = time.monotonic()
                    if (
                        now - last_truncate >= self._truncate_every_s
                        and self._wal_bytes() > self._truncate_bytes
                    ):
                        last_truncate = now
                        self._truncate(conn)
                except sqlite3.Error:  # busy or failing: the writer's own threshold remains
                    log.warning("WAL checkpoint failed; trying again", exc_info=True)
        finally:
            conn.close()

    def _wal_bytes(self) -> int:
        try:
            return self._wal.stat().st_size
        except OSError:
            return 0

    def _truncate(self, conn: sqlite3.Connection) -> None:
        """Copy the whole WAL back and cut it to nothing, if the readers let go in time."""
        before = self._wal_bytes()
        busy, _pages, _copied = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        if busy:
            log.info("WAL at %.1f MB: readers kept it; trying again later", before / 2**20)
            return
        self.truncations += 1
        log.info("WAL at %.1f MB copied back and truncated", before / 2**20)
