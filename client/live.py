"""The live connection: follows a hall's feed, reconnects with its last seq, never misses a call.

    async with LiveFeed(base_url, hall_id=1, token=t) as feed:
        async for message in feed:          # LiveMessage or SnapshotMessage
            ...

On every (re)connect it sends the last seq it has seen; the server replays what was missed
or sends a snapshot. Duplicates (seq already seen) are dropped here, so a consumer sees each
event once and in order. When the server closes a subscriber that fell behind (`too_slow`)
or fails (`internal_error`), the feed reconnects and resumes from its last seq by itself;
only refusals of the credentials or the request (401/403/404/422) end it, as typed errors.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Callable
from types import TracebackType
from urllib.parse import urlencode

import websockets
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI

from client.errors import ApiError, ServerUnavailable, error_for
from client.wire import ErrorMessage, LiveMessage, SnapshotMessage, parse_message

log = logging.getLogger(__name__)

STATUS_OF_CODE = {
    "invalid_input": 422,
    "authentication_required": 401,
    "invalid_token": 401,
    "inactive": 401,
    "permission_denied": 403,
    "not_found": 404,
}
# Refusals that say "come back": the feed reconnects with its last seq instead of stopping.
RESUME_AT_ONCE = {"too_slow"}
RESUME_LATER = {"internal_error", "unavailable", "server_stopping"}


class _Resume(Exception):
    def __init__(self, code: str, at_once: bool) -> None:
        super().__init__(code)
        self.at_once = at_once


class LiveFeed:
    def __init__(
        self,
        base_url: str,
        *,
        hall_id: int,
        token: str,
        window_id: int | None = None,
        since: int | None = None,
        reconnect_delay: float = 0.5,
        max_reconnect_delay: float = 10.0,
        on_connection: Callable[[bool], None] | None = None,
    ) -> None:
        """`on_connection(True)` is called (on the feed's loop) each time a connection opens,
        `on_connection(False)` each time one is lost or an attempt fails — every change, however
        quick: a connection that opens and drops between two looks is still seen."""
        self.base_url = base_url.rstrip("/")
        self.hall_id = hall_id
        self.token = token
        self.window_id = window_id
        self.last_seq = since
        self.connected = asyncio.Event()
        self.reconnects = 0
        self._on_connection = on_connection
        self._delay = reconnect_delay
        self._max_delay = max_reconnect_delay
        self._ws: websockets.ClientConnection | None = None
        self._closed = False

    def _tell(self, connected: bool) -> None:
        if self._on_connection is not None:
            self._on_connection(connected)

    def url(self) -> str:
        ws_base = self.base_url.replace("http://", "ws://", 1).replace("https://", "wss://", 1)
        params: dict[str, object] = {"hall_id": self.hall_id, "token": self.token}
        if self.window_id is not None:
            params["window_id"] = self.window_id
        if self.last_seq is not None:
            params["since"] = self.last_seq
        return f"{ws_base}/ws?{urlencode(params)}"

    async def __aenter__(self) -> LiveFeed:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        self._closed = True
        if self._ws is not None:
            await self._ws.close()

    async def drop_connection(self) -> None:
        """Cut the current connection (as a network blip would); the feed reconnects."""
        if self._ws is not None:
            await self._ws.close()

    def __aiter__(self) -> AsyncIterator[LiveMessage | SnapshotMessage]:
        return self._messages()

    async def _messages(self) -> AsyncIterator[LiveMessage | SnapshotMessage]:
        delay = self._delay
        while not self._closed:
            try:
                async with websockets.connect(self.url(), open_timeout=10, max_size=2**24) as ws:
                    self._ws = ws
                    self.connected.set()
                    self._tell(True)
                    delay = self._delay
                    async for raw in ws:
                        message = parse_message(json.loads(raw))
                        if isinstance(message, ErrorMessage):
                            if message.code in RESUME_AT_ONCE | RESUME_LATER:
                                raise _Resume(message.code, message.code in RESUME_AT_ONCE)
                            status = STATUS_OF_CODE.get(message.code, 400)
                            raise error_for(status, message.code, message.detail)
                        if (
                            isinstance(message, LiveMessage)
                            and self.last_seq is not None
                            and message.seq <= self.last_seq
                        ):
                            continue
                        self.last_seq = message.seq
                        yield message
            except ApiError:
                raise
            except _Resume as exc:
                log.info("live feed asked to resume (%s) after seq %s", exc, self.last_seq)
                if exc.at_once:
                    delay = 0.0
            except (OSError, ConnectionClosed, InvalidHandshake, TimeoutError) as exc:
                # InvalidHandshake: an HTTP error status, or a connection cut before the
                # server answered (a server being killed, a proxy in front of one restarting)
                # (the first failure of an outage is worth a line; the retries are not)
                log.log(
                    logging.INFO if delay <= self._delay else logging.DEBUG,
                    "live feed lost (%s); reconnecting in %.1fs",
                    exc,
                    delay,
                )
            except InvalidURI as exc:
                raise ServerUnavailable(f"服务器地址无效：{self.base_url}") from exc
            finally:
                self._ws = None
                self.connected.clear()
            if self._closed:
                return
            self._tell(False)
            self.reconnects += 1
            await asyncio.sleep(delay)
            delay = min(max(delay * 2, self._delay), self._max_delay)
