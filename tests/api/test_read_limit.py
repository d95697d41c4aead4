"""Reads run at most `settings.readers` at once: a burst (a thousand screens reconnecting
after a restart) waits its turn instead of opening a thread and a database connection per
request, which stay and keep their page caches (docs/benchmarks.md, "Memory")."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path

from sqlalchemy import text
from sqlmodel import Session

from server.domain.clock import ManualClock
from tests.helpers import start_server


async def test_a_burst_of_reads_runs_at_most_readers_at_once(
    tmp_path: Path, clock: ManualClock
) -> None:
    async with start_server(tmp_path, clock, readers=3) as server:
        running, most, lock = 0, 0, threading.Lock()

        def read(session: Session) -> int:
            nonlocal running, most
            with lock:
                running += 1
                most = max(most, running)
            try:
                time.sleep(0.02)  # a slow query
                return int(session.exec(text("SELECT 1")).scalar_one())
            finally:
                with lock:
                    running -= 1

        answers = await asyncio.gather(*(server.runtime.read(read) for _ in range(40)))
        assert answers == [1] * 40  # every read answered
        assert most == 3
        assert server.runtime.read_engine.pool.size() == 3
