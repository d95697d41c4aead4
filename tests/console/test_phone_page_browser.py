"""The ticket's page on the applicant's phone follows the hall live (issue 27): headless
Chromium at 375×667 and 414×896, the page's own WebSocket (/t/{token}/live), no reload.

`GOVQUEUE_SCREENSHOTS_DIR=docs/screenshots` also saves the pictures the README shows."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import pytest_asyncio
import websockets
from playwright.async_api import Browser, BrowserContext, Page, expect

from client.rest import tls_context
from server.domain.clock import ManualClock
from tests.console.test_public_page_browser import shoot
from tests.helpers import LiveServer, Seeded, open_window, seed_hall

pytestmark = pytest.mark.asyncio(loop_scope="session")
SIZES = [{"width": 375, "height": 667}, {"width": 414, "height": 896}]
FIRST_LOAD_LIMIT = 100_000


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def seeded(module_server: LiveServer) -> Seeded:
    return await seed_hall(module_server, code="P1", windows={"1": ["A"], "2": ["A"]})


async def phone_context(browser: Any, size: dict[str, int]) -> BrowserContext:
    b: Browser = browser
    return await b.new_context(
        viewport=size, locale="zh-CN", timezone_id="Asia/Shanghai", device_scale_factor=2
    )


@pytest_asyncio.fixture(loop_scope="session", params=SIZES, ids=["375x667", "414x896"])
async def phone(browser: Any, request: pytest.FixtureRequest) -> AsyncIterator[BrowserContext]:
    context = await phone_context(browser, request.param)
    yield context
    await context.close()


class Watched:
    """A page and what it loaded: every request, the bytes of each response (headers and
    body, as they came over the wire), the frames its WebSocket received."""

    def __init__(self, tab: Page) -> None:
        self.tab = tab
        self.requests: list[str] = []
        self.finished: list[Any] = []
        self.frames: list[str] = []
        tab.on("request", lambda r: self.requests.append(r.url))
        tab.on("requestfinished", lambda r: self.finished.append(r))
        tab.on("websocket", lambda ws: ws.on("framereceived", lambda f: self.frames.append(f)))

    async def loaded_bytes(self) -> int:
        total = 0
        for request in self.finished:
            sizes = await request.sizes()
            total += sizes["responseHeadersSize"] + sizes["responseBodySize"]
        return total


async def open_page(context: BrowserContext, server: LiveServer, token: str) -> Watched:
    tab = await context.new_page()
    tab.set_default_timeout(10_000)
    watched = Watched(tab)
    await tab.goto(f"{server.base_url}/t/{token}")
    await tab.wait_for_function("() => window.gqLive && window.gqLive.connected")
    await tab.evaluate("window.notReloaded = true")
    return watched


async def test_the_page_follows_the_calls_live_and_shows_the_window_large(
    module_server: LiveServer, seeded: Seeded, phone: BrowserContext
) -> None:
    kiosk = module_server.client(seeded.kiosk_token)
    tickets = [await kiosk.issue_ticket(seeded.services["A"]) for _ in range(3)]
    mine = tickets[-1]
    page = await open_page(phone, module_server, mine["public_token"])
    tab = page.tab
    headline = tab.locator("#headline")
    await expect(headline).to_have_text("等候中 · 前面还有 2 人")
    await expect(tab.locator("#conn")).to_have_text("实时更新中")
    rows = tab.locator("#rows")
    await expect(rows).to_contain_text("预计等候")
    # first load: one document, nothing from another host, well under 100 KB
    size = await page.loaded_bytes()
    print(f"first load: {len(page.requests)} request(s), {size} bytes")
    assert page.requests == [f"{module_server.base_url}/t/{mine['public_token']}"]
    assert size < FIRST_LOAD_LIMIT
    width = await tab.evaluate("document.documentElement.scrollWidth")
    assert width <= tab.viewport_size["width"]  # type: ignore[index]  # no sideways scrolling
    if (shot := shoot(tab, f"phone-waiting-{tab.viewport_size['width']}.png")) is not None:  # type: ignore[index]
        await shot

    one = await open_window(module_server, seeded, "1")
    two = await open_window(module_server, seeded, "2")
    await one.call_next(seeded.windows["1"])
    await expect(headline).to_have_text("等候中 · 前面还有 1 人")
    await rows.filter(has_text="1 人").wait_for()
    await two.call_next(seeded.windows["2"])
    await expect(headline).to_have_text("等候中 · 前面还有 0 人")
    await one.ticket_action(tickets[0]["id"], "no-show")
    called = await one.call_next(seeded.windows["1"])
    assert called is not None and called["id"] == mine["id"]
    await expect(headline).to_have_text("请到 1 号窗口办理")
    await expect(headline).to_have_class("status called")
    font = await headline.evaluate("h => parseFloat(getComputedStyle(h).fontSize)")
    assert font >= 34  # large: the largest text on the page but the number
    assert await tab.evaluate("window.notReloaded") is True  # no reload: the same document
    if (shot := shoot(tab, f"phone-called-{tab.viewport_size['width']}.png")) is not None:  # type: ignore[index]
        await shot
    await one.ticket_action(mine["id"], "start")
    await expect(headline).to_have_text("正在 1 号窗口办理中")
    await one.ticket_action(mine["id"], "finish", {"outcome": "done"})
    # finished: the page loads its rating part once
    await expect(tab.locator("#rate")).to_contain_text("请为本次服务评价")
    await expect(headline).to_have_text("已办结")
    await two.ticket_action(tickets[1]["id"], "no-show")
    for window, client in (("1", one), ("2", two)):
        await client.window_action(seeded.windows[window], "close")
    # nothing but this ticket's own view came over the socket
    numbers = {t["number"] for t in tickets} - {mine["number"]}
    for frame in page.frames:
        message = json.loads(frame)
        assert message["type"] in ("ticket", "pong")
        assert not any(n in frame for n in numbers)
    assert all(r.startswith(module_server.base_url) for r in page.requests)


async def test_a_token_of_one_hall_shows_nothing_of_another(
    module_server: LiveServer, seeded: Seeded, browser: Any
) -> None:
    other = await seed_hall(module_server, code="P2", windows={"1": ["A"]})
    context = await phone_context(browser, SIZES[0])
    try:
        kiosk = module_server.client(seeded.kiosk_token)
        mine = await kiosk.issue_ticket(seeded.services["B"])
        page = await open_page(context, module_server, mine["public_token"])
        before = len(page.frames)
        elsewhere = module_server.client(other.kiosk_token)
        theirs = [await elsewhere.issue_ticket(other.services["B"]) for _ in range(2)]
        clerk = await open_window(module_server, other, "1")
        await clerk.call_next(other.windows["1"])
        await kiosk.issue_ticket(seeded.services["A"])
        also_mine = await kiosk.issue_ticket(seeded.services["B"])
        # the page is listening: its own ticket's call reaches it (after all of the above)
        staff = await module_server.login(seeded.supervisor_no)
        await staff.ticket_action(mine["id"], "cancel")
        await expect(page.tab.locator("#headline")).to_have_text("已取消")
        html = await page.tab.content()
        seen = "".join(page.frames[before:]) + html
        assert "P2" not in seen and other.services["B"] != 0
        for ticket in theirs:
            assert ticket["public_token"] not in seen
        # its own hall's other numbers are not on the page or the socket either
        assert also_mine["number"] not in seen
        for frame in page.frames:
            assert json.loads(frame)["data"]["number"] == mine["number"]
        await clerk.window_action(other.windows["1"], "close")
    finally:
        await context.close()


async def test_the_feed_refuses_unknown_tokens_and_says_why(
    module_server: LiveServer, seeded: Seeded
) -> None:
    ws_base = module_server.base_url.replace("http://", "ws://")
    async with websockets.connect(f"{ws_base}/t/not-a-ticket/live") as ws:
        refusal = json.loads(await ws.recv())
        assert refusal["code"] == "not_found" and "未找到" in refusal["detail"]
        await ws.wait_closed()
        assert ws.close_code == 4404
    ticket = await module_server.client(seeded.kiosk_token).issue_ticket(seeded.services["A"])
    async with websockets.connect(f"{ws_base}/t/{ticket['public_token']}/live") as ws:
        view = json.loads(await ws.recv())
        assert view["type"] == "ticket" and view["data"]["number"] == ticket["number"]
        await ws.send('{"type":"ping"}')
        assert json.loads(await ws.recv()) == {"type": "pong"}


async def test_the_link_expires_with_the_rating_window(
    module_server: LiveServer, seeded: Seeded, module_clock: ManualClock
) -> None:
    """Last in this module: it moves the module's clock on by days."""
    kiosk = module_server.client(seeded.kiosk_token)
    ticket = await kiosk.issue_ticket(seeded.services["A"])
    clerk = await open_window(module_server, seeded, "1")
    called = await clerk.call_next(seeded.windows["1"])
    assert called is not None
    while called["id"] != ticket["id"]:  # earlier tickets of this module: out of the way
        await clerk.ticket_action(called["id"], "no-show")
        called = await clerk.call_next(seeded.windows["1"])
        assert called is not None
    await clerk.ticket_action(ticket["id"], "start")
    await clerk.ticket_action(ticket["id"], "finish", {"outcome": "done"})
    await clerk.window_action(seeded.windows["1"], "close")
    token = ticket["public_token"]
    ws_base = module_server.base_url.replace("http://", "ws://")
    async with httpx.AsyncClient(verify=tls_context(), base_url=module_server.base_url) as http:
        module_clock.advance(7 * 86400 - 60)
        assert (await http.get(f"/t/{token}")).status_code == 200
        module_clock.advance(120)
        page = await http.get(f"/t/{token}")
        assert page.status_code == 410 and "评价已关闭" in page.text and "已失效" in page.text
        rest = await http.get(f"/api/v1/tickets/public/{token}")
        assert rest.status_code == 410 and rest.json()["code"] == "gone"
    async with websockets.connect(f"{ws_base}/t/{token}/live") as ws:
        refusal = json.loads(await ws.recv())
        assert refusal["code"] == "gone"
        await ws.wait_closed()
        assert ws.close_code == 4410
