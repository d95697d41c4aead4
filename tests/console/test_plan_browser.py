"""统计 › 开窗建议 in headless Chromium: a supervisor opens the tab, the page shows the plan the
API computes (hour by hour, plan beside the current staffing), asks again with a stricter
target, and gets the server's Chinese message for a bad period."""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx
import pytest
import pytest_asyncio
from playwright.async_api import BrowserContext, expect

from client.rest import tls_context
from tests.console.pages import sign_in
from tests.helpers import STAFF_PASSWORD, LiveServer
from tests.planning_history import Ids, write_history

pytestmark = pytest.mark.asyncio(loop_scope="session")
SLOW = 400_000  # ms: a plan is seconds of simulation, minutes on a machine at load 17


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def hall(module_server: LiveServer) -> Ids:
    # the module's clock stands at Thursday 2026-11-26 09:00: tomorrow is a Friday
    ids = write_history(
        str(module_server.settings.database_url), date(2026, 10, 12), date(2026, 11, 25)
    )
    await module_server.admin.admin_create(
        "staff",
        {
            "staff_no": "P001",
            "name": "赵主任",
            "role": "supervisor",
            "password": STAFF_PASSWORD,
            "hall_id": ids.hall,
            "must_change_password": False,
        },
    )
    return ids


async def api_plan(server: LiveServer, hall: Ids, **params: Any) -> dict[str, Any]:
    supervisor = await server.login("P001")
    async with httpx.AsyncClient(
        verify=tls_context(), base_url=server.base_url + "/api/v1", timeout=300
    ) as http:
        response = await http.get(
            "/stats/plan",
            params={"hall_id": hall.hall, **params},
            headers={"Authorization": f"Bearer {supervisor.token}"},
        )
    assert response.status_code == 200, response.text
    return dict(response.json())


async def test_the_plan_tab_shows_what_the_api_computes(
    module_server: LiveServer, hall: Ids, context: BrowserContext
) -> None:
    tab = await sign_in(context, module_server.base_url, "P001", STAFF_PASSWORD, "stats")
    await expect(tab.locator("#tab-indicators")).to_have_class("on")
    await tab.click("#tab-plan")
    assert tab.url.endswith("/console/stats#plan")
    rows = tab.locator("#plan-table tr[data-hour]")
    await expect(rows).to_have_count(8, timeout=SLOW)
    await expect(tab.locator("#plan-summary h2")).to_contain_text("2026-11-27（周五）开窗建议")
    await expect(tab.locator("#plan-day")).to_have_value("2026-11-27")
    await expect(tab.locator("#plan-from")).to_have_value("2026-10-30")
    await expect(tab.locator("#plan-to")).to_have_value("2026-11-26")
    expected = await api_plan(module_server, hall)
    for hour in expected["hours"]:
        row = tab.locator(f"#plan-table tr[data-hour='{hour['hour']}']")
        await expect(row.locator("td.plan-open")).to_have_text(str(hour["plan"]["open"]))
        await expect(row.locator("td.plan-windows")).to_have_text(
            "、".join(hour["plan"]["windows"]) or "—"
        )
        await expect(row.locator("td").nth(0)).to_have_text(hour["label"])
    total = expected["total"]["plan"]["window_hours"]
    await expect(tab.locator("#plan-window-hours")).to_contain_text(f"{total:g} 窗口·时")
    await expect(tab.locator("#plan-chart canvas")).to_have_count(1)
    notes = tab.locator("#plan-notes li")
    await expect(notes.first).to_contain_text("个“周五”的平均估计")
    await expect(tab.locator("#plan-basis")).to_contain_text("户籍办理")
    await expect(tab.locator("#plan-basis")).to_contain_text("1 号")

    # A stricter target for every service: more windows, at least as many in every hour.
    await tab.fill("#plan-target_minutes", "8")
    await tab.click("#plan-run")
    await expect(tab.locator("#plan-summary h2 .small")).to_contain_text(
        "8 分钟内叫号", timeout=SLOW
    )
    stricter = await api_plan(module_server, hall, target_minutes=8)
    assert stricter["total"]["plan"]["window_hours"] > total
    await expect(tab.locator("#plan-window-hours")).to_contain_text(
        f"{stricter['total']['plan']['window_hours']:g} 窗口·时"
    )

    # The address opens the tab itself.
    await tab.reload()
    await expect(tab.locator("#tab-plan")).to_have_class("on")
    await expect(rows).to_have_count(8, timeout=SLOW)

    # A period that ends before it starts: the server's message, the last plan kept.
    await tab.fill("#plan-from", "2026-11-20")
    await tab.fill("#plan-to", "2026-11-01")
    await tab.click("#plan-run")
    await expect(tab.locator("#plan-controls + .form-error")).to_have_text(
        "统计区间不正确：开始日期 2026-11-20 晚于结束日期 2026-11-01。", timeout=SLOW
    )
    await expect(rows).to_have_count(8)
