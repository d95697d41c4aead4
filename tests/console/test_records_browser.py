"""统计, 差评整改 and 投诉 in headless Chromium: a rectification and a complaint through their
whole life, the download read back with openpyxl, and a supervisor kept to their own hall
(by editing the address and the request bodies)."""

from __future__ import annotations

import io
import json

import pytest
import pytest_asyncio
import websockets
from playwright.async_api import BrowserContext, Page, expect

from server.domain.clock import ManualClock
from tests.console.pages import sign_in, submit, submit_refused
from tests.helpers import (
    ADMIN_NO,
    ADMIN_PASSWORD,
    STAFF_PASSWORD,
    LiveServer,
    Seeded,
    open_window,
    seed_hall,
)

pytestmark = pytest.mark.asyncio(loop_scope="session")
# The complaint, rectification and export routes are the statistics piece's (issue 11).
pytest.importorskip("server.api.routes.complaints")
openpyxl = pytest.importorskip("openpyxl")


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def seeded(module_server: LiveServer) -> Seeded:
    """Hall H1 with a served ticket rated 不满意 (a rectification) and a waiting ticket."""
    hall = await seed_hall(module_server)
    kiosk = module_server.client(hall.kiosk_token)
    await kiosk.issue_ticket(hall.services["A"])
    await kiosk.issue_ticket(hall.services["B"])
    clerk = await open_window(module_server, hall, "1")
    called = await clerk.call_next(hall.windows["1"])
    assert called is not None
    module_server.clock.advance(120)  # type: ignore[attr-defined]
    await clerk.ticket_action(called["id"], "start")
    module_server.clock.advance(300)  # type: ignore[attr-defined]
    await clerk.ticket_action(called["id"], "finish", {"outcome": "done"})
    device = module_server.client(hall.window_device_tokens["1"])
    await device.evaluate(called["id"], 1, reasons=["等候时间长"])
    return hall


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def other(module_server: LiveServer, seeded: Seeded) -> Seeded:
    return await seed_hall(module_server, code="H2")


async def test_statistics_table_charts_and_downloads(
    module_server: LiveServer, seeded: Seeded, context: BrowserContext
) -> None:
    tab = await sign_in(
        context, module_server.base_url, seeded.supervisor_no, STAFF_PASSWORD, "stats"
    )
    total = tab.locator("#indicators tr.total")
    await expect(total).to_contain_text("合计")
    cells = await total.locator("td").all_inner_texts()
    assert cells[1:3] == ["2", "1"]  # issued, served
    await expect(tab.locator("#charts canvas")).to_have_count(3)
    await tab.select_option("#group-by", "window")
    await expect(tab.locator("#indicators")).to_contain_text("1号窗口")
    async with tab.expect_download(timeout=60_000) as info:
        await tab.click("#download-xlsx")
    download = await info.value
    workbook = openpyxl.load_workbook(io.BytesIO((await download.path()).read_bytes()))
    assert "汇总" in workbook.sheetnames[0]
    assert any("差评" in name for name in workbook.sheetnames)
    async with tab.expect_download(timeout=60_000) as info:
        await tab.click("#download-csv")
    csv_bytes = (await (await info.value).path()).read_bytes()
    assert csv_bytes.startswith(b"\xef\xbb\xbf") and b"A001" in csv_bytes
    # Custom period with the end before the start: the server's message is shown.
    await tab.click("#period-custom")
    await tab.fill("#from", "2026-11-26")
    await tab.fill("#to", "2026-11-20")
    await tab.click("#run-query")
    await expect(tab.locator(".form-error")).to_contain_text("晚于")


async def _open_form(tab: Page, row: str, button: str) -> None:
    await tab.locator(row).locator(button).click()


async def test_a_rectification_goes_through_its_whole_life(
    module_server: LiveServer, seeded: Seeded, context: BrowserContext
) -> None:
    tab = await sign_in(
        context, module_server.base_url, seeded.supervisor_no, STAFF_PASSWORD, "rectifications"
    )
    row = tab.locator("#rectifications tr[data-rect]").first
    await expect(row).to_contain_text("A001")
    await expect(row).to_contain_text("非常不满意")
    await expect(row).to_contain_text("等候时间长")
    await expect(row).to_contain_text("待整改")
    await row.locator("button.rectify").click()
    await submit_refused(tab, "#rectify-form", "measures")
    await submit(tab, "#rectify-form", measures="已约谈窗口人员，增开午间窗口")
    await expect(row).to_contain_text("已整改")
    await expect(row).to_contain_text("增开午间窗口")
    await row.locator("button.follow-up").click()
    await tab.select_option("#follow-up-form [name=way]", "phone")
    await tab.fill("#follow-up-form [name=result]", "电话回访，群众表示认可")
    await tab.click("#follow-up-form button[type=submit]")
    await expect(row).to_contain_text("已回访")
    await expect(row).to_contain_text("群众表示认可")
    assert await row.locator("button").count() == 0


async def test_a_complaint_goes_through_its_whole_life_and_overdue_ones_stand_out(
    module_server: LiveServer, seeded: Seeded, context: BrowserContext, module_clock: ManualClock
) -> None:
    tab = await sign_in(
        context, module_server.base_url, seeded.supervisor_no, STAFF_PASSWORD, "complaints"
    )
    await submit_refused(tab, "#complaint-form", "content")
    await tab.fill("#complaint-form [name=content]", "窗口人员态度生硬")
    await tab.fill("#complaint-form [name=ticket_day]", "2026-11-26")
    await tab.fill("#complaint-form [name=ticket_number]", "Z999")
    await tab.click("#complaint-form button[type=submit]")
    await expect(
        tab.locator("#complaint-form [data-field=ticket_number] .field-error")
    ).to_contain_text("Z999")
    await tab.fill("#complaint-form [name=ticket_number]", "a001")
    await tab.select_option("#complaint-form [name=channel]", "phone")
    await tab.click("#complaint-form button[type=submit]")
    row = tab.locator("#complaints tr[data-complaint]").first
    await expect(row).to_contain_text("窗口人员态度生硬")
    await expect(row).to_contain_text("A001")
    await expect(row).to_contain_text("已受理")
    assert "overdue" not in (await row.get_attribute("class") or "")
    await row.locator("button.handle").click()
    await tab.uncheck("#handle-form [name=close]")
    await tab.fill("#handle-form [name=result]", "已联系投诉人，正在核实")
    await tab.click("#handle-form button[type=submit]")
    await expect(row).to_contain_text("正在核实")
    await expect(row).to_contain_text("已受理")
    # Past its deadline (working days) it stands out, then it is closed.
    module_clock.advance(30 * 86400)
    await tab.reload()
    row = tab.locator("#complaints tr[data-complaint]").first
    await expect(row).to_have_class("overdue")
    await expect(row).to_contain_text("已逾期")
    await tab.check("#comp-overdue")
    await expect(tab.locator("#complaints tr[data-complaint]")).to_have_count(1)
    await row.locator("button.handle").click()
    await tab.fill("#handle-form [name=result]", "核实属实，已批评教育并向投诉人致歉")
    await tab.click("#handle-form button[type=submit]")
    await expect(row).to_contain_text("已办结")
    module_clock.advance(-30 * 86400)


async def test_a_supervisor_sees_only_their_own_hall(
    module_server: LiveServer, seeded: Seeded, other: Seeded, context: BrowserContext
) -> None:
    tab = await sign_in(context, module_server.base_url, other.supervisor_no, STAFF_PASSWORD)
    # Editing the address: the page stays on the supervisor's own hall.
    for page in ("overview", "stats", "rectifications", "complaints"):
        await tab.goto(f"{module_server.base_url}/console/{page}?hall={seeded.hall_id}")
        await expect(tab.locator("header.top")).to_contain_text("H2 政务服务中心")
    await tab.goto(f"{module_server.base_url}/console/rectifications?hall={seeded.hall_id}")
    await expect(tab.locator("#rectifications")).to_contain_text("没有符合条件")
    # Editing the requests themselves (what a console user could do in the dev tools).
    h1 = seeded.hall_id
    attempts = await tab.evaluate(
        """async ([h1, a]) => {
          const csrf = document.cookie.match(/gq_csrf=([^;]+)/)[1];
          const send = async (method, path, body) => {
            const r = await fetch('/api/v1' + path, {method, headers: {'Content-Type': 'application/json',
              'X-CSRF-Token': csrf}, body: body && JSON.stringify(body)});
            return [path, r.status];
          };
          return [
            await send('GET', `/stats/indicators?hall_id=${h1}`),
            await send('GET', `/stats/tickets?hall_id=${h1}`),
            await send('GET', `/stats/export?hall_id=${h1}&format=csv`),
            await send('GET', `/rectifications?hall_id=${h1}`),
            await send('GET', `/complaints?hall_id=${h1}`),
            await send('GET', `/halls/${h1}/devices`),
            await send('POST', '/complaints', {hall_id: h1, channel: 'onsite', content: 'x'}),
            await send('PUT', `/admin/halls/${h1}/notice`, {text: 'x'}),
            await send('POST', '/rectifications/1/rectify', {measures: 'x'}),
            await send('PATCH', `/admin/services/${a}`, {name: 'x'}),
          ];
        }""",
        [h1, seeded.services["A"]],
    )
    for path, status in attempts:
        assert status == 403, (path, status)
    # And the live feed of the other hall.
    cookie = next(c for c in await context.cookies() if c["name"] == "gq_session")
    url = module_server.base_url.replace("http://", "ws://") + f"/ws?hall_id={h1}"
    async with websockets.connect(
        url,
        additional_headers={"Cookie": f"gq_session={cookie['value']}"},
        origin=module_server.base_url,  # type: ignore[arg-type]
    ) as ws:
        refused = json.loads(await ws.recv())
    assert refused["code"] == "permission_denied"


async def test_an_admin_of_every_hall_compares_halls(
    module_server: LiveServer, seeded: Seeded, other: Seeded, context: BrowserContext
) -> None:
    await module_server.client(other.kiosk_token).issue_ticket(other.services["A"])
    tab = await sign_in(context, module_server.base_url, ADMIN_NO, ADMIN_PASSWORD, "stats")
    await tab.select_option("#hall-picker", "all")
    await tab.wait_for_url("**hall=all**")
    rows = tab.locator("#indicators tr[data-key]")
    await expect(rows).to_have_count(2)
    await expect(tab.locator("#indicators")).to_contain_text("H1 政务服务中心")
    await expect(tab.locator("#indicators")).to_contain_text("H2 政务服务中心")
    # Picking one hall narrows every page to it.
    await tab.select_option("#hall-picker", str(other.hall_id))
    await tab.wait_for_url(f"**hall={other.hall_id}**")
    await expect(tab.locator("#indicators tr.total")).to_contain_text("合计")
    await tab.click("a[data-page=overview]")
    await expect(tab.locator("h1")).to_contain_text("H2 政务服务中心")
