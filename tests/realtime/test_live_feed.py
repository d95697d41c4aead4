"""The live feed over a real WebSocket: snapshot, replay after a disconnect, auth refusals."""

from __future__ import annotations

import asyncio
import json
from typing import Any
from urllib.parse import urlencode

import pytest
import websockets

from client.errors import Forbidden, Unauthorized
from client.events import TicketIssued
from client.live import LiveFeed
from client.wire import LiveMessage, SnapshotMessage
from tests.helpers import LiveServer, Seeded, open_window, seed_hall


def ws_url(server: LiveServer, **params: Any) -> str:
    return server.base_url.replace("http", "ws", 1) + "/ws?" + urlencode(params)


async def receive(ws: websockets.ClientConnection, timeout: float = 5) -> dict[str, Any]:
    message: dict[str, Any] = json.loads(await asyncio.wait_for(ws.recv(), timeout))
    return message


async def test_snapshot_first_then_live_events_in_order(server: LiveServer, hall: Seeded) -> None:
    kiosk = server.client(hall.kiosk_token)
    await kiosk.issue_ticket(hall.services["A"])
    clerk = await open_window(server, hall, "1")
    async with websockets.connect(
        ws_url(server, hall_id=hall.hall_id, token=hall.display_token)
    ) as ws:
        snapshot = await receive(ws)
        assert snapshot["type"] == "snapshot"
        SnapshotMessage.model_validate(snapshot)
        services = {s["prefix"]: s["waiting"] for s in snapshot["data"]["services"]}
        assert services == {"A": 1, "B": 0}
        window = next(w for w in snapshot["data"]["windows"] if w["window_number"] == "1")
        assert window["state"] == "open" and window["staff_no"] == hall.staff["1"]
        called = await clerk.call_next(hall.windows["1"])
        assert called is not None
        seqs = []
        message = await receive(ws)
        seqs.append(message["seq"])
        while message["type"] == "queue.counts":
            message = await receive(ws)
            seqs.append(message["seq"])
        assert message["type"] == "ticket.called"
        assert seqs == list(range(snapshot["seq"] + 1, snapshot["seq"] + 1 + len(seqs)))
        data = message["data"]
        assert data["ticket_id"] == called["id"] and data["number"] == "A001"
        assert data["window_id"] == hall.windows["1"] and data["window_number"] == "1"
        assert message["at"].endswith("Z")
        LiveMessage.model_validate(message)


async def test_reconnect_with_last_seq_replays_every_missed_event_once(
    server: LiveServer, hall: Seeded
) -> None:
    kiosk = server.client(hall.kiosk_token)
    clerk = await open_window(server, hall, "1")
    async with websockets.connect(
        ws_url(server, hall_id=hall.hall_id, token=hall.display_token)
    ) as ws:
        last_seq = (await receive(ws))["seq"]
    # while disconnected: 5 tickets issued, 2 called and handled
    for _ in range(5):
        await kiosk.issue_ticket(hall.services["A"])
    for _ in range(2):
        t = await clerk.call_next(hall.windows["1"])
        assert t is not None
        await clerk.ticket_action(t["id"], "start")
        await clerk.ticket_action(t["id"], "finish", {"outcome": "done"})
    url = ws_url(server, hall_id=hall.hall_id, token=hall.display_token, since=last_seq)
    async with websockets.connect(url) as ws:
        missed = []
        while True:
            try:
                missed.append(await receive(ws, timeout=1.5))
            except TimeoutError:
                break
    seqs = [m["seq"] for m in missed]
    assert seqs == list(range(last_seq + 1, last_seq + 1 + len(seqs))), "gap or duplicate"
    ticket_types = [m["type"] for m in missed if m["type"] != "queue.counts"]
    assert (
        ticket_types
        == ["ticket.issued"] * 5 + ["ticket.called", "ticket.serving", "ticket.finished"] * 2
    )


async def test_client_library_resyncs_after_the_connection_drops(
    server: LiveServer, hall: Seeded
) -> None:
    kiosk = server.client(hall.kiosk_token)
    seen: list[LiveMessage | SnapshotMessage] = []
    feed = LiveFeed(
        server.base_url, hall_id=hall.hall_id, token=hall.display_token, reconnect_delay=0.05
    )

    async def consume() -> None:
        async for message in feed:
            seen.append(message)

    task = asyncio.create_task(consume())
    for _ in range(100):  # the first snapshot is in: from now on the feed resumes by seq
        if seen:
            break
        await asyncio.sleep(0.05)
    assert isinstance(seen[0], SnapshotMessage)
    await kiosk.issue_ticket(hall.services["A"])
    await feed.drop_connection()
    # issued while the feed is down or reconnecting
    for _ in range(3):
        await kiosk.issue_ticket(hall.services["B"])
    for _ in range(100):
        numbers = [
            m.data.number
            for m in seen
            if isinstance(m, LiveMessage) and isinstance(m.data, TicketIssued)
        ]
        if len(numbers) == 4:
            break
        await asyncio.sleep(0.05)
    await feed.close()
    task.cancel()
    assert numbers == ["A001", "B001", "B002", "B003"]
    assert feed.reconnects >= 1
    live_seqs = [m.seq for m in seen if isinstance(m, LiveMessage)]
    assert live_seqs == sorted(set(live_seqs))


async def test_too_old_since_gets_a_snapshot(server: LiveServer, hall: Seeded) -> None:
    server.settings.replay_limit = 3
    kiosk = server.client(hall.kiosk_token)
    for _ in range(6):
        await kiosk.issue_ticket(hall.services["A"])
    async with websockets.connect(
        ws_url(server, hall_id=hall.hall_id, token=hall.display_token, since=0)
    ) as ws:
        first = await receive(ws)
    assert first["type"] == "snapshot" and first["seq"] >= 6
    assert {s["prefix"]: s["waiting"] for s in first["data"]["services"]}["A"] == 6


async def test_window_subscription_skips_other_windows(server: LiveServer, hall: Seeded) -> None:
    kiosk = server.client(hall.kiosk_token)
    await kiosk.issue_ticket(hall.services["A"])
    await kiosk.issue_ticket(hall.services["A"])
    one = await open_window(server, hall, "1")
    two = await open_window(server, hall, "2")
    url = ws_url(
        server,
        hall_id=hall.hall_id,
        token=hall.window_device_tokens["1"],
        window_id=hall.windows["1"],
    )
    async with websockets.connect(url) as ws:
        await receive(ws)  # snapshot
        await two.call_next(hall.windows["2"])
        await one.call_next(hall.windows["1"])
        message = await receive(ws)
        while message["type"] == "queue.counts":
            message = await receive(ws)
    assert message["type"] == "ticket.called" and message["data"]["window_id"] == hall.windows["1"]


@pytest.mark.parametrize(
    ("token_kind", "code"),
    [("none", 4401), ("forged", 4401), ("other_hall", 4403)],
)
async def test_feed_refuses_bad_credentials(
    server: LiveServer, hall: Seeded, token_kind: str, code: int
) -> None:
    other = await seed_hall(server, code="H9", windows={"1": ["A"]})
    token = {"none": "", "forged": "gqd_not-a-token", "other_hall": other.display_token}[token_kind]
    async with websockets.connect(ws_url(server, hall_id=hall.hall_id, token=token)) as ws:
        error = await receive(ws)
        with pytest.raises(websockets.ConnectionClosed):
            await receive(ws)
    assert error["type"] == "error" and error["detail"]
    assert ws.close_code == code


async def test_client_library_raises_typed_errors(server: LiveServer, hall: Seeded) -> None:
    other = await seed_hall(server, code="H8", windows={"1": ["A"]})
    with pytest.raises(Unauthorized):
        async for _ in LiveFeed(server.base_url, hall_id=hall.hall_id, token="gqd_wrong"):
            pass
    with pytest.raises(Forbidden):
        async for _ in LiveFeed(server.base_url, hall_id=hall.hall_id, token=other.kiosk_token):
            pass


async def test_queue_counts_are_coalesced(server: LiveServer, hall: Seeded) -> None:
    server.settings.queue_counts_interval_s = 0.2
    kiosk = server.client(hall.kiosk_token)
    async with websockets.connect(
        ws_url(server, hall_id=hall.hall_id, token=hall.display_token)
    ) as ws:
        await receive(ws)
        for _ in range(5):
            await kiosk.issue_ticket(hall.services["B"])
        counts = []
        for _ in range(20):
            message = await receive(ws)
            if message["type"] == "queue.counts":
                counts.append(message)
                if {s["prefix"]: s["waiting"] for s in message["data"]["services"]}["B"] == 5:
                    break
    assert counts and len(counts) < 5


async def test_a_shared_snapshot_is_followed_by_what_happened_since(
    server: LiveServer, hall: Seeded
) -> None:
    """Screens connecting together share one snapshot; one that gets it a moment late still
    receives the events committed after it, so nothing is missed."""
    server.settings.snapshot_ttl_s = 60
    kiosk = server.client(hall.kiosk_token)
    url = ws_url(server, hall_id=hall.hall_id, token=hall.display_token)
    async with websockets.connect(url) as first:
        snapshot = await receive(first)
        issued = await kiosk.issue_ticket(hall.services["A"])
        async with websockets.connect(url) as second:  # within the snapshot's second
            again = await receive(second)
            assert again["type"] == "snapshot" and again["seq"] == snapshot["seq"]
            message = await receive(second)
            assert message["seq"] == snapshot["seq"] + 1
            assert (
                message["type"] == "ticket.issued" and message["data"]["ticket_id"] == issued["id"]
            )
    many = await asyncio.gather(*(_first_message(url) for _ in range(20)))
    assert {m["type"] for m in many} == {"snapshot"} and len({m["seq"] for m in many}) <= 2


async def _first_message(url: str) -> dict[str, Any]:
    async with websockets.connect(url) as ws:
        return await receive(ws)


@pytest.mark.parametrize(
    "params",
    [
        {"hall_id": 2**63},
        {"hall_id": 2**31},
        {"hall_id": -1},
        {"hall_id": "abc"},
        {"hall_id": 1, "since": 2**64},
        {"hall_id": 1, "window_id": 2**63},
    ],
)
async def test_out_of_range_ids_are_refused_with_a_code(
    server: LiveServer, hall: Seeded, params: dict[str, Any]
) -> None:
    async with websockets.connect(ws_url(server, token=hall.display_token, **params)) as ws:
        error = await receive(ws)
        with pytest.raises(websockets.ConnectionClosed):
            await receive(ws)
    assert error == {"type": "error", "code": "invalid_input", "detail": error["detail"]}
    assert "hall_id" in error["detail"]
    assert ws.close_code == 4400


async def test_every_connection_and_every_loss_is_told_in_order(
    server: LiveServer, hall: Seeded
) -> None:
    """A connection that opens and drops again at once is told too (the kiosk's and the hall
    screen's 连接中断 shows from it): the apps once looked every 0.2 s and missed such a loss,
    showing 已连接 while the feed was down."""
    told: list[bool] = []
    opened = asyncio.Event()

    def on_connection(connected: bool) -> None:
        told.append(connected)
        if connected:
            opened.set()

    feed = LiveFeed(
        server.base_url,
        hall_id=hall.hall_id,
        token=hall.display_token,
        reconnect_delay=0.01,
        on_connection=on_connection,
    )

    async def follow() -> None:
        async for _ in feed:
            pass

    task = asyncio.create_task(follow())
    for _ in range(3):  # dropped as soon as it is open, three times
        await asyncio.wait_for(opened.wait(), 10)
        opened.clear()
        await feed.drop_connection()
    await asyncio.wait_for(opened.wait(), 10)
    await feed.close()
    await asyncio.wait_for(task, 10)
    assert told == [True, False, True, False, True, False, True]  # closing is not a loss
    assert feed.reconnects == 3
