"""录入电话评价 on 差评整改, in headless Chromium against a real server: a supervisor enters a
rating an applicant gave by phone (the ticket by its day and number); it is the ticket's rating
with channel 电话 (a bad one opens its 差评整改 on the same page), and a second one for the same
ticket is refused beside the number."""

from __future__ import annotations

import pytest
from playwright.async_api import expect
from sqlalchemy import create_engine, text

from server.domain.calendar import business_day, hall_zone
from tests.console.pages import signed_in
from tests.helpers import STAFF_PASSWORD, LiveServer, open_window, seed_hall
from tests.outbox.helpers import served

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_a_supervisor_enters_a_phone_rating(
    browser: object, module_server: LiveServer
) -> None:
    server = module_server
    hall = await seed_hall(server, code="PR")
    clerk = await open_window(server, hall, "1")
    ticket = await served(
        server.client(hall.kiosk_token), clerk, hall.windows["1"], hall.services["A"]
    )
    day = business_day(server.clock.now(), hall_zone("Asia/Shanghai")).isoformat()
    async with signed_in(
        browser, server.base_url, hall.supervisor_no, STAFF_PASSWORD, "rectifications"
    ) as tab:
        await tab.click("#phone-rating-open")
        form = tab.locator("#phone-rating-form")
        await form.locator("[name=ticket_day]").fill(day)
        await form.locator("[name=ticket_number]").fill(ticket["number"].lower())
        await form.locator("[name=level]").select_option("2")
        await form.locator("[name=reasons]").fill("等候太久、一次性告知不清")
        await form.locator("[name=comment]").fill("电话里说等了一个小时")
        await form.locator("button[type=submit]").click()
        await expect(tab.locator("#phone-rating .form-ok")).to_have_text(
            f"已录入号票 {ticket['number']} 的电话评价：不满意。"
        )
        row = tab.locator(f"#rectifications tr[data-rect]:has-text('{ticket['number']}')")
        await expect(row).to_contain_text("等候太久、一次性告知不清")
        await expect(row).to_contain_text("待整改")
        engine = create_engine(server.settings.resolved_database_url())
        with engine.connect() as conn:
            stored = conn.execute(
                text("SELECT channel, level, comment FROM evaluation WHERE ticket_id = :t"),
                {"t": ticket["id"]},
            ).one()
            entered = conn.execute(
                text("SELECT data FROM event WHERE type = 'evaluation.created' AND hall_id = :h"),
                {"h": hall.hall_id},
            ).scalar_one()
        engine.dispose()
        assert tuple(stored) == ("phone", 2, "电话里说等了一个小时")
        assert f'"entered_by":"{hall.supervisor_no}"' in str(entered).replace(" ", "")
        # the same ticket again: refused, said beside the number
        await form.locator("[name=ticket_day]").fill(day)
        await form.locator("[name=ticket_number]").fill(ticket["number"])
        await form.locator("button[type=submit]").click()
        await expect(form.locator("[data-field=ticket_number] .field-error")).to_contain_text(
            "已评价"
        )
