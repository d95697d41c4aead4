"""The live overview in headless Chromium: sign-in and refusal, live updates from another
client, alerts on a long wait and a bad rating, resync after a blip."""

from __future__ import annotations

import pytest
from playwright.async_api import BrowserContext, expect

from server.domain.clock import ManualClock
from tests.console.pages import new_context, sign_in
from tests.helpers import (
    ADMIN_NO,
    ADMIN_PASSWORD,
    STAFF_PASSWORD,
    LiveServer,
    Seeded,
    open_window,
)

pytestmark = pytest.mark.asyncio(loop_scope="session")


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


async def test_alerts_on_a_long_wait_and_a_bad_rating_stay_until_acknowledged(
    module_server: LiveServer,
    seeded: Seeded,
    context: BrowserContext,
    module_clock: ManualClock,
    browser: object,
) -> None:
    """Alerts are the server's: a supervisor who opens the console later sees them, and one
    确认 takes them off every console at once."""
    tab = await sign_in(context, module_server.base_url, seeded.supervisor_no, STAFF_PASSWORD)
    kiosk = module_server.client(seeded.kiosk_token)
    service_b = seeded.services["B"]
    await kiosk.issue_ticket(service_b)
    wait_alert = tab.locator(f"[data-kind=wait_over][data-subject='service:{service_b}']")
    await expect(tab.locator(f"[data-service='{service_b}'] .waiting")).to_have_text("1")
    assert await wait_alert.count() == 0
    module_clock.advance(16 * 60)  # B's target is 15 minutes
    await kiosk.issue_ticket(seeded.services["A"])  # any event tells the page the new time
    await expect(wait_alert).to_contain_text("社保医保")
    await expect(tab.locator(f"[data-service='{service_b}']")).to_contain_text("超时")

    clerk = await open_window(module_server, seeded, "2")
    called = await clerk.call_next(seeded.windows["2"])
    assert called is not None
    await clerk.ticket_action(called["id"], "start")
    await clerk.ticket_action(called["id"], "finish", {"outcome": "done"})
    device = module_server.client(seeded.window_device_tokens["2"])
    await device.evaluate(called["id"], 2, reasons=["态度不好"])
    rating_alert = tab.locator(f"[data-kind=bad_rating][data-subject='ticket:{called['id']}']")
    await expect(rating_alert).to_contain_text("不满意")
    await expect(rating_alert).to_contain_text("态度不好")
    await expect(wait_alert).to_contain_text("已恢复")  # nobody waits on B any more
    # A second supervisor's PC, opened after the events, lists both from the server.
    other_pc = await new_context(browser)
    try:
        other = await sign_in(
            other_pc, module_server.base_url, seeded.supervisor_no, STAFF_PASSWORD
        )
        other_rating = other.locator(
            f"[data-kind=bad_rating][data-subject='ticket:{called['id']}']"
        )
        await expect(other_rating).to_be_visible()
        await expect(
            other.locator(f"[data-kind=wait_over][data-subject='service:{service_b}']")
        ).to_be_visible()
        # Acknowledged on the first PC: gone from the second one live, and for good.
        await tab.reload()
        await expect(rating_alert).to_be_visible()
        await rating_alert.locator("button.ack").click()
        await expect(rating_alert).to_have_count(0)
        await expect(other_rating).to_have_count(0)
        await other.reload()
        await expect(other.locator("#windows")).to_be_visible()
        await expect(other_rating).to_have_count(0)
    finally:
        await other_pc.close()
    await expect(wait_alert).to_be_visible()
    alerts = await module_server.admin.request(
        "GET", "/alerts", params={"hall_id": seeded.hall_id, "state": "all"}
    )
    rating = next(a for a in alerts["items"] if a["kind"] == "bad_rating")
    assert rating["acknowledged_by_no"] == seeded.supervisor_no
    await clerk.window_action(seeded.windows["2"], "close")


async def test_notice_edited_on_the_overview_reaches_the_feed(
    module_server: LiveServer, seeded: Seeded, context: BrowserContext
) -> None:
    tab = await sign_in(context, module_server.base_url, seeded.supervisor_no, STAFF_PASSWORD)
    await tab.click("#edit-notice")
    await tab.fill("#notice-text", "长" * 501)
    await tab.click("#notice button[type=submit]")
    await expect(tab.locator("#notice .field-error")).to_contain_text("500")
    await tab.fill("#notice-text", "午间 12:00-13:30 暂停办理不动产业务")
    await tab.click("#notice button[type=submit]")
    # The page shows it because the feed brought notice.updated back.
    await expect(tab.locator("#notice-current")).to_have_text("午间 12:00-13:30 暂停办理不动产业务")
    await tab.click("#sign-out")
    await tab.wait_for_url("**/console/login**")
    await tab.goto(f"{module_server.base_url}/console/overview")
    await tab.wait_for_url("**/console/login**")


async def test_a_kiosk_out_of_paper_shows_and_raises_an_alert(
    module_server: LiveServer, seeded: Seeded, context: BrowserContext
) -> None:
    tab = await sign_in(context, module_server.base_url, seeded.supervisor_no, STAFF_PASSWORD)
    kiosk_row = tab.locator("#devices tr[data-kind=kiosk]")
    await expect(kiosk_row).to_contain_text("1号取号机")
    kiosk = module_server.client(seeded.kiosk_token)
    await kiosk.report_device_status("error", printer="paper_out", detail="打印机缺纸")
    await expect(kiosk_row).to_contain_text("缺纸")
    alert = tab.locator("[data-kind=printer_out]")
    await expect(alert).to_contain_text("1号取号机")
    await kiosk.report_device_status("ok", printer="ok")
    await expect(kiosk_row).to_contain_text("正常")
    await expect(alert).to_contain_text("已恢复")  # stays until acknowledged
    await alert.locator("button.ack").click()
    await expect(alert).to_have_count(0)
    # A page opened later learns the kiosk's last report from GET /halls/{id}/devices.
    await kiosk.report_device_status("warning", printer="paper_low")
    await tab.reload()
    await expect(tab.locator("#devices tr[data-kind=kiosk]")).to_contain_text("纸将用完")


async def test_a_call_for_help_from_a_kiosk_shows_with_the_days_count(
    module_server: LiveServer, seeded: Seeded, context: BrowserContext
) -> None:
    """呼叫帮办 (issue 29): the alert (1号取号机需要帮助) on every console, live; today's count
    beside the alerts; acknowledged in the console, the kiosk's next press is a new one."""
    tab = await sign_in(context, module_server.base_url, seeded.supervisor_no, STAFF_PASSWORD)
    count = tab.locator("#help-today")
    await expect(count).to_have_text("今日呼叫帮办 0 次")
    kiosk = module_server.client(seeded.kiosk_token)
    await kiosk.ask_for_help()
    alert = tab.locator("[data-kind=help]")
    await expect(alert).to_contain_text("呼叫帮办")
    await expect(alert).to_contain_text("1号取号机需要帮助")
    await expect(count).to_have_text("今日呼叫帮办 1 次")
    await kiosk.ask_for_help()  # pressed again before anyone came: the same request
    await alert.locator("button.ack").click()
    await expect(alert).to_have_count(0)
    await kiosk.ask_for_help()
    await expect(alert).to_have_count(1)
    await expect(count).to_have_text("今日呼叫帮办 2 次")
    await tab.reload()  # a page opened later reads the count from GET /help/counts
    await expect(tab.locator("#help-today")).to_have_text("今日呼叫帮办 2 次")


async def test_every_device_kind_with_health_last_seen_version_and_offline(
    module_server: LiveServer,
    seeded: Seeded,
    context: BrowserContext,
    module_clock: ManualClock,
    browser: object,
) -> None:
    """A silent hall display is visible: every device (kiosk, display, pad) with its last
    health, last seen and version, on the overview and under 设置 → 设备; one not heard
    from for 2 minutes is 离线 and raises an alert."""
    display = module_server.client(seeded.display_token)
    pad = module_server.client(seeded.window_device_tokens["1"])
    body = {"status": "warning", "detail": "本机没有声音设备，叫号只显示不播报", "version": "0.1.0"}
    await display.request("POST", "/devices/me/status", json=body)
    await pad.request("POST", "/devices/me/status", json={"status": "ok", "version": "0.1.0"})
    tab = await sign_in(context, module_server.base_url, seeded.supervisor_no, STAFF_PASSWORD)
    screen = tab.locator("#devices tr[data-kind=display]")
    await expect(screen).to_contain_text("大厅主屏")
    await expect(screen).to_contain_text("需注意")
    await expect(screen).to_contain_text("本机没有声音设备")
    await expect(screen).to_contain_text("0.1.0")
    pad_row = tab.locator("#devices tr[data-kind=window]").first
    await expect(pad_row).to_contain_text("窗口评价器")
    seen = await screen.locator(".seen").inner_text()
    assert seen.count(":") == 2, seen  # a time, not —
    module_clock.advance(3 * 60)
    await pad.report_device_status("ok")  # the pad keeps reporting; the display went silent
    await expect(screen.locator(".health")).to_have_text("离线")
    offline = tab.locator("[data-kind=device_offline]").filter(has_text="大厅主屏")
    await expect(offline).to_contain_text("离线")
    await expect(tab.locator("#devices tr[data-kind=window]").first).not_to_contain_text("离线")
    # An admin sees the same under 设置 → 设备.
    admin_pc = await new_context(browser)
    try:
        admin_tab = await sign_in(
            admin_pc, module_server.base_url, ADMIN_NO, ADMIN_PASSWORD, "settings"
        )
        await admin_tab.goto(f"{module_server.base_url}/console/settings?hall={seeded.hall_id}")
        await admin_tab.click("#tab-devices")
        listed = admin_tab.locator("#device-list tr[data-kind=display]")
        await expect(listed.locator(".health")).to_contain_text("离线")
        await expect(listed.locator(".version")).to_have_text("0.1.0")
    finally:
        await admin_pc.close()
    # Back: online again, the alert marked 已恢复.
    await display.report_device_status("warning", detail="本机没有声音设备，叫号只显示不播报")
    await expect(screen.locator(".health")).to_contain_text("需注意")
    await expect(offline).to_contain_text("已恢复")
    await offline.locator("button.ack").click()
    await expect(offline).to_have_count(0)
