"""到号提醒 and 扫码过号重排 on the ticket's page (issue 27 items 2 and 3), in headless Chromium
at 375×667: the banner and the title at the hall's N ahead and when called, vibration, sound
and a notification after the tap; a no-show rejoins from the page once, at the hall's place,
and is refused after the hall's minutes with the reason.

The phone's vibration motor and the notification shade cannot exist here: `navigator.vibrate`
and `Notification` are replaced by recorders (what the page asked for is what is checked).
`GOVQUEUE_SCREENSHOTS_DIR=docs/screenshots` also saves the pictures the README shows."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import pytest_asyncio
from playwright.async_api import Browser, BrowserContext, Page, expect

from client.rest import tls_context
from server.domain.clock import ManualClock
from tests.console.test_public_page_browser import shoot
from tests.helpers import LiveServer, Seeded, open_window, seed_hall

pytestmark = pytest.mark.asyncio(loop_scope="session")
PHONE = {"width": 375, "height": 667}

RECORDERS = """
window.vibrations = [];
navigator.vibrate = function (pattern) { window.vibrations.push(pattern); return true; };
window.notifications = [];
window.Notification = function (title, options) {
  window.notifications.push({ title: title, body: options && options.body });
};
window.Notification.permission = "granted";
window.Notification.requestPermission = function () { return Promise.resolve("granted"); };
"""


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def seeded(module_server: LiveServer) -> Seeded:
    return await seed_hall(module_server, code="N1", windows={"1": ["A"], "2": ["A"]})


@pytest_asyncio.fixture(loop_scope="session")
async def phone(browser: Any) -> AsyncIterator[BrowserContext]:
    b: Browser = browser
    context = await b.new_context(
        viewport=PHONE, locale="zh-CN", timezone_id="Asia/Shanghai", device_scale_factor=2
    )
    await context.add_init_script(RECORDERS)
    yield context
    await context.close()


async def open_page(context: BrowserContext, server: LiveServer, token: str) -> Page:
    tab = await context.new_page()
    tab.set_default_timeout(10_000)
    await tab.goto(f"{server.base_url}/t/{token}")
    await tab.wait_for_function("() => window.gqLive && window.gqLive.connected")
    return tab


async def set_hall(server: LiveServer, hall: Seeded, **settings: Any) -> None:
    await server.admin.request("PATCH", f"/admin/halls/{hall.hall_id}", json=settings)


async def clear_queue(server: LiveServer, hall: Seeded) -> None:
    """Every ticket of the hall still waiting or at a window: cancelled (a clean start)."""
    supervisor = await server.login(hall.supervisor_no)
    rows = await server.admin.request(
        "GET", "/stats/tickets", params={"hall_id": hall.hall_id, "limit": 500}
    )
    for row in rows["items"]:
        if row["status"] in ("waiting", "called", "no_show"):
            await supervisor.ticket_action(row["ticket_id"], "cancel")


async def test_the_banner_comes_at_the_halls_setting_and_the_call_alerts(
    module_server: LiveServer, seeded: Seeded, phone: BrowserContext
) -> None:
    await set_hall(module_server, seeded, notify_ahead=2)
    kiosk = module_server.client(seeded.kiosk_token)
    tickets = [await kiosk.issue_ticket(seeded.services["A"]) for _ in range(4)]
    mine = tickets[-1]
    tab = await open_page(phone, module_server, mine["public_token"])
    banner = tab.locator("#banner")
    await expect(tab.locator("#headline")).to_have_text("等候中 · 前面还有 3 人")
    await expect(banner).to_be_hidden()  # 3 ahead, the hall says 2
    remind = tab.locator("#remind")
    await expect(remind).to_have_text("点击开启到号提醒")
    await remind.click()
    await expect(remind).to_contain_text("到号提醒已开启")
    assert await tab.evaluate("window.gqLive.reminding") is True

    clerk = await open_window(module_server, seeded, "1")
    await clerk.call_next(seeded.windows["1"])
    await expect(banner).to_have_text("即将到号：前面还有 2 人，请回到等候区留意叫号")
    await expect(tab).to_have_title(f"【即将到号】{mine['number']} 前面还有 2 人")
    alerts = await tab.evaluate("window.gqLive.alerts")
    assert alerts == [{"called": False, "vibrated": True, "sounded": True, "notified": True}]
    assert await tab.evaluate("window.vibrations") == [60, [300]]  # the tap's, the banner's
    notes = await tab.evaluate("window.notifications")
    assert notes[-1]["body"].startswith("即将到号")
    if (shot := shoot(tab, "phone-near-375.png")) is not None:
        await shot

    supervisor = await module_server.login(seeded.supervisor_no)
    for ticket in tickets[1:3]:  # the two still before it go (no new alarm until the call)
        await supervisor.ticket_action(ticket["id"], "cancel")
    await expect(banner).to_have_text("下一位就是您，请在等候区留意叫号")
    assert len(await tab.evaluate("window.gqLive.alerts")) == 1
    await clerk.ticket_action(tickets[0]["id"], "no-show")
    called = await clerk.call_next(seeded.windows["1"])
    assert called is not None and called["id"] == mine["id"]
    await expect(banner).to_have_text("请到 1 号窗口办理")
    await expect(banner).to_have_class("banner called")
    await expect(tab).to_have_title(f"【请到1号窗口】{mine['number']}")
    alerts = await tab.evaluate("window.gqLive.alerts")
    assert alerts[-1] == {"called": True, "vibrated": True, "sounded": True, "notified": True}
    assert (await tab.evaluate("window.vibrations"))[-1] == [400, 150, 400, 150, 400]
    await clerk.ticket_action(mine["id"], "recall")  # 重呼: alerted again
    await tab.wait_for_function("() => window.gqLive.alerts.length === 3")
    await clerk.ticket_action(mine["id"], "start")
    await expect(banner).to_be_hidden()
    await expect(tab).to_have_title(f"{mine['number']} 排队进度")
    await clerk.ticket_action(mine["id"], "finish", {"outcome": "done"})
    await clerk.window_action(seeded.windows["1"], "close")
    await clear_queue(module_server, seeded)


async def test_without_the_tap_the_page_still_shows_and_titles_but_stays_quiet(
    module_server: LiveServer, seeded: Seeded, phone: BrowserContext
) -> None:
    await set_hall(module_server, seeded, notify_ahead=3)
    kiosk = module_server.client(seeded.kiosk_token)
    first = await kiosk.issue_ticket(seeded.services["A"])
    mine = await kiosk.issue_ticket(seeded.services["A"])
    tab = await open_page(phone, module_server, mine["public_token"])
    # 1 ahead, the hall says 3: the banner is there from the start, without an alarm
    await expect(tab.locator("#banner")).to_have_text(
        "即将到号：前面还有 1 人，请回到等候区留意叫号"
    )
    assert await tab.evaluate("window.gqLive.alerts") == []
    clerk = await open_window(module_server, seeded, "2")
    await clerk.call_next(seeded.windows["2"])
    await clerk.ticket_action(first["id"], "no-show")
    await clerk.call_next(seeded.windows["2"])
    await expect(tab.locator("#banner")).to_have_text("请到 2 号窗口办理")
    alerts = await tab.evaluate("window.gqLive.alerts")
    assert alerts == [{"called": True, "vibrated": False, "sounded": False, "notified": False}]
    assert await tab.evaluate("window.vibrations") == []
    await clerk.ticket_action(mine["id"], "no-show")
    await clerk.window_action(seeded.windows["2"], "close")
    await clear_queue(module_server, seeded)


async def test_a_no_show_rejoins_from_the_page_once_behind_the_next_two(
    module_server: LiveServer, seeded: Seeded, phone: BrowserContext
) -> None:
    await set_hall(
        module_server, seeded, rejoin_allowed=True, rejoin_minutes=10, rejoin_behind=2,
        rejoin_position="behind", notify_ahead=1,
    )  # fmt: skip
    kiosk = module_server.client(seeded.kiosk_token)
    tickets = []
    for _ in range(4):  # a second apart, as people come
        tickets.append(await kiosk.issue_ticket(seeded.services["A"]))
        module_server.clock.advance(1)  # type: ignore[attr-defined]
    mine, *others = tickets
    tab = await open_page(phone, module_server, mine["public_token"])
    clerk = await open_window(module_server, seeded, "1")
    called = await clerk.call_next(seeded.windows["1"])
    assert called is not None and called["id"] == mine["id"]
    await expect(tab.locator("#banner")).to_have_text("请到 1 号窗口办理")
    await clerk.ticket_action(mine["id"], "no-show")
    # the page loads its 重新排队 part once the ticket is passed
    rejoin = tab.locator("#rejoin")
    await expect(rejoin).to_contain_text("您的号码已过号")
    await expect(rejoin).to_contain_text("排在当前等候的 2 人之后")
    if (shot := shoot(tab, "phone-missed-375.png")) is not None:
        await shot
    await rejoin.get_by_role("button", name="重新排队").click()
    await expect(rejoin).to_contain_text("已重新排队，请留意叫号")
    headline = tab.locator("#headline")
    await expect(headline).to_have_text("等候中 · 前面还有 2 人")
    await expect(tab.locator("#rows")).to_contain_text("已扫码重新排队")
    await tab.wait_for_function("() => window.gqLive && window.gqLive.connected")

    # the window sees it as 重排 in its queue
    queue = await clerk.request("GET", f"/windows/{seeded.windows['1']}/queue")
    rows = {t["number"]: t for t in queue["next"]}
    assert rows[mine["number"]]["rejoined"] is True
    assert [t["number"] for t in queue["next"]][:3] == [
        others[0]["number"], others[1]["number"], mine["number"]
    ]  # fmt: skip
    # it is called in its new place, live on the page
    for expected in others[:2]:
        nxt = await clerk.call_next(seeded.windows["1"])
        assert nxt is not None and nxt["id"] == expected["id"]
        await clerk.ticket_action(nxt["id"], "no-show")
    again = await clerk.call_next(seeded.windows["1"])
    assert again is not None and again["id"] == mine["id"]
    await expect(headline).to_have_text("请到 1 号窗口办理")
    current = (await clerk.request("GET", f"/windows/{seeded.windows['1']}/queue"))["current"]
    assert current["rejoined"] is True

    # once per ticket: passed again, the page says so and the API refuses
    await clerk.ticket_action(mine["id"], "no-show")
    await expect(rejoin).to_contain_text("本号票已重新排过一次队")
    assert await rejoin.get_by_role("button").count() == 0
    async with httpx.AsyncClient(verify=tls_context(), base_url=module_server.base_url) as http:
        refused = await http.post(f"/api/v1/tickets/public/{mine['public_token']}/rejoin")
    assert refused.status_code == 409 and refused.json()["code"] == "rejoin_used"
    assert "只能重排一次" in refused.json()["detail"]

    # the statistics: a no-show (过号率, 异常办理) whose wait counts from its first queueing
    stats = await module_server.admin.request(
        "GET", "/stats/tickets", params={"hall_id": seeded.hall_id, "limit": 500}
    )
    row = next(r for r in stats["items"] if r["ticket_id"] == mine["id"])
    assert row["no_show_count"] == 2 and row["wait_s"] is not None and row["wait_s"] >= 0
    assert row["entered_queue_at"] == mine["issued_at"]
    await clerk.window_action(seeded.windows["1"], "close")
    await clear_queue(module_server, seeded)


async def test_rejoining_is_refused_after_the_halls_minutes_and_where_it_is_off(
    module_server: LiveServer, seeded: Seeded, phone: BrowserContext, module_clock: ManualClock
) -> None:
    """Last in this module: it moves the module's clock on."""
    await set_hall(module_server, seeded, rejoin_allowed=True, rejoin_minutes=10)
    kiosk = module_server.client(seeded.kiosk_token)
    late = await kiosk.issue_ticket(seeded.services["A"])
    clerk = await open_window(module_server, seeded, "2")
    called = await clerk.call_next(seeded.windows["2"])
    assert called is not None and called["id"] == late["id"]
    await clerk.ticket_action(late["id"], "no-show")
    tab = await open_page(phone, module_server, late["public_token"])
    rejoin = tab.locator("#rejoin")
    await expect(rejoin.get_by_role("button", name="重新排队")).to_be_visible()
    module_clock.advance(10 * 60 + 1)  # the page still shows the button: the server decides
    await rejoin.get_by_role("button", name="重新排队").click()
    await expect(rejoin.locator("p.error")).to_contain_text("过号已超过 10 分钟")
    await expect(rejoin.locator("p.error")).to_contain_text("请重新取号或到服务台咨询")
    if (shot := shoot(tab, "phone-rejoin-late-375.png")) is not None:
        await shot
    async with httpx.AsyncClient(verify=tls_context(), base_url=module_server.base_url) as http:
        page = await http.post(f"/t/{late['public_token']}/rejoin", follow_redirects=False)
        assert page.status_code == 409 and "过号已超过 10 分钟" in page.text
        api = await http.post(f"/api/v1/tickets/public/{late['public_token']}/rejoin")
        assert api.status_code == 409 and api.json()["code"] == "rejoin_too_late"
        view = await http.get(f"/api/v1/tickets/public/{late['public_token']}")
        assert view.json()["can_rejoin"] is False
        # a hall that does not allow it
        await set_hall(module_server, seeded, rejoin_allowed=False)
        off = await kiosk.issue_ticket(seeded.services["A"])
        await clerk.call_next(seeded.windows["2"])
        await clerk.ticket_action(off["id"], "no-show")
        refused = await http.post(f"/api/v1/tickets/public/{off['public_token']}/rejoin")
        assert refused.status_code == 409 and refused.json()["code"] == "rejoin_off"
        assert "本大厅未开通扫码过号重排" in refused.json()["detail"]
        page = await http.get(f"/t/{off['public_token']}")
        assert "本大厅过号需重新取号" in page.text and "重新排队</button>" not in page.text
        waiting = await kiosk.issue_ticket(seeded.services["A"])
        early = await http.post(f"/api/v1/tickets/public/{waiting['public_token']}/rejoin")
        assert early.status_code == 409  # off in this hall, whatever the ticket's state
    await clerk.window_action(seeded.windows["2"], "close")
