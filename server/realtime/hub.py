"""In-process fan-out of committed events to the WebSocket subscribers of each hall.

Each event is serialised once; every subscriber has a bounded queue. A subscriber that
cannot keep up is dropped (its connection closes), reconnects with its last seq and
resyncs from the event log, so a slow screen never holds up the others.
"""

from __future__ import annotations

import asyncio
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from server.store.transaction import CommittedEvent

QUEUE_LIMIT = 10_000


def encode(seq: int, type_: str, at: datetime, data: dict[str, Any]) -> str:
    return json.dumps(
        {"seq": seq, "type": type_, "at": at.isoformat().replace("+00:00", "Z"), "data": data},
        ensure_ascii=False,
        separators=(",", ":"),
    )


def visible_to(window_id: int | None, data: dict[str, Any]) -> bool:
    """A subscriber that follows one window skips events about other windows."""
    if window_id is None:
        return True
    other = data.get("window_id")
    return other is None or other == window_id


@dataclass(eq=False)
class Subscription:
    hall_id: int
    window_id: int | None
    queue: asyncio.Queue[tuple[int, str] | None] = field(
        default_factory=lambda: asyncio.Queue(QUEUE_LIMIT)
    )
    overflowed: bool = False


class Hub:
    def __init__(self) -> None:
        self._subs: dict[int, set[Subscription]] = defaultdict(set)
        self.published = 0

    def subscribe(self, hall_id: int, window_id: int | None = None) -> Subscription:
        sub = Subscription(hall_id, window_id)
        self._subs[hall_id].add(sub)
        return sub

    def unsubscribe(self, sub: Subscription) -> None:
        self._subs[sub.hall_id].discard(sub)

    def subscriber_count(self, hall_id: int | None = None) -> int:
        if hall_id is not None:
            return len(self._subs.get(hall_id, ()))
        return sum(len(s) for s in self._subs.values())

    def publish(self, events: Iterable[CommittedEvent]) -> None:
        """Called on the event loop after the events' transaction committed."""
        for event in events:
            self.published += 1
            subs = self._subs.get(event.hall_id)
            if not subs:
                continue
            message = encode(event.seq, event.type, event.at, event.data)
            for sub in subs:
                if sub.overflowed or not visible_to(sub.window_id, event.data):
                    continue
                try:
                    sub.queue.put_nowait((event.seq, message))
                except asyncio.QueueFull:
                    sub.overflowed = True
                    sub.queue.get_nowait()  # make room for the close marker
                    sub.queue.put_nowait(None)

    def close_all(self) -> None:
        for subs in self._subs.values():
            for sub in subs:
                try:
                    sub.queue.put_nowait(None)
                except asyncio.QueueFull:
                    sub.queue.get_nowait()
                    sub.queue.put_nowait(None)
