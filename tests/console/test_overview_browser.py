"""The live overview in headless Chromium: sign-in and refusal, live updates from another
client, alerts on a long wait and a bad rating, resync after a blip."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from playwright.async_api import BrowserContext, expect

from server.domain.clock import ManualClock
from tests.console.pages import new_context, sign_in
from tests.helpers import STAFF_PASSWORD, LiveServer, Seeded, open_window, seed_hall

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def seeded(module_server: LiveServer) -> Seeded:
    return await seed_hall(module_server)


@pytest_asyncio.fixture(loop_scope="module")
async def context(browser: object) -> AsyncIterator[BrowserContext]:
    ctx = await new_context(browser)
    yield ctx
    await ctx.close()


async def test_window_clerk_is_refused_with_a_message(
    module_server: LiveServer, seeded: Seeded, context: BrowserContext
) -> None:
    tab = await context.new_page()
    await tab.goto(f"{module_server.base_url}/console/login")
    await tab.fill("#staff_no", seeded.staff["1"])
    await tab.fill("#password", STAFF_PASSWORD)
    await tab.click("#sign-in")
    await expect(tab.locator("[data-field=staff_no] .field-error")).to_contain_text("窗口")
    assert "/console/login" in tab.url
    assert not [c for c in await context.cookies() if c["name"] == "gq_session"]
    await tab.fill("#staff_no", seeded.supervisor_no)
    await tab.fill("#password", "wrong-password")
    await tab.click("#sign-in")
    await expect(tab.locator("[data-field=password] .field-error")).to_contain_text("密码错误")


async def test_overview_follows_another_client_live(
    module_server: LiveServer, seeded: Seeded, context: BrowserContext, module_clock: ManualClock
) -> None:
    tab = await sign_in(context, module_server.base_url, seeded.supervisor_no, STAFF_PASSWORD)
    cookie = next(c for c in await context.cookies() if c["name"] == "gq_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert "gq_session" not in tab.url
    waiting_a = tab.locator(f"[data-service='{seeded.services['A']}'] .waiting")
    await expect(waiting_a).to_have_text("0")
    kiosk = module_server.client(seeded.kiosk_token)
    ticket = await kiosk.issue_ticket(seeded.services["A"])
    await expect(waiting_a).to_have_text("1")
    clerk = await open_window(module_server, seeded, "1")
    await expect(tab.locator(f"[data-window='{seeded.windows['1']}']")).to_contain_text("服务中")
    await clerk.call_next(seeded.windows["1"])
    current = tab.locator(f"[data-window='{seeded.windows['1']}'] .current")
    await expect(current).to_contain_text(ticket["number"])
    await expect(waiting_a).to_have_text("0")
    # A network blip: the page resumes from its last seq and misses nothing.
    reconnects = await tab.evaluate("window.gqLive.reconnects")
    await tab.evaluate("window.gqLive.blip()")
    second = await kiosk.issue_ticket(seeded.services["A"])
    await expect(waiting_a).to_have_text("1")
    assert await tab.evaluate("window.gqLive.reconnects") == reconnects + 1
    await clerk.ticket_action(ticket["id"], "start")
    await clerk.ticket_action(ticket["id"], "finish", {"outcome": "done"})
    await expect(current).to_contain_text("—")
    assert second["number"] != ticket["number"]
    await clerk.window_action(seeded.windows["1"], "close")
