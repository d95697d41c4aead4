"""A hall's live feed as Qt signals, for controllers on the GUI thread.

    feed = FeedBridge(runner, server_url, hall_id=1, token=token)
    feed.message.connect(controller.on_event)        # LiveMessage, in seq order, once each
    feed.snapshot.connect(controller.on_snapshot)    # SnapshotMessage (first connect, too old)
    feed.state_changed.connect(view.set_connection)  # ConnectionState
    feed.start()

The feed itself (reconnect with back-off, resync by seq, duplicates dropped) is
`client.live.LiveFeed`; this class only follows it on the runner's loop and re-emits on the
GUI thread. A refusal (bad token, another hall) stops the feed and emits `refused` with the
server's Chinese message.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from enum import StrEnum

from PySide6.QtCore import QObject, Signal

from app_shell.bridge import AsyncRunner, message_for
from client.errors import ApiError, ClientError
from client.live import LiveFeed
from client.wire import LiveMessage, SnapshotMessage

log = logging.getLogger(__name__)


class ConnectionState(StrEnum):
    connecting = "connecting"  # first attempt, nothing received yet
    connected = "connected"
    reconnecting = "reconnecting"  # was connected (or tried), now retrying
    refused = "refused"  # the server said no (token, hall); not retried
    stopped = "stopped"


class FeedBridge(QObject):
    message = Signal(object)  # client.wire.LiveMessage
    snapshot = Signal(object)  # client.wire.SnapshotMessage
    state_changed = Signal(object)  # ConnectionState
    refused = Signal(str)

    def __init__(
        self,
        runner: AsyncRunner,
        base_url: str,
        *,
        hall_id: int,
        token: str,
        window_id: int | None = None,
        since: int | None = None,
        max_reconnect_delay: float = 5.0,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._runner = runner
        self._feed = LiveFeed(
            base_url,
            hall_id=hall_id,
            token=token,
            window_id=window_id,
            since=since,
            max_reconnect_delay=max_reconnect_delay,
            on_connection=self._connection_changed,
        )
        self._state = ConnectionState.stopped
        self._task: asyncio.Task[None] | None = None

    @property
    def state(self) -> ConnectionState:
        return self._state

    @property
    def last_seq(self) -> int | None:
        return self._feed.last_seq

    def start(self) -> None:
        self._set_state(ConnectionState.connecting)
        self._runner.submit(self._start())

    def stop(self) -> None:
        """Close the feed (from the GUI thread); safe to call twice."""
        if self._runner.running:
            with contextlib.suppress(RuntimeError):
                self._runner.submit(self._stop()).result(timeout=5)
        self._set_state(ConnectionState.stopped)

    def drop_connection(self) -> None:
        """Cut the connection as a network blip would (for tests and diagnostics)."""
        self._runner.submit(self._feed.drop_connection())

    # --- on the loop thread ----------------------------------------------------------------
    async def _start(self) -> None:
        self._task = asyncio.current_task()
        try:
            async for message in self._feed:
                self._post(message)
        except ApiError as exc:
            detail = message_for(exc)
            self._runner.post_to_gui(lambda: self._refuse(detail))
        except ClientError as exc:
            detail = message_for(exc)
            self._runner.post_to_gui(lambda: self._refuse(detail))
        except asyncio.CancelledError:
            pass

    async def _stop(self) -> None:
        await self._feed.close()
        if self._task is not None and not self._task.done():
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task

    def _connection_changed(self, connected: bool) -> None:
        """Each connection that opens or is lost (client.live.LiveFeed's `on_connection`), on
        the loop thread; shown on the GUI thread in the order it happened (a connection's
        messages are posted after its opening)."""
        state = ConnectionState.connected if connected else ConnectionState.reconnecting
        self._runner.post_to_gui(lambda: self._set_state(state))

    def _post(self, message: LiveMessage | SnapshotMessage) -> None:
        self._runner.post_to_gui(lambda: self._deliver(message))

    # --- on the GUI thread -----------------------------------------------------------------
    def _deliver(self, message: LiveMessage | SnapshotMessage) -> None:
        if self._state is ConnectionState.stopped:
            return
        if isinstance(message, SnapshotMessage):
            self.snapshot.emit(message)
        else:
            self.message.emit(message)

    def _refuse(self, detail: str) -> None:
        log.warning("live feed refused by the server: %s", detail)
        self._set_state(ConnectionState.refused)
        self.refused.emit(detail)

    def _set_state(self, state: ConnectionState) -> None:
        if state is self._state:
            return
        if self._state in (ConnectionState.refused, ConnectionState.stopped) and state not in (
            ConnectionState.connecting,
            ConnectionState.stopped,
        ):
            return
        self._state = state
        if state is ConnectionState.connected:
            log.info("live feed connected (from seq %s)", self._feed.last_seq)
        elif state is ConnectionState.reconnecting:
            log.warning("live feed lost: reconnecting")
        else:
            log.info("live feed %s", state.value)
        self.state_changed.emit(state)
