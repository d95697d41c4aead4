"""What a server runs (docs/runtime.md): the lifespan stops everything it started — the
password threads, the statistics process — and gives the GIL's switch interval back; on
PostgreSQL one connection listens for both the live feed and the revocations."""

from __future__ import annotations

import asyncio
import os
import sys
import threading
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import psutil
import pytest
from sqlalchemy import create_engine, text

from server.app import GIL_SWITCH_INTERVAL_S
from server.domain.clock import ManualClock
from server.queries.stats.indicators import Scope
from tests.helpers import HALL_OPENING, seed_hall, start_server


def password_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("govqueue-password")]


async def test_a_server_stops_what_it_started_and_gives_the_switch_interval_back(
    tmp_path: Path,
) -> None:
    before = sys.getswitchinterval()
    assert before != GIL_SWITCH_INTERVAL_S
    async with start_server(tmp_path, ManualClock(HALL_OPENING)) as server:
        assert sys.getswitchinterval() == GIL_SWITCH_INTERVAL_S
        hall = await seed_hall(server)
        await server.login(hall.supervisor_no)  # a password check, in the password threads
        assert password_threads()
        runtime = server.runtime
        day = date(2026, 11, 26)
        url = server.settings.resolved_database_url()
        scope = Scope((hall.hall_id,), day, day, HALL_OPENING, ZoneInfo("Asia/Shanghai"))
        found = await runtime.statistics.indicators(url, scope, "day", True)
        assert found["total"] is not None
        statistics = runtime.statistics.pid
        assert statistics is not None and statistics != os.getpid()
    assert sys.getswitchinterval() == before
    assert not password_threads()
    assert not psutil.pid_exists(statistics) or psutil.Process(statistics).status() == "zombie"


@pytest.mark.skipif(not os.environ.get("GOVQUEUE_TEST_POSTGRES"), reason="PostgreSQL only")
async def test_on_postgresql_one_connection_listens_for_the_feed_and_the_revocations(
    tmp_path: Path,
) -> None:
    async with start_server(tmp_path, ManualClock(HALL_OPENING)) as server:
        listener = server.runtime.listener
        assert listener is not None
        await asyncio.wait_for(listener.connected.wait(), 10)
        engine = create_engine(str(server.settings.database_url))
        try:
            with engine.connect() as conn:
                listening = conn.execute(
                    text(
                        "select query from pg_stat_activity "
                        "where datname = current_database() and query like 'LISTEN %'"
                    )
                ).all()
        finally:
            engine.dispose()
        assert [row[0] for row in listening] == ["LISTEN govqueue_revocations"]
