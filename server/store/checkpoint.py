"""SQLite's WAL checkpoints in a thread of their own, off the writer's path.

By default the connection that commits copies the WAL back into the database file (and
fsyncs it) whenever the WAL passes 1,000 pages: every ~70 writer batches one batch's callers
waited for a checkpoint as well as their own commit. Here a thread with its own connection
runs a PASSIVE checkpoint every `interval_s` (it waits for nobody and nobody waits for it;
what the readers still use is copied next time), and the writer checkpoints by itself only
past WRITER_AUTOCHECKPOINT_PAGES, a safety net should this thread fall behind or stop.
Durability is the commit's: a checkpoint only moves committed pages.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from pathlib import Path

log = logging.getLogger(__name__)

# the writer's own checkpoint threshold (pages of 4 kB): ~40 MB of WAL
WRITER_AUTOCHECKPOINT_PAGES = 10_000


class Checkpointer:
    def __init__(self, database: Path, interval_s: float = 0.5) -> None:
        self._database = database
        self._interval_s = interval_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.checkpoints = 0  # completed runs (each PASSIVE: it may copy part of the WAL)

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
        conn = sqlite3.connect(self._database, isolation_level=None, check_same_thread=False)
        try:
            while not self._stop.wait(self._interval_s):
                try:
                    conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                    self.checkpoints += 1
                except sqlite3.Error:  # busy or failing: the writer's own threshold remains
                    log.warning("WAL checkpoint failed; trying again", exc_info=True)
        finally:
            conn.close()
