"""预约 in the console, in headless Chromium against a real server: a day per service and slot
(booked, checked in, called, 失约), the list with names masked, a staffed desk's check-in,
the no-show list and lifting a bar; 设置 → 预约 edits the rules the API reads back.

GOVQUEUE_SCREENSHOTS_DIR=docs/screenshots refreshes console-appointments.png and
console-settings-appointments.png."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from playwright.async_api import BrowserContext, expect

from server.appointment_upkeep import upkeep_once
from server.domain.clock import ManualClock
from tests.appointment_helpers import (
    appointment_hall,
    at,
    booker,
    id_card,
    local,
    post_ticket,
)
from tests.console.pages import sign_in
from tests.helpers import ADMIN_NO, ADMIN_PASSWORD, STAFF_PASSWORD, LiveServer, open_window

pytestmark = pytest.mark.asyncio(loop_scope="session")
DAY = "2026-12-01"
BARRED = id_card(900)


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def day(module_server: LiveServer) -> dict[str, Any]:
    """A hall's 12-01 at 10:05: one checked in and called, one checked in, one 失约 (the third
    of a person's: barred), two still to come; booked on 11-26."""
    server = module_server
    clock = server.clock
    assert isinstance(clock, ManualClock)
    hall, portal = await appointment_hall(server, quota=3)
    await server.admin.request(
        "PATCH", f"/admin/halls/{hall.hall_id}", json={"name": "新区政务服务中心"}
    )
    other = await booker(server, hall.hall_id, name="政务小程序")
    a = hall.services["A"]
    for earlier in ("2026-11-27", "2026-11-30"):
        assert (await portal.book(a, local(earlier, "09:00"), id_no=BARRED)).status_code == 201
    booked = {}
    for name, slot, person in (
        ("王*华", "09:00", BARRED),
        ("李小红", "09:30", id_card(901)),
        ("赵大勇", "09:30", id_card(902)),
        ("孙丽", "10:00", id_card(903)),
        ("周建国", "11:00", id_card(904)),
    ):
        who = portal if len(booked) % 2 == 0 else other
        answer = await who.book(a, local(DAY, slot), id_no=person, name=name.replace("*", "卫"))
        assert answer.status_code == 201, answer.text
        booked[name] = answer.json()
    clock.set(at(DAY, "09:20"))
    for name in ("李小红", "赵大勇"):
        checked = await post_ticket(
            server, hall.kiosk_token, {"appointment_code": booked[name]["code"]}
        )
        assert checked.status_code == 201
    clerk = await open_window(server, hall, "1")
    await clerk.call_next(hall.windows["1"])
    clock.set(at(DAY, "10:05"))
    await upkeep_once(server.runtime)
    return {"hall": hall, "booked": booked, "portal": portal}


def pictures() -> Path | None:
    folder = os.environ.get("GOVQUEUE_SCREENSHOTS_DIR")
    return Path(folder) if folder else None


async def test_the_day_per_slot_the_list_and_the_no_shows(
    module_server: LiveServer, day: dict[str, Any], context: BrowserContext
) -> None:
    hall = day["hall"]
    tab = await sign_in(
        context, module_server.base_url, hall.supervisor_no, STAFF_PASSWORD, "appointments"
    )
    await tab.fill("#appointment-day", DAY)
    slots = tab.locator("#appointment-slots tbody tr")
    await expect(slots).to_have_count(4)
    rows = [await r.inner_text() for r in await slots.all()]
    assert rows[0].split() == ["户籍办理", "09:00–09:30", "3", "1", "0", "0", "1", "0"]
    assert rows[1].split() == ["户籍办理", "09:30–10:00", "3", "2", "2", "1", "0", "0"]
    listed = await tab.locator("#appointment-list").inner_text()
    assert "李*红" in listed and "赵*勇" in listed and "李小红" not in listed
    assert "失约" in listed and "已签到取号" in listed and "A001" in listed
    page = await tab.content()
    assert id_card(901) not in page and BARRED not in page
    people = tab.locator("#no-shows tbody tr")
    await expect(people).to_have_count(1)
    person = await people.first.inner_text()
    assert "王*华" in person and "限制至 2026-12-31" in person
    if (folder := pictures()) is not None:
        await tab.screenshot(path=str(folder / "console-appointments.png"), full_page=True)
    # a staffed desk checks 孙丽 in (her 10:00 slot is open for check-in)
    sun = day["booked"]["孙丽"]["id"]
    await tab.click(f'tr[data-appointment="{sun}"] button.check-in')
    await expect(tab.locator("#appointment-message")).to_contain_text("已签到取号：A")
    await expect(tab.locator(f'tr[data-appointment="{sun}"]')).to_contain_text("已签到取号")
    # lifting the bar: barred before, books online again at once after
    later = local("2026-12-03", "09:00")
    barred = await day["portal"].book(hall.services["A"], later, id_no=BARRED)
    assert barred.status_code == 409 and barred.json()["code"] == "no_show_barred"
    await tab.click("#no-shows button.lift")
    await expect(tab.locator("#appointment-message")).to_contain_text("已解除限制")
    await expect(tab.locator("#no-shows tbody tr")).to_contain_text("没有失约记录")
    assert (
        await module_server.admin.request(
            "GET", "/appointments/no-shows", params={"hall_id": hall.hall_id}
        )
        == []
    )
    again = await day["portal"].book(hall.services["A"], later, id_no=BARRED)
    assert again.status_code == 201, again.text


async def test_settings_edit_the_rules(
    module_server: LiveServer, day: dict[str, Any], context: BrowserContext
) -> None:
    hall = day["hall"]
    tab = await sign_in(context, module_server.base_url, ADMIN_NO, ADMIN_PASSWORD, "settings")
    await tab.goto(
        f"{module_server.base_url}/console/settings?tab=appointments&hall={hall.hall_id}"
    )
    form = tab.locator("#appointment-rules-form")
    await expect(form.locator('input[name="grace_minutes"]')).to_have_value("15")
    await form.locator('input[name="grace_minutes"]').fill("20")
    await form.locator('button[type="submit"]').click()
    await expect(tab.locator("#appointment-rules .form-ok")).to_be_visible()
    rules = await module_server.admin.request("GET", f"/admin/halls/{hall.hall_id}/appointments")
    assert rules["grace_minutes"] == 20
    b = tab.locator(f'form.service-booking[data-service="{hall.services["B"]}"]')
    await b.locator('input[name="appointment_quota"]').fill("2")
    await b.locator('button[type="submit"]').click()
    await expect(b.locator(".form-error, .field-error").first).to_contain_text("hours")
    if (folder := pictures()) is not None:
        await tab.screenshot(path=str(folder / "console-settings-appointments.png"), full_page=True)
