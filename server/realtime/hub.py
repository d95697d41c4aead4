"""In-process fan-out of committed events to the WebSocket subscribers of each hall.

Each event is serialised once and shared by every subscriber. A subscriber that is caught
up (its sending task idle, its queue empty, its socket accepting writes) gets the event's
frame written straight to its socket, in the publishing loop (`direct.py`): no task of its
own wakes up. Every other one (replaying what it missed, or whose socket is paused because
it does not read) gets the event through its queue, which its task empties in seq order;
it goes direct again only once its queue is empty. A subscriber's queue holds at
most `queue_limit` events. One that falls further behind (a frozen screen, a stalled
network) is never sent anything past the gap: everything still queued for it is dropped at
once, its connection is closed with 4408, and it reconnects with the last seq it really
received and resyncs from the event log (or from a snapshot when too far behind). So a slow
screen never loses an event, never holds up the others, and never grows the server's memory.
"""

from __future__ import annotations

import asyncio
import functools
import json
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from server.realtime.direct import FrameSink, text_frame
from server.store.hot import encode_json
from server.store.timings import Timings
from server.store.transaction import CommittedEvent

DEFAULT_QUEUE_LIMIT = 2000

Item = tuple[int, str] | None  # (seq, encoded message), or None: stop sending


def encode(
    seq: int, type_: str, at: datetime, data: dict[str, Any], data_json: str | None = None
) -> str:
    """The event's message on the feed: what json.dumps of {seq, type, at, data} gives
    (compact, ensure_ascii=False), put together around the data's JSON — `data_json` when the
    writer already encoded it for the log, encoded here otherwise."""
    if data_json is None:
        data_json = encode_json(data)
    at_text = at.isoformat().replace("+00:00", "Z")
    # an instant's ISO text needs no escaping; the type is quoted as json.dumps quotes it
    return f'{{"seq":{int(seq)},"type":{_quoted(type_)},"at":"{at_text}","data":{data_json}}}'


@functools.lru_cache(maxsize=256)
def _quoted(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def visible_to(window_id: int | None, data: dict[str, Any]) -> bool:
    """A subscriber that follows one window skips events about other windows."""
    if window_id is None:
        return True
    other = data.get("window_id")
    return other is None or other == window_id


class Outgoing:
    """One event on its way out: its message, encoded once, and its frame, built once when a
    subscriber is written to directly."""

    __slots__ = ("_frame", "data", "item", "seq")

    def __init__(self, event: CommittedEvent) -> None:
        self.seq = event.seq
        self.data = event.data
        self.item = (
            event.seq,
            encode(event.seq, event.type, event.at, event.data, event.data_json),
        )
        self._frame: bytes | None = None

    def frame(self) -> bytes:
        if self._frame is None:
            self._frame = text_frame(self.item[1])
        return self._frame


@dataclass(eq=False)
class Subscription:
    hall_id: int
    window_id: int | None
    limit: int = DEFAULT_QUEUE_LIMIT
    queue: asyncio.Queue[Item] = field(default_factory=asyncio.Queue)
    overflowed: bool = False
    resync: bool = False  # asked to reconnect and resume from the log (Hub.resync_all)
    ended: bool = False
    on_overflow: Callable[[], object] | None = None  # stop sending now (overflow, resync)
    # Its socket, when events may be written to it straight from `Hub.publish`; `direct` is
    # true while that is allowed: set by its sending task when it has sent everything and
    # waits on an empty queue, cleared as soon as an event has to go through the queue.
    socket: FrameSink | None = None
    direct: bool = False
    # The last seq sent (replayed, from the queue, or direct): an event published after the
    # catch-up read it from the log (the relay publishes after the commit) is not sent again.
    last_sent: int = 0

    def go_direct(self) -> None:
        """Called by the sending task when everything queued so far has been sent."""
        if self.socket is not None and not self.ended and self.queue.empty():
            self.direct = True

    def offer(self, item: tuple[int, str]) -> None:
        self.direct = False
        if self.ended:
            return
        if self.queue.qsize() >= self.limit:
            self.overflow()
            return
        self.queue.put_nowait(item)

    def overflow(self) -> None:
        """Fell too far behind: send nothing more (no gap is ever sent), close the connection."""
        self.overflowed = True
        while not self.queue.empty():
            self.queue.get_nowait()
        self.end()
        if self.on_overflow is not None:
            self.on_overflow()

    def ask_to_resync(self) -> None:
        """The server cannot vouch for what it published (its writer was restarted): send
        nothing more and close; the client reconnects with its last seq and the catch-up
        reads the log."""
        self.resync = True
        while not self.queue.empty():
            self.queue.get_nowait()
        self.end()
        if self.on_overflow is not None:
            self.on_overflow()

    def end(self) -> None:
        self.direct = False
        if not self.ended:
            self.ended = True
            self.queue.put_nowait(None)


class Hub:
    def __init__(self, queue_limit: int = DEFAULT_QUEUE_LIMIT) -> None:
        self._subs: dict[int, set[Subscription]] = defaultdict(set)
        self.queue_limit = queue_limit
        self.published = 0
        self.overflows = 0
        self.direct_writes = 0
        # monitoring (/metrics): calls published per hall, and how long after the call was
        # made each reached the screens' connections, when events carry wall-clock time
        self.calls: dict[int, int] = defaultdict(int)
        self.call_delivery = Timings()
        self.wall_clock = False

    def subscribe(self, hall_id: int, window_id: int | None = None) -> Subscription:
        sub = Subscription(hall_id, window_id, self.queue_limit)
        self._subs[hall_id].add(sub)
        return sub

    def unsubscribe(self, sub: Subscription) -> None:
        self._subs[sub.hall_id].discard(sub)

    def subscriber_count(self, hall_id: int | None = None) -> int:
        if hall_id is not None:
            return len(self._subs.get(hall_id, ()))
        return sum(len(s) for s in self._subs.values())

    def subscriptions(self, hall_id: int) -> list[Subscription]:
        return list(self._subs.get(hall_id, ()))

    def publish(self, events: Iterable[CommittedEvent]) -> None:
        """Called on the event loop after the events' transaction committed: one batch of the
        writer (several transactions), or what the relay read from the log; in seq order per
        hall. A direct subscriber gets all of a batch's events it may see in one write."""
        by_hall: dict[int, list[CommittedEvent]] = {}
        for event in events:
            self.published += 1
            by_hall.setdefault(event.hall_id, []).append(event)
            if event.type == "ticket.called":
                self._called(event)
        for hall_id, hall_events in by_hall.items():
            subs = self._subs.get(hall_id)
            if subs:
                self._fan_out(subs, [Outgoing(event) for event in hall_events])

    def _called(self, event: CommittedEvent) -> None:
        self.calls[event.hall_id] += 1
        if self.wall_clock:  # `at` is when the window's request handed the call over
            self.call_delivery.observe(max(0.0, time.time() - event.at.timestamp()))

    def _fan_out(self, subs: Iterable[Subscription], batch: list[Outgoing]) -> None:
        direct = 0
        for sub in subs:
            if sub.ended:
                continue
            mine = batch
            if sub.window_id is not None:
                mine = [o for o in batch if visible_to(sub.window_id, o.data)]
                if not mine:
                    continue
            if sub.direct:
                if mine[0].seq <= sub.last_sent:  # its catch-up read these from the log already
                    mine = [o for o in mine if o.seq > sub.last_sent]
                    if not mine:
                        continue
                data = mine[0].frame() if len(mine) == 1 else b"".join(o.frame() for o in mine)
                if sub.socket is not None and sub.socket.write(data):
                    sub.last_sent = mine[-1].seq
                    direct += len(mine)
                    continue
            for outgoing in mine:  # replaying, paused or closing: through its queue, in order
                sub.offer(outgoing.item)
            if sub.overflowed:
                self.overflows += 1
        self.direct_writes += direct

    def resync_all(self) -> int:
        """Ask every subscriber to reconnect and resume from the log; how many there were."""
        subs = [sub for subs in self._subs.values() for sub in subs if not sub.ended]
        for sub in subs:
            sub.ask_to_resync()
        return len(subs)

    def close_all(self) -> None:
        for subs in self._subs.values():
            for sub in subs:
                sub.end()
