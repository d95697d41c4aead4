"""The clerk at the desk: the window opened, its queue and today's figures, the live feed
and the actions. Signing in, the password and the window choice before it are
`sign_in_controller.SignInController`, which this builds on. State and rules, Qt signals,
no widgets (views read `model` and call the methods here).

Every request runs off the GUI thread (app_shell.bridge.Operation). The model changes only
on what the server confirmed: an answer, or the window's live feed; a refused or unanswered
action is reported as not done, and the queue is reloaded from the server after it.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from app_shell.bridge import AsyncRunner, Operation, message_for
from app_shell.device_start import timer
from app_shell.feed import ConnectionState, FeedBridge
from app_shell.timefmt import ServerClock, now_utc
from client.desk import DeskWindow, TodayFigures, WindowQueue
from client.errors import ServerUnavailable, Unauthorized
from client.events import QueueCounts, TicketCalled, TicketFields, TicketFinished
from client.replies import ServiceStatusOut, TicketOut, WindowOut
from client.rest import ApiClient
from client.wire import LiveMessage, SnapshotMessage
from window_client.actions import TICKET_PATHS, Action
from window_client.desk_model import DeskModel
from window_client.settings import WindowSettings
from window_client.sign_in_controller import Phase, SignInController
from window_client.texts import text

log = logging.getLogger(__name__)

QUEUE_DEBOUNCE_MS = 150
TODAY_DEBOUNCE_MS = 1000


# the server's answer to an action at the desk: the window's, a ticket's, or nobody waiting
Answer = TicketOut | WindowOut | None


def _summary(answer: Answer) -> str:
    """A ticket's number and status or a window's state, for the log."""
    if answer is None:
        return "nobody waiting"
    if isinstance(answer, WindowOut):
        return f"{answer.number} {answer.state}"
    outcome = f" ({answer.outcome})" if answer.outcome else ""
    return f"{answer.number} {answer.status}{outcome}"


class WindowController(SignInController):
    changed = Signal()  # the desk model changed: views redraw
    connection = Signal(object)  # ConnectionState of the live feed

    def __init__(
        self,
        runner: AsyncRunner,
        api: ApiClient,
        settings: WindowSettings,
        *,
        now: Callable[[], datetime] = now_utc,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(runner, api, settings, parent=parent)
        self.clock = ServerClock(now)
        self.model: DeskModel | None = None
        self.feed: FeedBridge | None = None
        self.desk_loaded = False  # the desk has the window's queue
        self._queue_loading = False
        self._queue_again = False
        self._queue_timer = self._single_shot(QUEUE_DEBOUNCE_MS, self.reload_queue)
        self._today_timer = self._single_shot(TODAY_DEBOUNCE_MS, self.reload_today)
        self._queue_every = QTimer(self)
        self._queue_every.timeout.connect(self.reload_queue)
        self._today_every = QTimer(self)
        self._today_every.timeout.connect(self.reload_today)
        self._stopped = False  # the program is ending: ask the server nothing more

    def _single_shot(self, ms: int, slot: Callable[[], None]) -> QTimer:
        return timer(self, ms, slot, single=True)

    def now(self) -> datetime:
        """The server's time as best known (timers must not depend on this PC's clock)."""
        return self.clock.now()

    # --- life --------------------------------------------------------------------------------
    def stop(self) -> None:
        self._stopped = True
        self._stop_desk()

    # --- open the window chosen ----------------------------------------------------------------
    def open_window(self, window_id: int) -> None:
        """Sign in to the window (opens it) and go to the desk."""
        if self.busy or self.me is None:
            return
        self._set_busy(True)
        Operation(
            self.runner, lambda: self.api.window_action(window_id, "open"), parent=self
        ).success(lambda answer: self._opened(window_id, answer)).failure(
            self._open_refused
        ).finally_(lambda: self._set_busy(False)).run_in_background()

    def _open_refused(self, error: BaseException) -> None:
        self._not_done(error)
        if self.phase is Phase.choose and not isinstance(error, ServerUnavailable):
            self.refresh_windows()  # the list was out of date: show who holds which window now

    def _opened(self, window_id: int, answer: WindowOut) -> None:
        assert self.me is not None and self.me.hall_id is not None
        self.model = DeskModel(window_id)
        self.model.services = {s.id: s.name for s in self.services}
        self.model.apply_window_answer(answer)
        self.model.window = self.model.window.model_copy(  # type: ignore[union-attr]
            update={"staff_no": self.me.staff_no, "staff_name": self.me.name}
        )
        log.info("window %s opened by %s", self.model.window.number, self.me.staff_no)
        self._set_phase(Phase.desk)
        self.feed = FeedBridge(
            self.runner,
            self.settings.server,
            hall_id=self.me.hall_id,
            token=self.api.token or "",
            window_id=window_id,
            parent=self,
        )
        self.feed.message.connect(self._on_event)
        self.feed.snapshot.connect(self._on_snapshot)
        self.feed.state_changed.connect(self._on_connection)
        self.feed.refused.connect(self._on_refused)
        self.feed.start()
        self._queue_every.start(int(self.settings.queue_refresh_s * 1000))
        self._today_every.start(int(self.settings.today_refresh_s * 1000))
        self.reload_queue()
        self.reload_today()
        self.changed.emit()

    def _leave_desk(self) -> None:
        self._stop_desk()
        self.model = None

    def _stop_desk(self) -> None:
        self._queue_every.stop()
        self._today_every.stop()
        self._queue_timer.stop()
        self._today_timer.stop()
        if self.feed is not None:
            self.feed.stop()
            self.feed.deleteLater()
            self.feed = None

    # --- the desk's data -----------------------------------------------------------------------
    def reload_queue(self) -> None:
        """Ask the server for the window's queue and current ticket (one request at a time)."""
        if self.model is None or self._stopped:
            return
        if self._queue_loading:
            self._queue_again = True
            return
        model, window_id = self.model, self.model.window_id
        version = model.version
        self._queue_loading = True

        def loaded(queue: WindowQueue) -> None:
            if self.model is not model:
                return
            if not model.apply_queue(queue, version):
                self._queue_again = True  # something newer came meanwhile: ask again
            else:
                self.desk_loaded = True
            self.changed.emit()

        def failed(error: BaseException) -> None:
            if isinstance(error, Unauthorized):
                self.sign_out(text("signed_out.token"))
            # anything else: the feed's marker says the server is away; retried on reconnect

        def settled() -> None:
            self._queue_loading = False
            if self._queue_again and self.model is model:
                self._queue_again = False
                self._queue_timer.start()

        Operation(self.runner, lambda: self.api.window_queue(window_id), parent=self).success(
            loaded
        ).failure(failed).finally_(settled).run_in_background()

    def reload_today(self) -> None:
        if self.model is None or self._stopped:
            return
        model, window_id = self.model, self.model.window_id

        def loaded(today: TodayFigures) -> None:
            if self.model is model:
                model.today = today
                self.changed.emit()

        Operation(self.runner, lambda: self.api.window_today(window_id), parent=self).success(
            loaded
        ).failure(lambda _error: None).run_in_background()

    def _on_snapshot(self, message: SnapshotMessage) -> None:
        self.clock.follow(message.at)
        if self.model is not None:
            self.model.apply_snapshot(message)
        self._queue_timer.start()

    def _on_event(self, message: LiveMessage) -> None:
        model = self.model
        if model is None:
            return
        before = model.ticket.ticket_id if model.ticket else None
        mine = model.apply_event(message)
        if (
            mine
            and isinstance(message.data, TicketCalled)
            and model.pending is None
            and message.data.ticket_id != before
        ):
            # a call this desk learns from the feed (its answer was lost, or a supervisor
            # called): say so, so an earlier “叫号未完成” is not left standing
            self._notice(text("done.call", number=message.data.number), failure=False)
        window = model.window
        signed_out = (
            mine
            and window is not None
            and self.me is not None
            and model.pending is not Action.close
            and (window.state == "closed" or window.staff_no not in (None, self.me.staff_no))
        )
        if signed_out and window is not None:
            self._signed_out_by_server(window)
            return
        if mine or isinstance(message.data, QueueCounts | TicketFields):
            self._queue_timer.start()
        if mine and isinstance(message.data, TicketFinished):
            self._today_timer.start()
        if mine:
            self.changed.emit()

    def take_help(self, alert_id: int) -> None:
        """呼叫帮办: this desk goes (once for everyone; the first one to take it stands)."""
        model = self.model
        if model is None or alert_id not in model.help_requests:
            return
        words = model.help_requests[alert_id]
        log.info("help request %d taken at this desk", alert_id)

        def taken(_answer: object) -> None:
            if model.help_requests.pop(alert_id, None) is not None:
                model.version += 1
            self._notice(text("help.taken", what=words), failure=False)
            self.changed.emit()

        def failed(error: BaseException) -> None:
            log.warning("help request %d not taken: %s", alert_id, message_for(error))
            self._notice(message_for(error), failure=True)

        Operation(self.runner, lambda: self.api.take_help(alert_id), parent=self).success(
            taken
        ).failure(failed).run_in_background()

    def _signed_out_by_server(self, window: DeskWindow) -> None:
        if window.state == "closed":
            message = text("signed_out.closed", window=window.number)
        else:
            message = text("signed_out.taken", window=window.number, name=window.staff_name)
        log.warning("back to the window choice: %s", message)
        self._stop_desk()
        self.model = None
        self._set_phase(Phase.choose)
        self._notice(message, failure=True)
        self.refresh_windows()

    def _on_connection(self, state: ConnectionState) -> None:
        if self.model is not None:
            self.model.live = state is ConnectionState.connected
        self.connection.emit(state)
        if state is ConnectionState.connected:
            self.reload_queue()  # resync: what happened while the feed was away
            self._today_timer.start()
        self.changed.emit()

    def _on_refused(self, detail: str) -> None:
        log.warning("the live feed was refused: %s", detail)
        self.sign_out(detail)

    # --- actions -------------------------------------------------------------------------------
    def act(
        self,
        action: Action,
        *,
        ticket_id: int | None = None,
        outcome: str | None = None,
        service_id: int | None = None,
        reason: str | None = None,
        case_nos: list[str] | None = None,
    ) -> bool:
        """Ask the server to do `action`; False when it does not apply now (nothing is sent).
        A finish carries the 办件编号 entered at 办结 (`case_nos`)."""
        model = self.model
        if model is None or action not in model.enabled():
            return False
        window_id = model.window_id
        work: Callable[[], Awaitable[Answer]]
        body: dict[str, Any] | None = None
        if action is Action.call:
            work = lambda: self.api.call_next(window_id)  # noqa: E731
        elif action in (Action.pause, Action.resume, Action.close):
            body = {"reason": reason} if action is Action.pause else None
            work = lambda: self.api.window_action(window_id, action.value, body)  # noqa: E731
        else:
            target = ticket_id if ticket_id is not None else self._ticket_for(action)
            if target is None:
                return False
            if action is Action.finish:
                if outcome is None:
                    return False
                body = {"outcome": outcome}
                if case_nos:
                    body["case_nos"] = list(case_nos)
            elif action is Action.transfer:
                if service_id is None:
                    return False
                body = {"service_id": service_id}
            path = TICKET_PATHS[action]
            work = lambda: self.api.ticket_action(target, path, body)  # noqa: E731
        model.pending = action
        self._notice(text(f"pending.{action.value}"), failure=False)
        self.changed.emit()

        def settled() -> None:
            if self.model is model:
                model.pending = None
                self.changed.emit()

        Operation(self.runner, work, parent=self).success(
            lambda answer: self._confirmed(model, action, answer, reason)
        ).failure(lambda error: self._not_done(error, action.value)).finally_(
            settled
        ).run_in_background()
        return True

    def case_policy(self) -> str:
        """The hall's 办件编号 at 办结: off, optional or required (from the window's queue)."""
        model = self.model
        return model.queue.case_numbers if model is not None and model.queue else "off"

    def _ticket_for(self, action: Action) -> int | None:
        model = self.model
        if model is None or model.ticket is None:
            return None
        if action is Action.requeue and model.ticket.status != "no_show":
            return None  # an earlier no-show: the view asks which one
        return model.ticket.ticket_id

    def _confirmed(
        self, model: DeskModel, action: Action, answer: Answer, reason: str | None
    ) -> None:
        if self.model is not model:
            return
        log.info("%s done: %s", action.value, _summary(answer))
        now = self.now()
        shown = model.ticket.number if model.ticket else ""
        if isinstance(answer, WindowOut):  # pause, resume, close
            model.apply_window_answer(answer)
            if action is Action.close:
                number = model.window.number if model.window else ""
                self.sign_out()
                self._notice(text("done.close"), failure=False)
                log.info("window %s closed", number)
                return
            self._notice(text(f"done.{action.value}", reason=reason or ""), failure=False)
        elif answer is None:  # call: nobody waiting
            self._notice(text("done.call_none"), failure=False)
        elif action is Action.call:
            model.apply_ticket_answer(answer, now)
            self._notice(text("done.call", number=answer.number), failure=False)
        elif action is Action.transfer:
            model.apply_transfer_answer(answer)
            self._notice(text("done.transfer", number=shown, new=answer.number), failure=False)
        else:
            if action is Action.requeue and (
                model.ticket is None or model.ticket.ticket_id != answer.id
            ):
                shown = answer.number  # an earlier no-show: the desk keeps what it shows
                model.version += 1
            else:
                model.apply_ticket_answer(answer, now)
                shown = answer.number
            outcome = text(f"outcome.{answer.outcome}") if answer.outcome else ""
            self._notice(text(f"done.{action.value}", number=shown, outcome=outcome), failure=False)
        self._queue_timer.start()
        if action in (Action.finish, Action.no_show, Action.transfer, Action.cancel):
            self._today_timer.start()
        self.changed.emit()

    def _not_done(self, error: BaseException, action: str | None = None) -> None:
        super()._not_done(error, action)
        if self.model is not None:
            self._queue_timer.start()  # the server's truth after a refusal

    # --- for the views ---------------------------------------------------------------------------
    def transfer_targets(self) -> list[ServiceStatusOut]:
        """Services a ticket at the desk may be transferred to (enabled, not its own)."""
        current = self.model.ticket.service_id if self.model and self.model.ticket else None
        return [s for s in self.services if s.enabled and s.id != current]

    def service_name(self, service_id: int) -> str:
        return next((s.name for s in self.services if s.id == service_id), "")
