"""A subscriber that stops reading never loses an event and never holds up the others.

The screen stops reading while 12 MB of events flow (so the socket buffers fill
and the server's queue for it overflows); the server drops what it queued for it and closes
it with 4408; once it reads again, the client library reconnects with the last seq it really
received and gets every event once and in order (replayed from the log), or a snapshot when
it fell further behind than the server replays.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from client.events import NoticeUpdated
from client.live import LiveFeed
from client.wire import LiveMessage, SnapshotMessage
from server.domain.clock import ManualClock
from server.store.job import call
from server.store.transaction import Tx
from tests.helpers import LiveServer, seed_hall, start_server

EVENTS = 6_000
PAD = "政" * 700  # ~2 KB a message: 12 MB in all, several times what the socket buffers hold
QUEUE_LIMIT = 500


async def flood(server: LiveServer, hall_id: int, count: int, per_commit: int = 250) -> None:
    server.accept_jobs_of(__name__)
    for start in range(0, count, per_commit):
        await server.runtime.write(call(notices, hall_id, start, min(start + per_commit, count)))


def notices(tx: Tx, hall_id: int, start: int, stop: int) -> None:
    """`flood`'s writer job: notices start..stop-1 in one transaction."""
    tx.lock_hall(hall_id)
    for i in range(start, stop):
        tx.emit(hall_id, NoticeUpdated(text=f"{i}:{PAD}"))


async def watch_queues(server: LiveServer, hall_id: int, peak: list[int]) -> None:
    while True:
        sizes = [s.queue.qsize() for s in server.feed.hub.subscriptions(hall_id)]
        peak[0] = max([peak[0], *sizes])
        await asyncio.sleep(0.005)


class Reader:
    """Follows the feed through the client library; `paused` stops it pulling messages."""

    def __init__(self, server: LiveServer, hall_id: int, token: str) -> None:
        self.feed = LiveFeed(server.base_url, hall_id=hall_id, token=token, reconnect_delay=0.05)
        self.messages: list[LiveMessage | SnapshotMessage] = []
        self.running = asyncio.Event()
        self.running.set()
        self.task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        async for message in self.feed:
            self.messages.append(message)
            await self.running.wait()

    def notices(self) -> list[int]:
        return [
            int(m.data.text.split(":", 1)[0])
            for m in self.messages
            if isinstance(m, LiveMessage) and isinstance(m.data, NoticeUpdated)
        ]

    async def wait_for(self, count: int, timeout: float = 120) -> None:
        async with asyncio.timeout(timeout):
            while len(self.notices()) < count:
                await asyncio.sleep(0.05)

    async def close(self) -> None:
        await self.feed.close()
        self.task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self.task


@contextlib.asynccontextmanager
async def flooded_hall(
    tmp_path: Path, replay_limit: int
) -> AsyncIterator[tuple[LiveServer, Reader, Reader, int]]:
    clock = ManualClock(__import__("tests.helpers").helpers.HALL_OPENING)
    async with start_server(
        tmp_path, clock, replay_limit=replay_limit, feed_queue_limit=QUEUE_LIMIT
    ) as server:
        hall = await seed_hall(server)
        fast = Reader(server, hall.hall_id, hall.display_token)
        slow = Reader(server, hall.hall_id, hall.display_token)
        async with asyncio.timeout(10):
            while not (fast.messages and slow.messages):
                await asyncio.sleep(0.02)
        slow.running.clear()  # the slow screen freezes after its snapshot
        peak = [0]
        watcher = asyncio.create_task(watch_queues(server, hall.hall_id, peak))
        try:
            await flood(server, hall.hall_id, EVENTS)
            await fast.wait_for(EVENTS)
            assert server.feed.hub.overflows >= 1, "the frozen screen was never closed"
            # the screens were caught up: events went straight to their sockets until the
            # frozen one's socket paused and its queue overflowed
            assert server.feed.hub.direct_writes > 0
            assert peak[0] <= QUEUE_LIMIT, f"a subscriber queue grew to {peak[0]}"
            slow.running.set()
            yield server, fast, slow, hall.hall_id
        finally:
            watcher.cancel()
            await fast.close()
            await slow.close()


def contiguous(reader: Reader) -> list[int]:
    seqs = [m.seq for m in reader.messages if isinstance(m, LiveMessage)]
    assert len(seqs) == len(set(seqs)), "an event was delivered twice"
    assert seqs == sorted(seqs), "events out of order"
    return seqs


@pytest.mark.timeout(300)  # 12 MB through the event log: minutes on a loaded machine
async def test_a_frozen_screen_resumes_with_every_event_once_in_order(tmp_path: Path) -> None:
    async with flooded_hall(tmp_path, replay_limit=100_000) as (_, fast, slow, _):
        await slow.wait_for(EVENTS)
        assert fast.notices() == list(range(EVENTS))
        assert slow.notices() == list(range(EVENTS)), "the slow screen lost or repeated events"
        assert slow.feed.reconnects >= 1
        seqs = contiguous(slow)
        assert seqs == list(range(seqs[0], seqs[0] + len(seqs))), "a gap in the slow screen's feed"


@pytest.mark.timeout(300)
async def test_a_screen_too_far_behind_gets_a_snapshot_then_everything_after(
    tmp_path: Path,
) -> None:
    async with flooded_hall(tmp_path, replay_limit=1_000) as (server, _, slow, hall_id):
        async with asyncio.timeout(60):
            while sum(isinstance(m, SnapshotMessage) for m in slow.messages) < 2:
                await asyncio.sleep(0.05)
        await flood(server, hall_id, 10)  # after the resync, live again
        async with asyncio.timeout(30):
            while slow.notices()[-1:] != [9]:
                await asyncio.sleep(0.05)
        resync = [i for i, m in enumerate(slow.messages) if isinstance(m, SnapshotMessage)][1]
        before, after = slow.messages[:resync], slow.messages[resync:]
        snapshot = after[0]
        seqs_before = [m.seq for m in before]
        assert seqs_before == list(range(seqs_before[0], seqs_before[0] + len(seqs_before)))
        seqs_after = [m.seq for m in after]
        assert seqs_after == list(range(snapshot.seq, snapshot.seq + len(seqs_after)))
        assert slow.notices()[-10:] == list(range(10))
