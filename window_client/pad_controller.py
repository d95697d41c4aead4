"""The rating pad (评价器): follows its window's live feed, offers the five choices when the
window's ticket is finished, and sends the applicant's rating once with the device token.
State and Qt signals, no widgets; the screens' rules are in rating.py.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from app_shell.bridge import AsyncRunner, Operation, message_for
from app_shell.device_start import DeviceIdentity
from app_shell.feed import ConnectionState, FeedBridge
from app_shell.health import HealthReporter
from app_shell.timefmt import ServerClock, now_utc
from client.errors import ApiError, Conflict, ServerUnavailable
from client.events import TicketFinished, WindowStatus
from client.replies import DeviceMeOut
from client.rest import ApiClient
from client.wire import LiveMessage, SnapshotMessage
from window_client.rating import PadState, Rating, Screen, Timeouts
from window_client.settings import PadSettings
from window_client.texts import text

log = logging.getLogger(__name__)

TICK_MS = 250
SEND_ATTEMPTS = 3
RETRY_MS = 2000


class PadController(QObject):
    changed = Signal()
    loaded = Signal()  # the pad knows its window (for --screenshot)
    connection = Signal(object)  # ConnectionState

    def __init__(
        self,
        runner: AsyncRunner,
        api: ApiClient,
        settings: PadSettings,
        *,
        now: Callable[[], datetime] = now_utc,
        health: HealthReporter | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.runner = runner
        self.api = api
        self.settings = settings
        # that the pad is there: once loaded, every minute, on reconnect
        self.health = health or HealthReporter(runner, api, interval_s=settings.health_report_s)
        self.health.setParent(self)
        self.clock = ServerClock(now)
        self.state = PadState(
            Timeouts(
                choices_s=settings.choices_s,
                reasons_s=settings.reasons_s,
                thanks_s=settings.thanks_s,
            )
        )
        self.hall_id: int | None = None
        self.window_id: int | None = None
        self.window_number = ""
        self.window_state = "closed"
        self.pause_reason: str | None = None
        self.staff_no: str | None = None
        self.staff_name: str | None = None
        self.thanks_text = (text("pad.thanks"), text("pad.thanks.sub"))
        self.error = ""
        self.is_loaded = False
        self.feed: FeedBridge | None = None
        self.sent: list[Rating] = []  # what the server confirmed (tests, diagnostics)
        self._ticker = QTimer(self)
        self._ticker.timeout.connect(self._tick)
        # asked again only while the server is unreachable: a refused token stays on screen
        self.identity = DeviceIdentity(
            runner, api, retry_ms=RETRY_MS, what="pad", only_when_unreachable=True, parent=self
        )
        self.identity.known.connect(self._identified)
        self.identity.unknown.connect(self._not_identified)

    def now(self) -> datetime:
        return self.clock.now()

    def _t(self) -> float:
        return self.now().timestamp()

    # --- life ------------------------------------------------------------------------------
    def start(self) -> None:
        self.identity.ask()
        self._ticker.start(TICK_MS)

    def stop(self) -> None:
        self.identity.stop()
        self._ticker.stop()
        self.health.stop()
        if self.feed is not None:
            self.feed.stop()

    def problem(self) -> str:
        return self.error

    def _identified(self, me: DeviceMeOut) -> None:
        if me.kind != "window" or me.window_id is None:
            self.error = text("pad.not_window")
            self.changed.emit()
            return
        self.hall_id, self.window_id = me.hall_id, me.window_id
        self.window_number = me.window_number or ""
        log.info("this is the rating pad %s of window %s", me.label, self.window_number)
        self.feed = FeedBridge(
            self.runner,
            self.settings.server,
            hall_id=me.hall_id,
            token=self.api.token or "",
            window_id=me.window_id,
            parent=self,
        )
        self.feed.snapshot.connect(self._on_snapshot)
        self.feed.message.connect(self._on_event)
        self.feed.state_changed.connect(self._on_connection)
        self.feed.state_changed.connect(self.health.connection_changed)
        self.feed.refused.connect(self._refused)
        self.feed.start()

    def _not_identified(self, reason: str) -> None:
        self.error = reason
        self.changed.emit()

    def _refused(self, detail: str) -> None:
        log.warning("the live feed was refused: %s", detail)
        self.error = detail
        self.changed.emit()

    def _on_connection(self, state: ConnectionState) -> None:
        self.connection.emit(state)

    # --- the window's feed -----------------------------------------------------------------
    def _on_snapshot(self, message: SnapshotMessage) -> None:
        self.clock.follow(message.at)
        mine = next((w for w in message.data.windows if w.window_id == self.window_id), None)
        if mine is not None:
            self.window_number = mine.window_number
            self.window_state = mine.state
            self.pause_reason = mine.pause_reason
            self.staff_no, self.staff_name = mine.staff_no, mine.staff_name
        self.error = ""
        if not self.is_loaded:
            self.is_loaded = True
            self.loaded.emit()
            self.health.set_health("ok")
            self.health.start()
        self.changed.emit()

    def _on_event(self, message: LiveMessage) -> None:
        data = message.data
        if isinstance(data, WindowStatus) and data.window_id == self.window_id:
            self.window_number = data.window_number
            self.window_state = data.state
            self.pause_reason = data.pause_reason
            self.staff_no, self.staff_name = data.staff_no, data.staff_name
            self.changed.emit()
        elif (
            isinstance(data, TicketFinished)
            and data.window_id == self.window_id
            and self.state.ticket_finished(
                data.ticket_id, data.number, message.at.timestamp(), self._t()
            )
        ):
            log.info("rating offered for %s", data.number)
            self.changed.emit()

    # --- the applicant's touches -------------------------------------------------------------
    def touched(self) -> None:
        self.state.touch(self._t())

    def choose(self, level: int) -> None:
        rating = self.state.choose(level, self._t())
        self.changed.emit()
        if rating is not None:
            self._send(rating, SEND_ATTEMPTS)

    def toggle_reason(self, tag: str) -> None:
        self.state.toggle_reason(tag, self._t())
        self.changed.emit()

    def set_comment(self, comment: str) -> None:
        self.state.set_comment(comment, self._t())

    def back(self) -> None:
        self.state.back(self._t())
        self.changed.emit()

    def submit(self) -> None:
        rating = self.state.submit()
        self.changed.emit()
        if rating is not None:
            self._send(rating, SEND_ATTEMPTS)

    def _send(self, rating: Rating, attempts: int) -> None:
        def sent(_answer: Any) -> None:
            log.info("rating of ticket %d recorded", rating.ticket_id)
            self.sent.append(rating)
            sub = text("pad.thanks_bad.sub") if rating.level <= 2 else text("pad.thanks.sub")
            self.thanks_text = (text("pad.thanks"), sub)
            self.state.sent(self._t())
            self.changed.emit()

        def failed(error: BaseException) -> None:
            if isinstance(error, Conflict) and error.code == "already_exists":
                log.info("rating of ticket %d refused: it was rated already", rating.ticket_id)
                self.thanks_text = (text("pad.already"), text("pad.already.sub"))
                self.state.sent(self._t())
            elif isinstance(error, ServerUnavailable) and attempts > 1:
                QTimer.singleShot(RETRY_MS, lambda: self._send(rating, attempts - 1))
                return
            else:
                detail = (
                    message_for(error)
                    if isinstance(error, ApiError)
                    else text("failed.unreachable")
                )
                log.warning("rating of ticket %d not recorded: %s", rating.ticket_id, detail)
                self.state.send_failed(text("pad.failed", detail=detail), self._t())
            self.changed.emit()

        Operation(
            self.runner,
            lambda: self.api.evaluate(
                rating.ticket_id, rating.level, list(rating.reasons), rating.comment
            ),
            parent=self,
        ).success(sent).failure(failed).run_in_background()

    def _tick(self) -> None:
        if self.state.tick(self._t()):
            self.changed.emit()

    @property
    def screen(self) -> Screen:
        return self.state.screen

    def seconds_left(self) -> int | None:
        if self.state.deadline is None:
            return None
        return max(0, round(self.state.deadline - self._t()))
