"""The server process's one PostgreSQL LISTEN connection (docs/runtime.md).

Two parts of a process listen for what other processes committed: the live feed's relay
(`govqueue_events`: a hall's log grew, server/realtime/relay.py) and the access caches
(`govqueue_revocations`: a credential was revoked, server/access.py). Each registers its
channel here with what to do on a notification and on (re)connecting; one task holds one
connection for all of them and reconnects with back-off when it is lost. Notifications sent
while it was away are lost, so each part's `on_connected` catches up (the relay reads the
logs, the access caches empty themselves), and `on_lost` says the connection is gone.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.engine import make_url

log = logging.getLogger(__name__)

FIRST_DELAY_S = 0.5
MAX_DELAY_S = 10.0


def libpq_url(sqlalchemy_url: str) -> str:
    """The URL as libpq (psycopg) takes it: without SQLAlchemy's driver name."""
    return (
        make_url(sqlalchemy_url).set(drivername="postgresql").render_as_string(hide_password=False)
    )


def _nothing() -> None:
    pass


@dataclass(frozen=True)
class Channel:
    name: str
    on_notify: Callable[[str], None]  # the notification's payload
    on_connected: Callable[[], None] = _nothing  # listening (again): catch up
    on_lost: Callable[[], None] = _nothing


class PostgresListener:
    def __init__(self, sqlalchemy_url: str) -> None:
        self._url = libpq_url(sqlalchemy_url)
        self._channels: dict[str, Channel] = {}
        self._task: asyncio.Task[None] | None = None
        self.connected = asyncio.Event()

    def listen(
        self,
        name: str,
        on_notify: Callable[[str], None],
        *,
        on_connected: Callable[[], None] = _nothing,
        on_lost: Callable[[], None] = _nothing,
    ) -> None:
        """Register a channel (before `start`): the callbacks run on the event loop."""
        if self._task is not None:
            raise RuntimeError(f"register {name} before the listener starts")
        self._channels[name] = Channel(name, on_notify, on_connected, on_lost)

    async def start(self) -> None:
        self._task = asyncio.create_task(self._listen())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task

    async def _listen(self) -> None:
        import psycopg  # the optional PostgreSQL driver: not loaded by a server on SQLite

        delay = FIRST_DELAY_S
        while True:
            try:
                async with await psycopg.AsyncConnection.connect(
                    self._url, autocommit=True
                ) as conn:
                    for name in self._channels:
                        await conn.execute(f"LISTEN {name}")
                    self.connected.set()
                    delay = FIRST_DELAY_S
                    for channel in self._channels.values():
                        channel.on_connected()
                    async for notify in conn.notifies():
                        heard = self._channels.get(notify.channel)
                        if heard is not None:
                            heard.on_notify(notify.payload)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # connection lost: say so, reconnect, catch up
                self.connected.clear()
                for channel in self._channels.values():
                    channel.on_lost()
                log.warning("the PostgreSQL listener lost its connection (%s); retrying", exc)
                await asyncio.sleep(delay)
                delay = min(delay * 2, MAX_DELAY_S)
