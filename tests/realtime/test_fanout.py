"""Fan-out: caught-up subscribers get each event's frame written straight to their socket;
one that replays, or whose socket is paused, gets it through its queue, in order, and only
goes direct again once that queue is empty (server/realtime/hub.py, direct.py)."""

from __future__ import annotations

import asyncio
import contextlib
import json
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

import websockets

from client.events import NoticeUpdated, WindowStatus
from server.queries import live
from server.realtime.direct import text_frame
from server.realtime.hub import Hub, encode
from server.store.job import call
from server.store.transaction import CommittedEvent, Tx
from tests.helpers import LiveServer, Seeded

AT = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)


class FakeSocket:
    """A socket that takes frames while `open`, and refuses them (paused) otherwise."""

    def __init__(self) -> None:
        self.writes: list[bytes] = []
        self.open = True

    def write(self, data: bytes) -> bool:
        if self.open:
            self.writes.append(data)
        return self.open

    @property
    def bytes(self) -> bytes:
        return b"".join(self.writes)


def event(seq: int, window_id: int | None = None) -> CommittedEvent:
    data: dict[str, Any] = {"text": str(seq), "window_id": window_id}
    return CommittedEvent(1, seq, "notice.updated", AT, data)


def frame_of(seq: int, window_id: int | None = None) -> bytes:
    e = event(seq, window_id)
    return text_frame(encode(e.seq, e.type, e.at, e.data))


def frames(*seqs: int | tuple[int, int]) -> bytes:
    return b"".join(frame_of(*s) if isinstance(s, tuple) else frame_of(s) for s in seqs)


def drain(hub_sub: Any) -> list[int]:
    """What the subscriber's sending task does: send everything queued, then go direct."""
    sent = []
    while not hub_sub.queue.empty():
        item = hub_sub.queue.get_nowait()
        assert item is not None
        sent.append(item[0])
    hub_sub.go_direct()
    return sent


def test_text_frame_is_one_unmasked_final_text_frame() -> None:
    short, long = text_frame("呼叫"), text_frame("x" * 300)
    assert short == bytes([0x81, 6]) + "呼叫".encode()
    assert long[:4] == bytes([0x81, 126, 1, 44]) and long[4:] == b"x" * 300


def test_the_hub_writes_direct_only_to_caught_up_subscribers_and_keeps_seq_order() -> None:
    hub = Hub(queue_limit=10)
    sub, socket = hub.subscribe(1), FakeSocket()
    sub.socket = socket
    hub.publish([event(1)])  # still replaying: queued, nothing written
    assert socket.writes == [] and sub.queue.qsize() == 1 and not sub.direct
    assert drain(sub) == [1] and sub.direct
    hub.publish([event(2), event(3)])  # one batch (one commit): one write
    assert socket.writes == [frames(2, 3)] and sub.queue.empty()
    socket.open = False  # the client stopped reading: paused
    hub.publish([event(4)])
    assert not sub.direct and sub.queue.qsize() == 1
    socket.open = True  # writable again, but event 4 is still queued: 5 must wait behind it
    hub.publish([event(5)])
    assert len(socket.writes) == 1 and drain(sub) == [4, 5] and sub.direct
    hub.publish([event(6)])
    assert socket.bytes == frames(2, 3, 6)
    assert hub.direct_writes == 3


def test_events_its_catch_up_sent_already_are_not_written_again() -> None:
    """On PostgreSQL the relay publishes after the commit: a subscriber's catch-up can read
    an event from the log before the hub publishes it."""
    hub = Hub()
    sub, socket = hub.subscribe(1), FakeSocket()
    sub.socket, sub.last_sent = socket, 5  # replayed up to 5, queue empty
    sub.go_direct()
    hub.publish([event(seq) for seq in range(3, 8)])
    assert socket.bytes == frames(6, 7) and sub.last_sent == 7


def test_window_filtering_applies_to_direct_writes() -> None:
    hub = Hub()
    mine, other = hub.subscribe(1, window_id=7), hub.subscribe(1, window_id=8)
    sockets = FakeSocket(), FakeSocket()
    for sub, socket in zip((mine, other), sockets, strict=True):
        sub.socket = socket
        sub.go_direct()
    hub.publish([event(1, 7), event(2, 8), event(3)])
    assert sockets[0].bytes == frames((1, 7), 3)
    assert sockets[1].bytes == frames((2, 8), 3)
    hub.publish([event(4, 8)])
    assert sockets[0].bytes == frames((1, 7), 3) and sockets[1].bytes.endswith(frame_of(4, 8))


def test_a_batch_of_several_halls_goes_to_each_halls_subscribers_in_one_write() -> None:
    hub = Hub()
    one, two = hub.subscribe(1), hub.subscribe(2)
    sockets = FakeSocket(), FakeSocket()
    for sub, socket in zip((one, two), sockets, strict=True):
        sub.socket = socket
        sub.go_direct()
    other = CommittedEvent(2, 1, "notice.updated", AT, {"text": "二"})
    hub.publish([event(1), other, event(2)])
    assert sockets[0].writes == [frames(1, 2)]
    assert sockets[1].writes == [text_frame(encode(1, other.type, AT, other.data))]
    assert hub.published == 3 and hub.direct_writes == 3


def test_a_paused_subscriber_overflows_alone() -> None:
    hub = Hub(queue_limit=3)
    slow, fast = hub.subscribe(1), hub.subscribe(1)
    slow_socket, fast_socket = FakeSocket(), FakeSocket()
    closed = []
    slow.on_overflow = lambda: closed.append(True)
    for sub, socket in ((slow, slow_socket), (fast, fast_socket)):
        sub.socket = socket
        sub.go_direct()
    slow_socket.open = False
    hub.publish([event(seq) for seq in range(1, 6)])
    assert slow.overflowed and slow.ended and closed == [True] and slow_socket.writes == []
    assert fast_socket.bytes == frames(1, 2, 3, 4, 5) and hub.overflows == 1
    slow_socket.open = True
    hub.publish([event(6)])  # an ended subscriber is sent nothing more, not even direct
    assert slow_socket.writes == [] and fast_socket.bytes == frames(1, 2, 3, 4, 5, 6)
    slow.go_direct()
    assert not slow.direct


# --- through a real server ---------------------------------------------------------------


def ws_url(server: LiveServer, **params: Any) -> str:
    return server.base_url.replace("http", "ws", 1) + "/ws?" + urlencode(params)


async def emit(server: LiveServer, hall: Seeded, batch: list[int | None], text: str = "") -> None:
    """One transaction: a notice for each None, a window.status for each window id."""
    server.accept_jobs_of(__name__)
    await server.runtime.write(call(emit_batch, hall.hall_id, batch, text))


def emit_batch(tx: Tx, hall_id: int, batch: list[int | None], text: str) -> None:
    """`emit`'s writer job (module-level: writer jobs pickle)."""
    tx.lock_hall(hall_id)
    for window_id in batch:
        if window_id is None:
            tx.emit(hall_id, NoticeUpdated(text=text or "通知"))
        else:
            tx.emit(
                hall_id,
                WindowStatus(window_id=window_id, window_number=str(window_id), state="open"),
            )


async def collect(ws: websockets.ClientConnection, until: int) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = []
    async with asyncio.timeout(30):
        while not messages or messages[-1]["seq"] < until:
            messages.append(json.loads(await ws.recv()))
    return messages


async def test_every_subscriber_gets_every_event_once_in_order(
    server: LiveServer, hall: Seeded
) -> None:
    one, two = hall.windows["1"], hall.windows["2"]
    urls = [ws_url(server, hall_id=hall.hall_id, token=hall.display_token)] * 12 + [
        ws_url(server, hall_id=hall.hall_id, token=hall.display_token, window_id=one)
    ] * 4
    async with contextlib.AsyncExitStack() as stack:
        sockets = [await stack.enter_async_context(websockets.connect(url)) for url in urls]
        snapshots = [json.loads(await ws.recv()) for ws in sockets]
        start = max(s["seq"] for s in snapshots)
        assert {s["type"] for s in snapshots} == {"snapshot"} and start == snapshots[0]["seq"]
        pattern: list[int | None] = [None, one, two, None, two]
        for _ in range(40):  # 200 events in 40 commits, published while the screens read
            await emit(server, hall, pattern)
        # the log says what each must get (the queue-counts loop may add its own events)
        logged = await server.runtime.read(
            lambda s: [
                (e.seq, e.data.get("window_id"))
                for e in live.events_after(s, hall.hall_id, start, 1000)
            ]
        )
        expected_all = [seq for seq, _ in logged]
        expected_one = [seq for seq, window in logged if window in (None, one)]
        assert len(expected_all) >= 200 and len(expected_all) - len(expected_one) == 80
        for i, ws in enumerate(sockets):
            expected = expected_all if i < 12 else expected_one
            seqs = [m["seq"] for m in await collect(ws, expected[-1])]
            assert seqs == expected, f"subscriber {i}"
    # every delivery but the first few of each screen (its queue drained) went direct
    assert server.feed.hub.direct_writes >= 0.9 * (12 * 200 + 4 * 120)


async def test_a_replaying_subscriber_gets_live_events_only_after_its_replay(
    server: LiveServer, hall: Seeded
) -> None:
    url = ws_url(server, hall_id=hall.hall_id, token=hall.display_token)
    async with websockets.connect(url) as screen:
        since = json.loads(await screen.recv())["seq"]
        await emit(server, hall, [None] * 2500, "补")  # 2,500 to replay: three reads of the log
        # published (on PostgreSQL the relay publishes after the commit): the replaying
        # subscriber's queue gets only what comes next
        screen_seqs = [m["seq"] for m in await collect(screen, since + 2500)]
        before = set(server.feed.hub.subscriptions(hall.hall_id))
        peak, commits = [0], [0]
        stop = asyncio.Event()

        async def emitter() -> None:  # live events committed all through the replay
            while not stop.is_set():
                await emit(server, hall, [None, hall.windows["1"]])
                commits[0] += 1
                await asyncio.sleep(0.002)

        async def watch() -> None:
            while not stop.is_set():
                for sub in set(server.feed.hub.subscriptions(hall.hall_id)) - before:
                    peak[0] = max(peak[0], sub.queue.qsize())
                await asyncio.sleep(0.001)

        tasks = [asyncio.create_task(emitter()), asyncio.create_task(watch())]
        async with websockets.connect(
            ws_url(server, hall_id=hall.hall_id, token=hall.display_token, since=since)
        ) as replaying:
            first = json.loads(await replaying.recv())
            async with asyncio.timeout(30):
                while commits[0] < 30:
                    await asyncio.sleep(0.01)
            stop.set()
            await asyncio.gather(*tasks)
            end = await server.runtime.read(lambda s: live.last_seq(s, hall.hall_id))
            seqs = [first["seq"]] + [m["seq"] for m in await collect(replaying, end)]
            screen_seqs += [m["seq"] for m in await collect(screen, end)]
    assert seqs == list(range(since + 1, end + 1)), "gap, repeat or live event before replay end"
    assert screen_seqs == list(range(since + 1, end + 1))
    assert peak[0] > 0, "no live event was published during the replay: the test tested nothing"
    assert server.feed.hub.direct_writes > 0
