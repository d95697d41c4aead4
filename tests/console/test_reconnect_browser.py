"""The console's live feed comes back within seconds of the server (issue 22 item 6): a real
`govqueue serve` process is killed while the overview is open, the page keeps retrying, the
server is started again on the same port, and the page is live again — with what happened
meanwhile — within 5 s of the server being reachable.

The page reaches the server through a TCP gate the test holds shut while the new process
starts, and opens right after one of the page's attempts failed: the moment the server
"comes back" for the page is then exact, and the page's wait before its next attempt (its
back-off at its longest) is what is measured."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from playwright.async_api import expect

from client.rest import ApiClient
from tests.apps.tcp_gate import TcpGate
from tests.console.pages import new_context, sign_in
from tests.helpers import ADMIN_NO, ADMIN_PASSWORD, STAFF_PASSWORD, migrated_database
from tests.processes import start_server_process

pytestmark = pytest.mark.asyncio(loop_scope="session")

BACK_WITHIN_MS = 5000
RETRIES_WHILE_DOWN = 6  # long enough for the old back-off (10 s apart) to be at its longest


async def _seed(base: str) -> tuple[int, str]:
    async with ApiClient(base) as admin:
        await admin.login(ADMIN_NO, ADMIN_PASSWORD)
        hall = await admin.admin_create("halls", {"code": "R", "name": "重连测试大厅"})
        await admin.admin_create("services", {"hall_id": hall["id"], "name": "户籍", "prefix": "A"})
        await admin.admin_create(
            "staff",
            {
                "staff_no": "R-S",
                "name": "值班主管",
                "role": "supervisor",
                "password": STAFF_PASSWORD,
                "hall_id": hall["id"],
                "must_change_password": False,
            },
        )
        kiosk = await admin.admin_create(
            "devices", {"hall_id": hall["id"], "kind": "kiosk", "label": "取号机"}
        )
        return int(hall["id"]), str(kiosk["token"])


async def test_the_overview_is_live_again_within_5_s_of_the_server_coming_back(
    tmp_path: Path, browser: object
) -> None:
    data_dir = tmp_path
    url = migrated_database(data_dir)
    proc, base = await start_server_process(url, data_dir)
    port = int(base.rsplit(":", 1)[1])
    gate = TcpGate(port).start()
    context = await new_context(browser)
    try:
        hall_id, kiosk_token = await _seed(base)
        tab = await sign_in(context, gate.url, "R-S", STAFF_PASSWORD)
        conn = tab.locator("#conn")
        await expect(conn).to_have_text("实时连接正常")
        proc.kill()  # a crash: no goodbye to the page
        proc.wait(10)
        await expect(conn).to_contain_text("正在重新连接")
        await tab.wait_for_function(
            f"() => window.gqLive.reconnects >= {RETRIES_WHILE_DOWN}", timeout=60_000
        )
        gate.shut()
        proc, _ = await start_server_process(url, data_dir, port)
        tried = await tab.evaluate("window.gqLive.reconnects")
        await tab.wait_for_function(f"() => window.gqLive.reconnects > {tried}", timeout=60_000)
        gate.open()  # the server is back, just after the page's last attempt failed
        back_at = time.monotonic()
        async with ApiClient(base, kiosk_token) as kiosk:
            ticket = await kiosk.issue_ticket(
                (await kiosk.request("GET", f"/halls/{hall_id}/services"))[0]["id"]
            )
        await expect(conn).to_have_text("实时连接正常", timeout=BACK_WITHIN_MS)
        waiting = tab.locator("#services .waiting").first
        await expect(waiting).to_have_text("1", timeout=BACK_WITHIN_MS)
        print(f"live again {time.monotonic() - back_at:.2f} s after the server answered")
        assert ticket["number"] == "A001"
    finally:
        await context.close()
        gate.stop()
        proc.kill()
        proc.wait(10)
