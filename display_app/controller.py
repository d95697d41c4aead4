"""The hall display's state and rules: who it is, the board it shows, which call is new and
highlighted, what is said, and whether it is live. Qt signals, no widgets.

Follows the hall's live feed (`FeedBridge`, which resumes from its last seq by itself) and
applies every message to a `Board`. Calls are shown, all of them, in order; the `Announcer`
decides which are spoken (live calls each; after a reconnect only the latest of the replay)
and the `SpeechQueue` says them, off the GUI thread.
"""

from __future__ import annotations

import concurrent.futures
import logging
from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QObject, QTimer, Signal

from app_shell.bridge import AsyncRunner
from app_shell.device_start import DeviceIdentity, timer
from app_shell.feed import ConnectionState, FeedBridge
from app_shell.health import HealthReporter
from app_shell.timefmt import local, now_utc
from app_shell.voice.queue import SpeechQueue
from client.replies import DeviceMeOut
from client.rest import ApiClient
from client.wire import LiveMessage, SnapshotMessage
from display_app.announcing import Announcer
from display_app.board import Board, Call, WindowBoard
from display_app.settings import DisplaySettings
from display_app.texts import text
from display_app.voice.announcement import Announcement

log = logging.getLogger(__name__)

CATCH_UP_MAX_MS = 3000
DAY_CHECK_MS = 30_000
RETRY_MS = 3000


class DisplayController(QObject):
    changed = Signal()  # anything the screen shows changed
    loaded = Signal()  # the first snapshot arrived (the screen shows the hall)
    call_shown = Signal(object)  # a new call (board.Call), newest last

    def __init__(
        self,
        runner: AsyncRunner,
        api: ApiClient,
        settings: DisplaySettings,
        speech: SpeechQueue | None = None,
        *,
        now: Callable[[], datetime] = now_utc,
        health: HealthReporter | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.runner, self.api, self.settings, self.speech = runner, api, settings, speech
        # whether this screen works and can be heard: on load, every minute, on reconnect
        self.health = health or HealthReporter(runner, api, interval_s=settings.health_report_s)
        self.health.setParent(self)
        self.now = now
        self.board = Board()
        self.announcer = Announcer()
        self.connection = ConnectionState.connecting
        self.message = text("device.loading")  # why the screen is not showing the hall yet
        self.is_loaded = False
        self.highlighted = False
        self.repeat_priority = False  # the hall's repeat_priority_calls (GET /devices/me)
        self.sound_problem: str | None = None  # why this screen is not heard (no sound card)
        self.feed: FeedBridge | None = None
        self._stopped = False
        self._was_connected = False
        self._speaking: concurrent.futures.Future[None] | None = None
        self._quiet = self._timer(int(settings.catch_up_quiet_s * 1000), self._catch_up_over)
        self._catch_up_limit = self._timer(CATCH_UP_MAX_MS, self._catch_up_over)
        self._highlight = self._timer(
            max(1, int(settings.highlight_seconds * 1000)), self._highlight_over
        )
        self.identity = DeviceIdentity(runner, api, retry_ms=RETRY_MS, what="display", parent=self)
        self.identity.known.connect(self._identified)
        self.identity.unknown.connect(self._set_message)
        self._day = self._timer(DAY_CHECK_MS, self._check_day, single=False)

    def _timer(self, ms: int, slot: Callable[[], None], *, single: bool = True) -> QTimer:
        return timer(self, ms, slot, single=single)

    # --- what the views read ---------------------------------------------------------------
    @property
    def window_mode(self) -> bool:
        return self.settings.mode == "window"

    @property
    def window(self) -> WindowBoard | None:
        """The window of a window screen (None in hall mode, or if the hall has no such)."""
        if not self.window_mode or not self.settings.window:
            return None
        return self.board.window_by_number(self.settings.window)

    @property
    def live(self) -> bool:
        return self.connection is ConnectionState.connected

    def recent(self) -> list[Call]:
        """The calls before the latest, newest first, as many as the screen lists."""
        return self.board.calls[1 : 1 + self.settings.recent_calls]

    def problem(self) -> str:
        return self.message

    # --- life ------------------------------------------------------------------------------
    def start(self) -> None:
        if self.speech is not None:
            self._speaking = self.runner.submit(self.speech.run())
        self.identity.ask()

    def stop(self) -> None:
        self._stopped = True
        self.identity.stop()
        self.health.stop()
        for running in self.findChildren(QTimer):
            running.stop()
        if self.feed is not None:
            self.feed.stop()
        if self._speaking is not None:
            self._speaking.cancel()

    def _identified(self, me: DeviceMeOut) -> None:
        if me.kind != "display":
            self._set_message(text("device.not_display", kind=me.kind))
            return
        self.board.hall_id = me.hall_id
        self.board.hall_name = me.hall_name
        self.repeat_priority = me.repeat_priority_calls
        log.info(
            "this is display %s of %s (hall %d), %s mode",
            me.label,
            self.board.hall_name,
            self.board.hall_id,
            self.settings.mode,
        )
        self.feed = FeedBridge(
            self.runner,
            self.settings.server,
            hall_id=self.board.hall_id,
            token=self.api.token or "",
            parent=self,
        )
        self.feed.snapshot.connect(self._on_snapshot)
        self.feed.message.connect(self._on_message)
        self.feed.state_changed.connect(self._on_connection)
        self.feed.state_changed.connect(self.health.connection_changed)
        self.feed.refused.connect(self._set_message)
        self.feed.start()
        self._day.start()
        self.changed.emit()

    # --- the feed --------------------------------------------------------------------------
    def _on_connection(self, state: ConnectionState) -> None:
        self.connection = state
        if state is ConnectionState.connected:
            if self._was_connected:
                # back after a blip: what arrives first is the replay of what was missed
                self.announcer.connected()
                self._quiet.start()
                self._catch_up_limit.start()
            self._was_connected = True
        self.changed.emit()

    def _on_snapshot(self, message: SnapshotMessage) -> None:
        # A snapshot marks exactly where the past ends: the calls it brings that this screen
        # had not seen (after a long absence) are the catch-up, the events after it are live.
        if self.board.loaded:
            self.announcer.connected()
        new = self.board.apply_snapshot(message)
        self._waiting_for_data_over()
        for call in new:
            self._shown(call)
        self._catch_up_over()
        self.changed.emit()
        if not self.is_loaded:
            self.is_loaded = True
            self.loaded.emit()
            self._report_health()

    def _report_health(self) -> None:
        """Tell the hall (the console's device list) that this screen works, and whether it
        can be heard."""
        status, detail = ("warning", self.sound_problem) if self.sound_problem else ("ok", None)
        self.health.set_health(status, detail=detail)
        self.health.start()

    def _on_message(self, message: LiveMessage) -> None:
        call = self.board.apply(message)
        if call is not None:
            self._shown(call)
        self._keep_catching_up()
        self.changed.emit()

    def _keep_catching_up(self) -> None:
        if self.announcer.catching_up:
            self._quiet.start()  # restart: the replay is over once the feed is quiet

    def _catch_up_over(self) -> None:
        self._quiet.stop()
        self._catch_up_limit.stop()
        if self.announcer.catching_up:
            self._say(self.announcer.catch_up_over())

    # --- calls -----------------------------------------------------------------------------
    def _shown(self, call: Call) -> None:
        if self.window_mode:
            mine = self.window
            if mine is None or call.window_id != mine.window_id:
                return
        self.highlighted = self.settings.highlight_seconds > 0
        if self.highlighted:
            self._highlight.start()
        log.info(
            "%s %s to window %s shown",
            "recall of" if call.recall else "call of",
            call.number,
            call.window_number,
        )
        self.call_shown.emit(call)
        self._say(self.announcer.call(call))

    def _say(self, call: Call | None) -> None:
        if call is None or self.speech is None:
            return
        said = Announcement(call.seq, call.number, call.window_number, call.recall)
        self.speech.put(said)
        if self.repeat_priority and (call.priority != "normal" or call.elderly):
            log.info("call of %s (%s) said a second time", call.number, call.priority)
            self.speech.put(said)  # the hall repeats 绿色通道 calls: after it, never over it

    def _highlight_over(self) -> None:
        self.highlighted = False
        self.changed.emit()

    # --- the rest --------------------------------------------------------------------------
    def _check_day(self) -> None:
        if self.board.loaded and self.board.new_day(local(self.now()).date()):
            self.highlighted = False
            self.changed.emit()

    def _waiting_for_data_over(self) -> None:
        if self.window_mode and self.window is None and self.settings.window:
            self.message = text("window.unknown", window=self.settings.window)
        else:
            self.message = ""

    def _set_message(self, message: str) -> None:
        if message != self.message:
            log.warning("%s", message)
        self.message = message
        self.changed.emit()
