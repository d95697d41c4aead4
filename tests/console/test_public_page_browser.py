"""The ticket's QR page rates a finished ticket (issue 22 item 3), in headless Chromium at a
phone's 375×667: the pad's five levels and reasons, once, within the hall's rating window,
loading nothing from another host.

`GOVQUEUE_SCREENSHOTS_DIR=docs/screenshots` also saves the pictures the README shows."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from playwright.async_api import Browser, BrowserContext, Page, expect

from client.rest import tls_context
from server.domain.clock import ManualClock
from tests.helpers import LiveServer, Seeded, open_window

pytestmark = pytest.mark.asyncio(loop_scope="session")
PHONE = {"width": 375, "height": 667}


@pytest_asyncio.fixture(loop_scope="session")
async def phone(browser: Any) -> AsyncIterator[BrowserContext]:
    b: Browser = browser
    context = await b.new_context(
        viewport=PHONE, locale="zh-CN", timezone_id="Asia/Shanghai", device_scale_factor=2
    )
    yield context
    await context.close()


async def finished_ticket(server: LiveServer, hall: Seeded, window: str = "1") -> dict[str, Any]:
    kiosk = server.client(hall.kiosk_token)
    ticket = await kiosk.issue_ticket(hall.services["A"])
    clerk = await open_window(server, hall, window)
    await clerk.call_next(hall.windows[window])
    await clerk.ticket_action(ticket["id"], "start")
    await clerk.ticket_action(ticket["id"], "finish", {"outcome": "done"})
    await clerk.window_action(hall.windows[window], "close")
    return ticket


async def open_page(context: BrowserContext, server: LiveServer, token: str) -> Page:
    tab = await context.new_page()
    tab.set_default_timeout(10_000)
    elsewhere: list[str] = []
    tab.on(
        "request",
        lambda r: elsewhere.append(r.url) if not r.url.startswith(server.base_url) else None,
    )
    await tab.goto(f"{server.base_url}/t/{token}")
    tab.elsewhere = elsewhere  # type: ignore[attr-defined]
    return tab


def shoot(tab: Page, name: str) -> Any:
    folder = os.environ.get("GOVQUEUE_SCREENSHOTS_DIR")
    return tab.screenshot(path=str(Path(folder) / name), full_page=True) if folder else None


async def evaluation_of(server: LiveServer, hall: Seeded, ticket_id: int) -> dict[str, Any]:
    rows = await server.admin.request(
        "GET", "/stats/tickets", params={"hall_id": hall.hall_id, "limit": 500}
    )
    return next(r for r in rows["items"] if r["ticket_id"] == ticket_id)


async def test_a_bad_rating_with_reasons_from_the_page_once(
    module_server: LiveServer, seeded: Seeded, phone: BrowserContext
) -> None:
    ticket = await finished_ticket(module_server, seeded)
    tab = await open_page(phone, module_server, ticket["public_token"])
    rate = tab.locator("#rate")
    await expect(rate).to_contain_text("请为本次服务评价")
    levels = rate.locator(".levels button")
    await expect(levels).to_have_text(["非常满意", "满意", "基本满意", "不满意", "非常不满意"])
    assert await tab.locator("meta[http-equiv=refresh]").count() == 0  # nothing moves now
    if (shot := shoot(tab, "public-ticket-rate.png")) is not None:
        await shot
    await levels.filter(has_text="非常不满意").click()
    await expect(rate).to_contain_text("请告诉我们哪里做得不好")
    await rate.get_by_label("等候时间长").check()
    await rate.get_by_label("一次告知不清").check()
    await rate.locator("textarea").fill("材料清单与窗口说的不一致")
    if (shot := shoot(tab, "public-ticket-reasons.png")) is not None:
        await shot
    await rate.get_by_role("button", name="提交评价").click()
    await expect(rate).to_contain_text("感谢您的评价")
    if (shot := shoot(tab, "public-ticket-thanks.png")) is not None:
        await shot
    row = await evaluation_of(module_server, seeded, ticket["id"])
    assert row["evaluation_level"] == 1
    alerts = await module_server.admin.request(
        "GET", "/alerts", params={"hall_id": seeded.hall_id, "state": "all"}
    )
    assert any(a["subject"] == f"ticket:{ticket['id']}" for a in alerts["items"])
    # Once: the page now says so, and a form sent again (the back button) is refused.
    await tab.goto(f"{module_server.base_url}/t/{ticket['public_token']}")
    await expect(rate).to_contain_text("本号票已评价")
    assert await rate.locator("button").count() == 0
    await tab.goto(f"{module_server.base_url}/t/{ticket['public_token']}?level=2")
    await expect(rate).to_contain_text("本号票已评价")
    assert tab.elsewhere == []  # type: ignore[attr-defined]


async def test_a_good_rating_is_one_touch_and_the_channel_is_the_qr_page(
    module_server: LiveServer, seeded: Seeded, phone: BrowserContext
) -> None:
    ticket = await finished_ticket(module_server, seeded, "2")
    tab = await open_page(phone, module_server, ticket["public_token"])
    await tab.locator("#rate .levels button").filter(has_text="基本满意").click()
    await expect(tab.locator("#rate")).to_contain_text("感谢您的评价")
    async with httpx.AsyncClient(verify=tls_context(), base_url=module_server.base_url) as http:
        again = await http.post(
            f"/t/{ticket['public_token']}/rating", data={"level": "5"}, follow_redirects=False
        )
        assert again.status_code == 409 and "已评价过" in again.text
        nonsense = await http.post(f"/t/{ticket['public_token']}/rating", data={"level": "9"})
        assert nonsense.status_code == 422 and "请选择评价等级" in nonsense.text
        unknown = await http.post("/t/not-a-ticket/rating", data={"level": "5"})
        assert unknown.status_code == 404
    pad_view = await module_server.client().public_ticket(ticket["public_token"])
    assert pad_view["evaluated"] is True and pad_view["can_evaluate"] is False


async def test_an_unfinished_ticket_has_no_rating_and_follows_the_feed(
    module_server: LiveServer, seeded: Seeded, phone: BrowserContext
) -> None:
    waiting = await module_server.client(seeded.kiosk_token).issue_ticket(seeded.services["B"])
    tab = await open_page(phone, module_server, waiting["public_token"])
    await expect(tab.locator(".status")).to_contain_text("等候中")
    assert await tab.locator("#rate").count() == 0
    # live (tests/console/test_phone_page_browser.py); without script it reloads every 15 s
    await expect(tab.locator("#conn")).to_have_text("实时更新中")
    assert await tab.locator("meta[http-equiv=refresh]").count() == 0
    async with httpx.AsyncClient(verify=tls_context(), base_url=module_server.base_url) as http:
        source = (await http.get(f"/t/{waiting['public_token']}")).text
    assert '<noscript><meta http-equiv="refresh" content="15"></noscript>' in source
    async with httpx.AsyncClient(verify=tls_context(), base_url=module_server.base_url) as http:
        early = await http.post(f"/t/{waiting['public_token']}/rating", data={"level": "5"})
    assert early.status_code == 409 and "尚未办结" in early.text


async def test_after_the_halls_rating_window_the_page_says_why_it_is_closed(
    module_server: LiveServer, seeded: Seeded, phone: BrowserContext, module_clock: ManualClock
) -> None:
    """Last in this module: it moves the module's clock on by days."""
    ticket = await finished_ticket(module_server, seeded)
    module_clock.advance(7 * 86400 - 60)  # a minute before the window closes (7 days)
    tab = await open_page(phone, module_server, ticket["public_token"])
    await expect(tab.locator("#rate")).to_contain_text("请为本次服务评价")
    module_clock.advance(120)
    await tab.locator("#rate .levels button").filter(has_text="满意").first.click()
    closed = tab.locator("#rate")
    await expect(closed).to_contain_text("评价已关闭")
    await expect(closed).to_contain_text("7 天")
    await tab.goto(f"{module_server.base_url}/t/{ticket['public_token']}")
    await expect(closed).to_contain_text("评价已关闭")
    assert await closed.locator("button").count() == 0
    if (shot := shoot(tab, "public-ticket-closed.png")) is not None:
        await shot
    # the link expired with the rating window (issue 27): the API says so too
    async with httpx.AsyncClient(verify=tls_context(), base_url=module_server.base_url) as http:
        view = await http.get(f"/api/v1/tickets/public/{ticket['public_token']}")
    assert view.status_code == 410 and "评价已关闭" in view.json()["detail"]
