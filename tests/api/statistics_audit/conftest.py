"""One server and one played scenario (scenario.py) for every test of the folder: playing it
takes seconds, and no test changes what another reads."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC
from typing import Any

import pytest
import pytest_asyncio

from server.domain.clock import ManualClock
from tests.api.statistics_audit.scenario import READ_AT, play
from tests.helpers import HALL_OPENING, LiveServer, start_server


@pytest_asyncio.fixture(scope="package", loop_scope="package")
async def audit_clock() -> ManualClock:
    return ManualClock(HALL_OPENING)


@pytest_asyncio.fixture(scope="package", loop_scope="package")
async def audit_server(
    tmp_path_factory: pytest.TempPathFactory, audit_clock: ManualClock
) -> AsyncIterator[LiveServer]:
    async with start_server(tmp_path_factory.mktemp("audit"), audit_clock) as live:
        yield live


@pytest.fixture(autouse=True)
def at_read_time(audit_clock: ManualClock) -> None:
    audit_clock.set(READ_AT.astimezone(UTC))


@pytest_asyncio.fixture(scope="package", loop_scope="package")
async def scenario(audit_server: LiveServer, audit_clock: ManualClock) -> dict[str, Any]:
    return await play(audit_server, audit_clock)
