"""Browser tests: one real server per module and one headless Chromium per test process
(seconds per test).

Debian's `chromium` is driven through Python Playwright (its own browser download is not
needed). Modules whose tests need a browser use the `browser` / `console` fixtures (and
`context`, a fresh browser context a test; `seeded`, hall H1), with
`pytestmark = pytest.mark.asyncio(loop_scope="session")`: every browser test of a process runs on
one event loop, the one Playwright's driver and the browser were started on (a Chromium and its
driver take ~2 s of CPU to start; one per module was 17 starts a run).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from playwright.async_api import BrowserContext

from server.domain.clock import ManualClock
from tests.console.pages import new_context
from tests.helpers import HALL_OPENING, LiveServer, Seeded, seed_hall, start_server

CHROMIUM = os.environ.get("GOVQUEUE_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="module")
def module_clock() -> ManualClock:
    return ManualClock(HALL_OPENING)


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def module_server(
    tmp_path_factory: pytest.TempPathFactory, module_clock: ManualClock
) -> AsyncIterator[LiveServer]:
    data = Path(tmp_path_factory.mktemp("console"))
    # the alert watch looks often: a long wait shows within a moment of the clock passing it
    async with start_server(data, module_clock, alert_check_interval_s=0.2) as live:
        yield live


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def browser() -> AsyncIterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.skip("chromium is not installed (bash dev.sh setup installs it)")
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        chromium = await p.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        yield chromium
        await chromium.close()


@pytest_asyncio.fixture(loop_scope="session")
async def context(browser: object) -> AsyncIterator[BrowserContext]:
    """A fresh browser context (its own cookies) for one test."""
    ctx = await new_context(browser)
    yield ctx
    await ctx.close()


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def seeded(module_server: LiveServer) -> Seeded:
    """Hall H1 (tests.helpers.seed_hall); a module that needs more defines its own."""
    return await seed_hall(module_server)
