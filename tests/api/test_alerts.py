"""Alerts are server state (issue 22 item 6): raised by what happens in the hall, once per
episode, listed by `GET /alerts`, acknowledged once for everyone with who and when, and
carried by the feed (`alert.raised`, `alert.resolved`, `alert.acknowledged`)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
import websockets

from client.errors import ApiError
from client.events import AlertAcknowledged, AlertRaised, AlertResolved, parse_event
from server.domain.clock import ManualClock
from server.watch import watch_once
from tests.helpers import STAFF_PASSWORD, LiveServer, Seeded, open_window, seed_hall, start_server

Message = dict[str, Any]


class Feed:
    """A real WebSocket subscriber of the hall; `until` waits for a message (no sleeps)."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.seen: list[Message] = []

    async def until(self, type_: str, match: Callable[[Message], bool] = lambda d: True) -> Message:
        for message in self.seen:
            if message["type"] == type_ and match(message["data"]):
                self.seen.remove(message)
                return message
        while True:
            message = json.loads(await asyncio.wait_for(self.ws.recv(), 20))
            if message["type"] == type_ and match(message["data"]):
                return message
            self.seen.append(message)

    def types(self) -> list[str]:
        return [m["type"] for m in self.seen]


@asynccontextmanager
async def feed(server: LiveServer, hall_id: int, token: str) -> AsyncIterator[Feed]:
    url = server.base_url.replace("http://", "ws://") + f"/ws?hall_id={hall_id}&token={token}"
    async with websockets.connect(url) as ws:
        first = json.loads(await ws.recv())
        assert first["type"] == "snapshot"
        yield Feed(ws)


@pytest.fixture
async def watched(tmp_path: Path, clock: ManualClock) -> AsyncIterator[LiveServer]:
    """A server whose watch looks often (the wall-clock interval; waits are by its clock)."""
    async with start_server(tmp_path, clock, alert_check_interval_s=0.05) as live:
        yield live


async def test_a_printer_out_of_paper_makes_one_alert_acknowledged_once_for_everyone(
    server: LiveServer, hall: Seeded
) -> None:
    supervisor = await server.login(hall.supervisor_no, STAFF_PASSWORD)
    kiosk = server.client(hall.kiosk_token)
    async with feed(server, hall.hall_id, supervisor.token or "") as live:
        for _ in range(3):  # the kiosk says so again and again: one alert
            await kiosk.report_device_status("error", printer="paper_out", detail="打印机缺纸")
        raised = parse_event("alert.raised", (await live.until("alert.raised"))["data"])
        assert isinstance(raised, AlertRaised)
        assert raised.kind == "printer_out" and raised.subject.startswith("device:")
        assert "1号取号机" in raised.text and "缺纸" in raised.text
        listed = await supervisor.request("GET", "/alerts", params={"hall_id": hall.hall_id})
        assert [a["id"] for a in listed["items"]] == [raised.alert_id]
        # A supervisor who opens the console later sees it: it is the server's.
        later = await server.login(hall.supervisor_no, STAFF_PASSWORD)
        again = await later.request("GET", "/alerts")
        assert again["hall_id"] == hall.hall_id and len(again["items"]) == 1
        # Refilled: resolved (still listed until acknowledged) ...
        await kiosk.report_device_status("ok", printer="ok")
        resolved = parse_event("alert.resolved", (await live.until("alert.resolved"))["data"])
        assert isinstance(resolved, AlertResolved) and resolved.alert_id == raised.alert_id
        listed = await supervisor.request("GET", "/alerts")
        assert listed["items"][0]["resolved_at"] is not None
        # ... out again before anyone acknowledged: the same alert, raised again in place.
        await kiosk.report_device_status("error", printer="paper_out", detail="打印机缺纸")
        back = (await live.until("alert.raised"))["data"]
        assert back["alert_id"] == raised.alert_id
        assert (await supervisor.request("GET", "/alerts"))["items"][0]["resolved_at"] is None
        # Acknowledged by one, for everyone, with who and when; a second press changes nothing.
        acked = await supervisor.request("POST", f"/alerts/{raised.alert_id}/ack")
        assert acked["acknowledged_by_no"] == hall.supervisor_no
        assert acked["acknowledged_by_name"] == "值班主管" and acked["acknowledged_at"]
        event = parse_event("alert.acknowledged", (await live.until("alert.acknowledged"))["data"])
        assert isinstance(event, AlertAcknowledged) and event.by_staff_no == hall.supervisor_no
        second = await server.admin.request("POST", f"/alerts/{raised.alert_id}/ack")
        assert second["acknowledged_by_no"] == hall.supervisor_no
        assert second["acknowledged_at"] == acked["acknowledged_at"]
        assert (await later.request("GET", "/alerts"))["items"] == []
        history = await later.request("GET", "/alerts", params={"state": "all"})
        assert [a["acknowledged_by_no"] for a in history["items"]] == [hall.supervisor_no]
        # Still out after the acknowledgement: the same episode, no new alert.
        await kiosk.report_device_status("error", printer="paper_out", detail="打印机缺纸")
        assert (await later.request("GET", "/alerts"))["items"] == []
        # Refilled, then out again: a new episode, a new alert.
        await kiosk.report_device_status("ok", printer="ok")
        await kiosk.report_device_status("error", printer="paper_out", detail="打印机缺纸")
        fresh = (await live.until("alert.raised", lambda d: d["alert_id"] != raised.alert_id))[
            "data"
        ]
        assert fresh["kind"] == "printer_out"
        assert live.types().count("alert.acknowledged") == 0  # the second press made none


async def test_another_halls_supervisor_can_neither_see_nor_acknowledge(
    server: LiveServer, hall: Seeded
) -> None:
    other = await seed_hall(server, code="H2")
    kiosk = server.client(hall.kiosk_token)
    await kiosk.report_device_status("error", printer="paper_out", detail="打印机缺纸")
    mine = await server.login(hall.supervisor_no, STAFF_PASSWORD)
    alert_id = (await mine.request("GET", "/alerts"))["items"][0]["id"]
    stranger = await server.login(other.supervisor_no, STAFF_PASSWORD)
    assert (await stranger.request("GET", "/alerts"))["items"] == []
    for method, path, params in (
        ("GET", "/alerts", {"hall_id": hall.hall_id}),
        ("POST", f"/alerts/{alert_id}/ack", None),
    ):
        with pytest.raises(ApiError) as refused:
            await stranger.request(method, path, params=params)
        assert refused.value.status == 403
    with pytest.raises(ApiError) as missing:
        await mine.request("POST", "/alerts/999999/ack")
    assert missing.value.status == 404 and "提醒" in missing.value.detail
    with pytest.raises(ApiError) as bad:
        await mine.request("GET", "/alerts", params={"state": "closed"})
    assert bad.value.status == 422
    clerk = await server.login(hall.staff["1"])
    with pytest.raises(ApiError) as clerk_refused:
        await clerk.request("GET", "/alerts")
    assert clerk_refused.value.status == 403


async def test_a_bad_rating_raises_an_alert(server: LiveServer, hall: Seeded) -> None:
    kiosk = server.client(hall.kiosk_token)
    ticket = await kiosk.issue_ticket(hall.services["A"])
    clerk = await open_window(server, hall, "1")
    await clerk.call_next(hall.windows["1"])
    await clerk.ticket_action(ticket["id"], "start")
    await clerk.ticket_action(ticket["id"], "finish", {"outcome": "done"})
    supervisor = await server.login(hall.supervisor_no, STAFF_PASSWORD)
    async with feed(server, hall.hall_id, supervisor.token or "") as live:
        pad = server.client(hall.window_device_tokens["1"])
        await pad.evaluate(ticket["id"], 1, reasons=["等候时间长", "服务态度不好"])
        raised = (await live.until("alert.raised"))["data"]
    assert raised["kind"] == "bad_rating" and raised["subject"] == f"ticket:{ticket['id']}"
    assert raised["ticket_id"] == ticket["id"] and raised["window_id"] == hall.windows["1"]
    assert "非常不满意" in raised["text"] and "等候时间长、服务态度不好" in raised["text"]
    assert ticket["number"] in raised["text"]


async def test_long_waits_and_long_pauses_are_raised_and_resolved_by_the_watch(
    watched: LiveServer, clock: ManualClock
) -> None:
    hall = await seed_hall(watched)
    supervisor = await watched.login(hall.supervisor_no, STAFF_PASSWORD)
    kiosk = watched.client(hall.kiosk_token)
    async with feed(watched, hall.hall_id, supervisor.token or "") as live:
        await kiosk.issue_ticket(hall.services["B"])  # B's target: 15 minutes
        clerk = await open_window(watched, hall, "1")
        await clerk.window_action(hall.windows["1"], "pause", {"reason": "会议"})
        clock.advance(16 * 60)  # the hall's pause threshold is 15 minutes too
        wait = (await live.until("alert.raised", lambda d: d["kind"] == "wait_over"))["data"]
        assert wait["service_id"] == hall.services["B"] and "社保医保" in wait["text"]
        assert "16 分钟" in wait["text"] and "15 分钟" in wait["text"]
        pause = (await live.until("alert.raised", lambda d: d["kind"] == "pause_long"))["data"]
        assert pause["window_id"] == hall.windows["1"] and "会议" in pause["text"]
        assert pause["level"] == "warn"
        await clerk.window_action(hall.windows["1"], "resume")
        ended = await live.until("alert.resolved", lambda d: d["kind"] == "pause_long")
        assert ended["data"]["alert_id"] == pause["alert_id"]
        await clerk.call_next(hall.windows["1"])  # nobody waits on B any more
        over = await live.until("alert.resolved", lambda d: d["kind"] == "wait_over")
        assert over["data"]["alert_id"] == wait["alert_id"]
    raised = [m for m in live.seen if m["type"] == "alert.raised"]
    assert raised == []  # each raised once, whatever the number of looks


async def test_a_device_not_heard_from_for_two_minutes_is_offline_and_raises_an_alert(
    watched: LiveServer, clock: ManualClock
) -> None:
    hall = await seed_hall(watched)
    supervisor = await watched.login(hall.supervisor_no, STAFF_PASSWORD)
    display = watched.client(hall.display_token)
    pad = watched.client(hall.window_device_tokens["1"])
    async with feed(watched, hall.hall_id, supervisor.token or "") as live:
        first = await display.request(
            "POST",
            "/devices/me/status",
            json={"status": "warning", "detail": "本机没有声音设备", "version": "0.1.0"},
        )
        assert first["online"] is True and first["version"] == "0.1.0"
        reported = (await live.until("device.status"))["data"]
        assert reported["kind"] == "display" and reported["version"] == "0.1.0"
        await pad.report_device_status("ok")
        await live.until("device.status", lambda d: d["kind"] == "window")
        clock.advance(60)
        # the pad's heartbeat: nothing changed, so no event, but it was seen
        await pad.report_device_status("ok")
        clock.advance(61)  # the display: 121 s without a word; the pad: 61 s
        offline = (await live.until("device.status", lambda d: not d["online"]))["data"]
        assert offline["kind"] == "display" and offline["status"] == "warning"
        alert = (await live.until("alert.raised", lambda d: d["kind"] == "device_offline"))["data"]
        assert alert["device_id"] == offline["device_id"] and "大厅主屏" in alert["text"]
        assert "离线" in alert["text"]
        devices = await supervisor.request("GET", f"/halls/{hall.hall_id}/devices")
        by_kind = {d["kind"]: d for d in devices if d["kind"] != "window"}
        by_kind["window"] = next(d for d in devices if d["label"].startswith("1号"))
        assert by_kind["display"]["online"] is False
        assert by_kind["display"]["version"] == "0.1.0"
        assert by_kind["display"]["detail"] == "本机没有声音设备"
        assert by_kind["window"]["online"] is True
        assert by_kind["kiosk"]["online"] is None  # never heard from: not installed yet
        # It comes back: online again, the alert resolved.
        await display.report_device_status("warning", detail="本机没有声音设备")
        back = (await live.until("device.status", lambda d: d["online"]))["data"]
        assert back["device_id"] == offline["device_id"]
        resolved = (await live.until("alert.resolved"))["data"]
        assert resolved["alert_id"] == alert["alert_id"]
    pad_events = [m for m in live.seen if m["type"] == "device.status"]
    assert pad_events == []  # the pad's heartbeat made no event


async def test_a_restarted_server_gives_devices_time_before_calling_them_offline(
    tmp_path: Path, clock: ManualClock
) -> None:
    """Devices heard from long ago (before the server stopped) are not offline the moment it
    starts again: each has the limit's time to report to the new process."""
    async with start_server(tmp_path, clock, alert_check_interval_s=3600) as live:
        hall = await seed_hall(live)
        await live.client(hall.kiosk_token).report_device_status("ok", printer="ok")
        clock.advance(3600)
        live.runtime.started_at = clock.now()  # as if the server had just started
        assert await watch_once(live.runtime) == 0
        clock.advance(119)
        assert await watch_once(live.runtime) == 0
        clock.advance(2)
        assert await watch_once(live.runtime) == 1
        devices = await live.admin.request("GET", f"/halls/{hall.hall_id}/devices")
        assert next(d for d in devices if d["kind"] == "kiosk")["online"] is False
        assert await watch_once(live.runtime) == 0  # marked once
