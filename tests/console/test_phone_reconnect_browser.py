"""The ticket page comes back by itself after the server restarts (issue 27): a real
`govqueue serve` process is killed while the page is open on a phone-sized headless Chromium,
the page says it is not live, the server starts again on the same port, and the page is live
again — showing the call made after the restart — without a reload."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.async_api import expect

from client.rest import ApiClient
from tests.helpers import STAFF_PASSWORD, migrated_database
from tests.processes import one_window_hall, start_server_process

pytestmark = pytest.mark.asyncio(loop_scope="session")
BACK_OFF_GUARD_MS = 30_000  # a guard against a hang, longer than the page's longest back-off


async def test_the_page_is_live_again_after_the_server_restarts(
    tmp_path: Path, browser: object
) -> None:
    url = migrated_database(tmp_path)
    proc, base = await start_server_process(url, tmp_path)
    port = int(base.rsplit(":", 1)[1])
    context = await browser.new_context(  # type: ignore[attr-defined]
        viewport={"width": 375, "height": 667}, locale="zh-CN", timezone_id="Asia/Shanghai"
    )
    try:
        hall = await one_window_hall(
            base, "PR", "手机页测试大厅", staff_no="PR-W5", window="5", service="户籍"
        )
        kiosk_token, service_id, window_id = hall.kiosk_token, hall.service_id, hall.window_id
        async with ApiClient(base, kiosk_token) as kiosk:
            await kiosk.issue_ticket(service_id)
            mine = await kiosk.issue_ticket(service_id)
        tab = await context.new_page()
        tab.set_default_timeout(20_000)
        await tab.goto(f"{base}/t/{mine['public_token']}")
        conn, headline = tab.locator("#conn"), tab.locator("#headline")
        await expect(conn).to_have_text("实时更新中")
        await expect(headline).to_have_text("等候中 · 前面还有 1 人")
        await tab.evaluate("window.notReloaded = true")
        proc.kill()  # a crash: no goodbye to the page
        proc.wait(10)
        await expect(conn).to_contain_text("连接中断，正在重新连接")
        await tab.wait_for_function("() => window.gqLive.reconnects >= 2")
        proc, _ = await start_server_process(url, tmp_path, port)
        async with ApiClient(base) as clerk:
            await clerk.login("PR-W5", STAFF_PASSWORD)
            await clerk.window_action(window_id, "open")
            await clerk.call_next(window_id)
        # its next try comes within its back-off (at most 8 s ± 20 %): wait on that, not on 5 s
        await expect(conn).to_have_text("实时更新中", timeout=BACK_OFF_GUARD_MS)
        await expect(headline).to_have_text("等候中 · 前面还有 0 人", timeout=BACK_OFF_GUARD_MS)
        assert await tab.evaluate("window.notReloaded") is True
    finally:
        await context.close()
        proc.kill()
        proc.wait(10)
