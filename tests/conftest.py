from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from server.domain.clock import ManualClock
from tests.helpers import HALL_OPENING, LiveServer, Seeded, seed_hall, start_server


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(HALL_OPENING)


@pytest.fixture
async def server(tmp_path: Path, clock: ManualClock) -> AsyncIterator[LiveServer]:
    async with start_server(tmp_path, clock) as live:
        yield live


@pytest.fixture
async def hall(server: LiveServer) -> Seeded:
    return await seed_hall(server)
