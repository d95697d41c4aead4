"""One server process's live feed: the hub of /ws subscribers, the relay that shares events
between processes (PostgreSQL), and the short-lived cache of hall snapshots.

It lives beside the Runtime (`app.state.feed`), not in it: the runtime (settings, clock,
engines, the writer) knows nothing of the feed, and the writer's commit callback hands the
committed events to `Feed.committed`.
"""

from __future__ import annotations

import asyncio
import time

from client.wire import SnapshotMessage
from server.domain.clock import SystemClock
from server.queries import live
from server.realtime.hub import Hub
from server.realtime.relay import PostgresRelay
from server.runtime import Runtime
from server.store.transaction import CommittedEvent


class Feed:
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.hub = Hub(runtime.settings.feed_queue_limit)
        self.hub.wall_clock = isinstance(runtime.clock, SystemClock)
        # On PostgreSQL, processes share the feed: every publication goes through the relay,
        # which reads the log in seq order. On SQLite (one process) events go straight out.
        listener = runtime.listener
        self.relay = None if listener is None else PostgresRelay(listener, self.hub, runtime.read)
        # hall id -> (monotonic time built, seq, the encoded snapshot message)
        self.snapshots: dict[int, tuple[float, int, str]] = {}
        self._building: dict[int, asyncio.Future[tuple[int, str]]] = {}

    async def start(self) -> None:
        if self.relay is not None:
            await self.relay.start()

    async def stop(self) -> None:
        if self.relay is not None:
            await self.relay.stop()
        self.hub.close_all()

    def committed(self, events: list[CommittedEvent]) -> None:
        """Called on the event loop once the events' transaction committed."""
        if self.relay is None:
            self.hub.publish(events)
        else:
            for hall_id in {e.hall_id for e in events}:
                self.relay.poke(hall_id)

    async def snapshot(self, hall_id: int) -> tuple[int, str]:
        """(seq, the hall's snapshot message), built at most once per `snapshot_ttl_s` per
        hall and shared by the clients connecting meanwhile (e.g. every screen after a
        restart)."""
        cached = self.snapshots.get(hall_id)
        ttl = self.runtime.settings.snapshot_ttl_s
        if cached is not None and time.monotonic() - cached[0] < ttl:
            return cached[1], cached[2]
        building = self._building.get(hall_id)
        if building is None or building.done():
            building = asyncio.ensure_future(self._build_snapshot(hall_id))
            self._building[hall_id] = building
        return await asyncio.shield(building)

    async def _build_snapshot(self, hall_id: int) -> tuple[int, str]:
        now = self.runtime.clock.now()
        seq, data = await self.runtime.read(lambda s: live.snapshot(s, hall_id, now))
        text = SnapshotMessage(seq=seq, at=now, data=data).model_dump_json()
        self.snapshots[hall_id] = (time.monotonic(), seq, text)
        return seq, text
