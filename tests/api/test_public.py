"""What a ticket holder sees: the public status and the mobile page behind the QR code."""

from __future__ import annotations

import httpx

from client.rest import tls_context
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
    assert view.number == "A002" and view.status == "waiting" and view.status_text == "等候中"
    assert view.ahead == 2  # A001 and the green-channel A003 go first
    assert (await anyone.public_ticket(green["public_token"]))["ahead"] == 0
    assert view.window_number is None and "public_token" not in view
    clerk = await open_window(server, hall, "2")
    await clerk.call_next(hall.windows["2"])  # green first
    await clerk.ticket_action(green["id"], "start")
    await clerk.ticket_action(green["id"], "finish", {"outcome": "done"})
    called = await clerk.call_next(hall.windows["2"])
    assert called is not None and called["id"] == first["id"]
    view = await anyone.public_ticket(first["public_token"])
    assert view.status == "called" and view.window_number == "2"
    assert (await anyone.public_ticket(second["public_token"]))["ahead"] == 0


async def test_mobile_page(server: LiveServer, hall: Seeded) -> None:
    kiosk = server.client(hall.kiosk_token)
    await kiosk.issue_ticket(hall.services["B"])
    mine = await kiosk.issue_ticket(hall.services["B"])
    async with httpx.AsyncClient(verify=tls_context()) as http:
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
    async with httpx.AsyncClient(verify=tls_context(), base_url=server.base_url) as http:
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


async def test_link_tokens_are_unguessable_and_follow_the_issuing_order(
    server: LiveServer, hall: Seeded, clock: ManualClock
) -> None:
    """96 random bits after the issuing millisecond: tokens of later tickets sort after
    earlier ones (the unique index takes them at its end), and each one opens its ticket."""
    kiosk = server.client(hall.kiosk_token)
    tokens = []
    for _ in range(3):
        tokens.append((await kiosk.issue_ticket(hall.services["A"]))["public_token"])
        clock.advance(0.002)
    same_instant = [
        (await kiosk.issue_ticket(hall.services["B"]))["public_token"] for _ in range(3)
    ]
    assert tokens == sorted(tokens) and len(set(tokens + same_instant)) == 6
    prefix = f"{int(clock.now().timestamp() * 1000):012x}"
    assert all(t.startswith(prefix) for t in same_instant)
    for token in tokens + same_instant:
        assert len(token) == 28 and len(token) <= 43  # ticket.public_token is VARCHAR(43)
        assert all(c.isalnum() or c in "-_" for c in token)  # safe in a URL as it is
    random_parts = {t[12:] for t in same_instant}
    assert len(random_parts) == 3 and all(len(part) == 16 for part in random_parts)
    assert (await server.client().public_ticket(tokens[1]))["number"] == "A002"
