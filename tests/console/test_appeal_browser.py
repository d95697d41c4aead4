"""申诉 in headless Chromium: a supervisor appeals a 差评 on 差评整改 (reason and evidence, both
checked), an admin decides it there; the statistics page says how many ratings 满意率 left out."""

from __future__ import annotations

import pytest
from playwright.async_api import BrowserContext, expect

from tests.console.pages import (
    form_shows,
    new_hall_settings,
    saved_hall,
    signed_in,
    submit,
    submit_refused,
)
from tests.helpers import ADMIN_NO, ADMIN_PASSWORD, STAFF_PASSWORD, LiveServer, seed_hall
from tests.outbox.test_delivery import rate

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_a_supervisor_appeals_and_an_admin_upholds(
    browser: object, module_server: LiveServer
) -> None:
    server = module_server
    hall = await seed_hall(server, code="AP")
    await rate(server, hall, "1", 5)
    ticket, _ = await rate(server, hall, "2", 1, ["态度不好"])
    async with signed_in(
        browser, server.base_url, hall.supervisor_no, STAFF_PASSWORD, "rectifications"
    ) as tab:
        row = tab.locator(f"#rectifications tr[data-rect]:has-text('{ticket['number']}')")
        await expect(row).to_contain_text("待整改")
        assert await row.locator("button.decide").count() == 0, "a supervisor does not decide"
        await row.locator("button.appeal").click()
        await submit_refused(tab, "#appeal-form", "reason")
        await submit(
            tab,
            "#appeal-form",
            reason="恶意差评：评价人未在本窗口办理",
            evidence="3号摄像头 09:40 录像；办件系统无该人记录",
        )
        await expect(row).to_contain_text("申诉中")
        await expect(row).to_contain_text("恶意差评")
        assert await row.locator("button.appeal").count() == 0

    async with signed_in(
        browser, server.base_url, ADMIN_NO, ADMIN_PASSWORD, "rectifications"
    ) as tab:
        await tab.goto(f"{server.base_url}/console/rectifications?hall={hall.hall_id}")
        row = tab.locator(f"#rectifications tr[data-rect]:has-text('{ticket['number']}')")
        await row.locator("button.decide").click()
        await expect(tab.locator("#decision-form")).to_contain_text("办件系统无该人记录")
        await tab.select_option("#decision-form [name=upheld]", "true")
        await tab.fill("#decision-form [name=decision]", "录像证实，申诉成立")
        await tab.click("#decision-form button[type=submit]")
        await expect(row).to_contain_text("申诉成立")
        await expect(row).to_contain_text("录像证实")
        await tab.goto(f"{server.base_url}/console/stats?hall={hall.hall_id}")
        await expect(tab.locator("#appeal-note")).to_contain_text("本期 1 条")


async def test_an_admin_sets_the_halls_loop_rules(
    context: BrowserContext, module_server: LiveServer
) -> None:
    hall, tab, form = await new_hall_settings(context, module_server, "LR", "#loop-rules")
    await form_shows(form, case_numbers="off", rectification_working_days="15")
    await tab.select_option("#loop-rules [name=case_numbers]", "required")
    await tab.fill("#loop-rules [name=rectification_working_days]", "10")
    await tab.fill("#loop-rules [name=followup_warn_hours]", "8")
    await tab.uncheck("#loop-rules [name=re_rating]")
    await tab.click("#loop-rules button[type=submit]")
    await expect(tab.locator("#loop-rules ~ .form-ok")).to_have_text("已保存。")
    saved = await saved_hall(module_server, hall.hall_id)
    assert (saved["case_numbers"], saved["rectification_working_days"]) == ("required", 10)
    assert (saved["followup_warn_hours"], saved["re_rating"]) == (8, False)
