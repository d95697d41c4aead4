from __future__ import annotations

import gc
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher, profiles

from server import security
from server.domain.clock import ManualClock
from tests.helpers import HALL_OPENING, LiveServer, Seeded, seed_hall, start_server


def pytest_sessionstart(session: pytest.Session) -> None:
    """The garbage collector of a test process, tuned for one that lives long and makes many
    short-lived objects: what is loaded by now (the server, Qt, the test libraries) is frozen out
    of its scans, and it runs after 50,000 new container objects instead of 700. The same tests,
    ~10 % less CPU (`pytest -n 3 tests/api`, alternated: 187/186 → 171/168 CPU-s). Unclosed
    objects are still found, a little later (they are listed, not failed, pyproject.toml)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)


@pytest.fixture(autouse=True, scope="session")
def apps_log_elsewhere(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The apps the tests start log under a folder of the test run (their default place is
    $XDG_STATE_HOME/govqueue/), never in the home folder of whoever runs the tests."""
    before = os.environ.get("XDG_STATE_HOME")
    os.environ["XDG_STATE_HOME"] = str(tmp_path_factory.mktemp("state"))
    yield
    if before is None:
        os.environ.pop("XDG_STATE_HOME", None)
    else:
        os.environ["XDG_STATE_HOME"] = before


@pytest.fixture(autouse=True)
def cheap_password_hashing(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """argon2 with its cheapest parameters (the same library and code, ~0.1 ms instead of
    ~0.2 s a hash), so that the suite does not spend minutes hashing the test accounts'
    passwords. Tests about the cost itself (login off the event loop) are marked
    `real_password_hashing`; tests/test_password_hashing.py checks the server's own
    parameters."""
    if request.node.get_closest_marker("real_password_hashing") is None:
        monkeypatch.setattr(security, "_hasher", PasswordHasher.from_parameters(profiles.CHEAPEST))
    security.dummy_password_hash.cache_clear()  # made again with this test's parameters
    yield
    security.dummy_password_hash.cache_clear()


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
