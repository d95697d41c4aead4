"""What a ticket holder sees: the public status and the mobile page behind the QR code."""

from __future__ import annotations

import httpx

from server.domain.clock import ManualClock
from tests.helpers import LiveServer, Seeded, open_window


async def test_public_status_follows_the_ticket(
    server: LiveServer, hall: Seeded, clock: ManualClock
) -> None:
    kiosk = server.client(hall.kiosk_token)
    first = await kiosk.issue_ticket(hall.services["A"])
    second = await kiosk.issue_ticket(hall.services["A"])
    green = await kiosk.issue_ticket(hall.services["A"], priority="green")
    anyone = server.client()
    view = await anyone.public_ticket(second["public_token"])
    assert (
        view["number"] == "A002" and view["status"] == "waiting" and view["status_text"] == "等候中"
    )
    assert view["ahead"] == 2  # A001 and the green-channel A003 go first
    assert (await anyone.public_ticket(green["public_token"]))["ahead"] == 0
    assert view["window_number"] is None and "public_token" not in view
    clerk = await open_window(server, hall, "2")
    await clerk.call_next(hall.windows["2"])  # green first
    await clerk.ticket_action(green["id"], "start")
    await clerk.ticket_action(green["id"], "finish", {"outcome": "done"})
    called = await clerk.call_next(hall.windows["2"])
    assert called is not None and called["id"] == first["id"]
    view = await anyone.public_ticket(first["public_token"])
    assert view["status"] == "called" and view["window_number"] == "2"
    assert (await anyone.public_ticket(second["public_token"]))["ahead"] == 0


async def test_mobile_page(server: LiveServer, hall: Seeded) -> None:
    kiosk = server.client(hall.kiosk_token)
    await kiosk.issue_ticket(hall.services["B"])
    mine = await kiosk.issue_ticket(hall.services["B"])
    async with httpx.AsyncClient() as http:
        page = await http.get(mine["public_url"])
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        body = page.text
        assert (
            "B002" in body
            and "社保医保" in body
            and "前面还有 1 人" in body
            and 'lang="zh-CN"' in body
        )
        clerk = await open_window(server, hall, "2")
        before = await clerk.call_next(hall.windows["2"])
        assert before is not None and before["number"] == "B001"
        await clerk.ticket_action(before["id"], "no-show")
        await clerk.call_next(hall.windows["2"])
        body = (await http.get(mine["public_url"])).text
        assert "请到 2 号窗口办理" in body
        missing = await http.get(server.base_url + "/t/not-a-token")
        assert missing.status_code == 404 and "未找到" in missing.text
        escaped = await http.get(server.base_url + "/t/%3Cscript%3E")
        assert escaped.status_code == 404 and "<script>" not in escaped.text


async def test_health_and_openapi(server: LiveServer) -> None:
    async with httpx.AsyncClient(base_url=server.base_url) as http:
        assert (await http.get("/api/v1/health")).json() == {"status": "ok"}
        spec = (await http.get("/openapi.json")).json()
        for path in (
            "/api/v1/tickets",
            "/api/v1/windows/{window_id}/call-next",
            "/api/v1/stats/indicators",
            "/api/v1/tickets/{ticket_id}/evaluation",
            "/api/v1/admin/devices",
        ):
            assert path in spec["paths"], path
        missing = await http.get("/api/v1/nothing-here")
        assert missing.status_code == 404 and missing.json()["detail"] == "请求的地址不存在。"
