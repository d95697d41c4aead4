"""The ticket life through the real server: every transition, illegal ones, and their events."""

from __future__ import annotations

import httpx
import pytest

from client.errors import Conflict, Forbidden, InvalidRequest
from client.rest import tls_context
from server.domain.clock import ManualClock
from tests.helpers import LiveServer, Seeded, open_window


async def test_full_life_records_every_time(
    server: LiveServer, hall: Seeded, clock: ManualClock
) -> None:
    kiosk = server.client(hall.kiosk_token)
    issued = await kiosk.issue_ticket(hall.services["A"])
    assert issued["number"] == "A001" and issued["status"] == "waiting" and issued["ahead"] == 0
    assert issued["public_url"].endswith("/t/" + issued["public_token"])
    clerk = await open_window(server, hall, "1")
    clock.advance(300)
    called = await clerk.call_next(hall.windows["1"])
    assert (
        called is not None
        and called["id"] == issued["id"]
        and called["window_id"] == hall.windows["1"]
    )
    clock.advance(30)
    recalled = await clerk.ticket_action(called["id"], "recall")
    assert recalled["recall_count"] == 1
    assert recalled["called_at"] == called["called_at"]  # the first call stays the call time
    clock.advance(30)
    serving = await clerk.ticket_action(called["id"], "start")
    clock.advance(600)
    done = await clerk.ticket_action(called["id"], "finish", {"outcome": "supplement"})
    assert done["status"] == "done" and done["outcome"] == "supplement"
    page = await server.admin.ticket_records(hall.hall_id)
    record = page.items[0]
    assert (record["wait_s"], record["walk_s"], record["handle_s"], record["total_s"]) == (
        300,
        60,
        600,
        960,
    )
    assert serving["serving_started_at"] is not None


async def test_illegal_transitions_are_409_and_change_nothing(
    server: LiveServer, hall: Seeded
) -> None:
    kiosk = server.client(hall.kiosk_token)
    ticket = await kiosk.issue_ticket(hall.services["A"])
    clerk = await server.login(hall.supervisor_no)  # a clerk may not touch a ticket not called
    for action in ("start", "recall", "no-show", "requeue"):
        with pytest.raises(Conflict) as info:
            await clerk.ticket_action(ticket["id"], action)
        assert "A001" in info.value.detail and "等候中" in info.value.detail
        assert info.value.code == "illegal_transition"
    with pytest.raises(Conflict):
        await clerk.ticket_action(ticket["id"], "finish", {"outcome": "done"})
    public = await server.client().public_ticket(ticket["public_token"])
    assert public["status"] == "waiting"


async def test_finish_needs_a_known_outcome(server: LiveServer, hall: Seeded) -> None:
    await server.client(hall.kiosk_token).issue_ticket(hall.services["A"])
    clerk = await open_window(server, hall, "1")
    t = await clerk.call_next(hall.windows["1"])
    assert t is not None
    await clerk.ticket_action(t["id"], "start")
    with pytest.raises(InvalidRequest) as info:
        await clerk.ticket_action(t["id"], "finish", {"outcome": "maybe"})
    assert "办理结果" in info.value.detail
    with pytest.raises(InvalidRequest):
        await clerk.ticket_action(t["id"], "finish", {})
    still = await clerk.ticket_action(t["id"], "finish", {"outcome": "done"})
    assert still["status"] == "done"


async def test_no_show_requeue_keeps_first_call_time(
    server: LiveServer, hall: Seeded, clock: ManualClock
) -> None:
    kiosk = server.client(hall.kiosk_token)
    first = await kiosk.issue_ticket(hall.services["A"])
    second = await kiosk.issue_ticket(hall.services["A"])
    clerk = await open_window(server, hall, "1")
    clock.advance(120)
    called = await clerk.call_next(hall.windows["1"])
    assert called is not None and called["id"] == first["id"]
    missed = await clerk.ticket_action(first["id"], "no-show")
    assert missed["status"] == "no_show" and missed["no_show_count"] == 1
    nxt = await clerk.call_next(hall.windows["1"])
    assert nxt is not None and nxt["id"] == second["id"]
    await clerk.ticket_action(second["id"], "start")
    await clerk.ticket_action(second["id"], "finish", {"outcome": "done"})
    back = await clerk.ticket_action(first["id"], "requeue")
    assert back["status"] == "waiting"
    clock.advance(600)
    again = await clerk.call_next(hall.windows["1"])
    assert again is not None and again["id"] == first["id"]
    assert again["called_at"] == called["called_at"]  # wait is measured to the first call


async def test_transfer_creates_linked_ticket_in_other_service(
    server: LiveServer, hall: Seeded
) -> None:
    kiosk = server.client(hall.kiosk_token)
    await kiosk.issue_ticket(hall.services["B"])  # B001 already waiting
    original = await kiosk.issue_ticket(hall.services["A"], priority="green")
    clerk = await open_window(server, hall, "1")
    called = await clerk.call_next(hall.windows["1"])
    assert called is not None and called["id"] == original["id"]  # green channel first
    await clerk.ticket_action(called["id"], "start")
    with pytest.raises(InvalidRequest, match="其他业务"):
        await clerk.ticket_action(called["id"], "transfer", {"service_id": hall.services["A"]})
    new = await clerk.ticket_action(called["id"], "transfer", {"service_id": hall.services["B"]})
    assert new["number"] == "B002" and new["origin_ticket_id"] == original["id"]
    assert new["priority"] == "green" and new["source"] == "transfer"
    public = await server.client().public_ticket(original["public_token"])
    assert public["status"] == "transferred" and public["transferred_to_number"] == "B002"
    # the transferred green ticket is called before B001
    nxt = await clerk.call_next(hall.windows["1"])
    assert nxt is not None and nxt["id"] == new["id"]


async def test_cancel(server: LiveServer, hall: Seeded) -> None:
    kiosk = server.client(hall.kiosk_token)
    t = await kiosk.issue_ticket(hall.services["A"])
    called = await kiosk.issue_ticket(hall.services["A"])
    supervisor = await server.login(hall.supervisor_no)
    cancelled = await supervisor.ticket_action(t["id"], "cancel")  # a waiting ticket
    assert cancelled["status"] == "cancelled"
    clerk = await open_window(server, hall, "1")
    at_window = await clerk.call_next(hall.windows["1"])
    assert at_window is not None and at_window["id"] == called["id"]
    assert (await clerk.ticket_action(called["id"], "cancel"))["status"] == "cancelled"
    assert await clerk.call_next(hall.windows["1"]) is None


async def test_window_must_be_open_and_free(server: LiveServer, hall: Seeded) -> None:
    kiosk = server.client(hall.kiosk_token)
    await kiosk.issue_ticket(hall.services["A"])
    await kiosk.issue_ticket(hall.services["A"])
    clerk = await server.login(hall.staff["1"])
    with pytest.raises(Conflict, match="请先开启窗口"):
        await clerk.call_next(hall.windows["1"])
    await clerk.window_action(hall.windows["1"], "open")
    t = await clerk.call_next(hall.windows["1"])
    assert t is not None
    with pytest.raises(Conflict, match="尚未处理完") as info:
        await clerk.call_next(hall.windows["1"])
    assert info.value.code == "window_busy"
    with pytest.raises(Conflict, match="尚未处理完") as info:
        await clerk.window_action(hall.windows["1"], "close")
    assert info.value.code == "window_busy"  # as for call-next (docs/api.md)
    paused = await clerk.window_action(hall.windows["1"], "pause", {"reason": "系统故障"})
    assert paused["state"] == "paused" and paused["pause_reason"] == "系统故障"
    await clerk.ticket_action(t["id"], "no-show")
    with pytest.raises(Conflict, match="暂停服务"):
        await clerk.call_next(hall.windows["1"])
    await clerk.window_action(hall.windows["1"], "resume")
    assert await clerk.call_next(hall.windows["1"]) is not None


async def test_clerk_cannot_work_another_clerks_window(server: LiveServer, hall: Seeded) -> None:
    await server.client(hall.kiosk_token).issue_ticket(hall.services["A"])
    one = await open_window(server, hall, "1")
    two = await server.login(hall.staff["2"])
    with pytest.raises(Forbidden):
        await two.call_next(hall.windows["1"])
    t = await one.call_next(hall.windows["1"])
    assert t is not None
    with pytest.raises(Forbidden, match="1 号窗口"):
        await two.ticket_action(t["id"], "start")
    with pytest.raises(Conflict, match="已在 1 号窗口签到"):
        await one.window_action(hall.windows["2"], "open")


async def test_unknown_ids_are_404(server: LiveServer, hall: Seeded) -> None:
    clerk = await open_window(server, hall, "1")
    async with httpx.AsyncClient(verify=tls_context(), base_url=server.base_url) as http:
        headers = {"Authorization": f"Bearer {clerk.token}"}
        r = await http.post("/api/v1/tickets/999999/start", headers=headers)
        assert r.status_code == 404 and "999999" in r.json()["detail"]
        r = await http.post("/api/v1/windows/999999/call-next", headers=headers)
        assert r.status_code == 404
        r = await http.get("/api/v1/tickets/public/nonsense")
        assert r.status_code == 404 and r.json()["code"] == "not_found"
        r = await http.post(
            "/api/v1/tickets",
            headers={"Authorization": f"Bearer {hall.kiosk_token}"},
            json={"service_id": "abc"},
        )
        assert r.status_code == 422 and "业务编号" in r.json()["detail"]
