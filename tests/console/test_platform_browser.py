"""好差评上报 in headless Chromium: a hall's delivery state as the platform fails (sent today,
pending, the oldest one's age past the hall's threshold, a refusal with the platform's
answer); a supervisor only reads it, an admin retries one record and marks another."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from playwright.async_api import Page, expect

from server.watch import watch_once
from tests.console.pages import new_context, sign_in
from tests.helpers import ADMIN_NO, ADMIN_PASSWORD, STAFF_PASSWORD
from tests.outbox.test_delivery import rate, reporting_hall, settled, until

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def figure(tab: Page, name: str) -> str:
    return (await tab.locator(f"#{name}").inner_text()).strip()


async def test_the_delivery_state_a_supervisor_reads_and_an_admin_repairs(
    browser: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with reporting_hall(tmp_path, monkeypatch) as (server, hall, fake, clock):
        _, sent = await rate(server, hall, "1", 5)
        await asyncio.to_thread(fake.wait_for, lambda p: f"H1-{sent['id']}-1" in p.acked)
        fake.set_mode("400")
        refused = [await rate(server, hall, "2", 4), await rate(server, hall, "2", 3)]
        await until(settled(server, clock), "both refusals recorded")
        fake.set_mode("500")
        await rate(server, hall, "1", 5)
        await until(settled(server, clock), "the 500 recorded")
        clock.advance(11 * 60)
        await until(settled(server, clock), "the next try recorded")

        context = await new_context(browser)
        tab = await sign_in(
            context, server.base_url, hall.supervisor_no, STAFF_PASSWORD, "platform"
        )
        await expect(tab.locator("#platform-failed tr[data-message]")).to_have_count(2)
        assert await figure(tab, "sent-today") == "1"
        assert await figure(tab, "pending") == "1"
        assert await figure(tab, "oldest") == "11 分钟"
        assert await figure(tab, "failed-count") == "2"
        figures = await tab.locator("#platform-figures").inner_text()
        assert "超过 10 分钟，请检查平台连接" in figures
        failed = tab.locator("#platform-failed")
        assert "HTTP 400" in await failed.inner_text()
        assert "事项编码不存在" in await failed.inner_text()
        assert refused[0][0]["number"] in await failed.inner_text()
        assert await tab.locator("#platform-failed button.retry").count() == 0
        assert "重新发送和标记由管理员操作" in await failed.inner_text()
        assert "HTTP 500" in await tab.locator("#platform-waiting").inner_text()
        # the backlog past the hall's 10 minutes is also an alert of the server's: on 实时总览
        await watch_once(server.runtime)
        await tab.goto(f"{server.base_url}/console/overview?hall={hall.hall_id}")
        backlog = tab.locator(f"[data-kind=platform_backlog][data-subject='hall:{hall.hall_id}']")
        await expect(backlog).to_contain_text("好差评记录已 11 分钟未能上报到平台（超过 10 分钟）")
        await expect(tab.locator("[data-kind=platform_failed]")).to_contain_text("上报失败")
        await context.close()

        fake.set_mode("ok")
        context = await new_context(browser)
        tab = await sign_in(context, server.base_url, ADMIN_NO, ADMIN_PASSWORD, "platform")
        await tab.goto(f"{server.base_url}/console/platform?hall={hall.hall_id}")
        rows = tab.locator("#platform-failed tr[data-message]")
        await expect(rows).to_have_count(2)
        await rows.nth(0).locator("button.retry").click()
        await expect(rows).to_have_count(1)
        await rows.nth(0).locator("button.mark").click()
        await tab.click("#mark-form button[type=submit]")
        await expect(tab.locator("#mark-form .field-error")).to_have_text("必填")
        await tab.fill("#mark-form [name=note]", "已在省平台手工补录")
        await tab.click("#mark-form button[type=submit]")
        await expect(rows).to_have_count(0)
        await expect(tab.locator("#platform-failed")).to_contain_text("没有失败的记录")
        first_refused = f"H1-{refused[0][1]['id']}-1"
        await asyncio.to_thread(fake.wait_for, lambda p: first_refused in p.acked)
        await context.close()
    assert f"H1-{refused[1][1]['id']}-1" not in fake.acked, "the marked one is not sent"


async def test_a_hall_without_a_platform_says_how_to_set_one_up(
    browser: object, module_server: object
) -> None:
    from tests.helpers import LiveServer, seed_hall

    server: LiveServer = module_server  # type: ignore[assignment]
    hall = await seed_hall(server, code="NP")
    context = await new_context(browser)
    tab = await sign_in(context, server.base_url, hall.supervisor_no, STAFF_PASSWORD, "platform")
    await expect(tab.locator("#platform-none")).to_contain_text("本大厅没有配置好差评平台")
    await expect(tab.locator("#platform-none")).to_contain_text("[platform]")
    await context.close()
