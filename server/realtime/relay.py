"""Sharing the live feed between server processes through PostgreSQL LISTEN/NOTIFY.

Every transaction that appends to a hall's event log also runs `pg_notify('govqueue_events',
hall_id)`; PostgreSQL delivers it to every listening process after the commit, in commit
order. A process does not trust the notification's content: on each poke (its own commit or
another process's notification) it reads the hall's events after the last one it published
from the log and publishes them in seq order. So every process's subscribers see every
event, in order, with no gap and no repeat, whoever committed it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col
from sqlmodel import select as sqlmodel_select

from server.realtime.hub import Hub
from server.store.listener import PostgresListener
from server.store.tables import Event, Hall
from server.store.transaction import CommittedEvent

log = logging.getLogger(__name__)

CHANNEL = "govqueue_events"
Reader = Callable[[Callable[[Session], Any]], Awaitable[Any]]


class PostgresRelay:
    def __init__(self, listener: PostgresListener, hub: Hub, read: Reader) -> None:
        self._listener = listener
        self._hub = hub
        self._read = read
        self._last: dict[int, int] = {}
        self._dirty: set[int] = set()
        self._running: dict[int, asyncio.Task[None]] = {}

    async def start(self) -> None:
        def last_seqs(session: Session) -> dict[int, int]:
            return {
                int(h): int(s) for h, s in session.execute(select(col(Hall.id), col(Hall.last_seq)))
            }

        self._last = await self._read(last_seqs)
        # the process's listener (server/store/listener.py) starts once all have registered
        self._listener.listen(CHANNEL, self._notified, on_connected=self._catch_up_all)

    async def stop(self) -> None:
        """Stop the catch-ups under way (the listener is stopped by its owner, first)."""
        tasks = list(self._running.values())
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

    def poke(self, hall_id: int) -> None:
        """New events may be in hall_id's log: publish them (coalesced, in seq order)."""
        self._dirty.add(hall_id)
        task = self._running.get(hall_id)
        if task is None or task.done():
            self._running[hall_id] = asyncio.create_task(self._catch_up(hall_id))

    async def _catch_up(self, hall_id: int) -> None:
        while hall_id in self._dirty:
            self._dirty.discard(hall_id)
            after = self._last.get(hall_id, 0)

            def load(session: Session, after: int = after) -> list[CommittedEvent]:
                rows = session.exec(
                    sqlmodel_select(Event)
                    .where(col(Event.hall_id) == hall_id, col(Event.seq) > after)
                    .order_by(col(Event.seq))
                )
                return [CommittedEvent(e.hall_id, e.seq, e.type, e.at, e.data) for e in rows]

            events = await self._read(load)
            if events:
                self._last[hall_id] = events[-1].seq
                self._hub.publish(events)

    def _notified(self, payload: str) -> None:
        with contextlib.suppress(ValueError):
            self.poke(int(payload))

    def _catch_up_all(self) -> None:
        """Listening (again): anything missed while not listening."""
        for hall_id in list(self._last):
            self.poke(hall_id)
