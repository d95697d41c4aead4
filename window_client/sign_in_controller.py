"""The clerk's way to the desk: is the server there, signing in, a new password (forced
after a first one, or asked for from the window choice) and the hall's windows to choose
from. State and rules, Qt signals, no widgets; the desk itself is `controller.WindowController`,
which builds on this.

Every request runs off the GUI thread (app_shell.bridge.Operation).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from enum import StrEnum
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from app_shell.bridge import AsyncRunner, Operation, message_for
from client.desk import DeskWindow
from client.errors import ServerUnavailable, Unauthorized
from client.replies import ServiceStatusOut, TokenOut
from client.rest import ApiClient
from window_client.settings import WindowSettings
from window_client.texts import text

log = logging.getLogger(__name__)

RETRY_MS = 3000
MIN_PASSWORD_LENGTH = 8  # the server's rule, checked here first only to say it sooner

# what signing in loads: who signed in, the hall's windows and its services
SignedIn = tuple[TokenOut, list[DeskWindow], list[ServiceStatusOut]]


class Phase(StrEnum):
    sign_in = "sign_in"
    password = "password"  # the clerk's own new password (forced after a first one)
    choose = "choose"
    desk = "desk"


class SignInController(QObject):
    phase_changed = Signal(object)  # Phase
    notice = Signal(str, bool)  # a sentence for the clerk; True when it is a failure
    windows_loaded = Signal()
    busy_changed = Signal(bool)  # sign-in / opening in progress
    loaded = Signal()  # the server answered: signing in can start (for --screenshot)

    def __init__(
        self,
        runner: AsyncRunner,
        api: ApiClient,
        settings: WindowSettings,
        *,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.runner, self.api, self.settings = runner, api, settings
        self.phase = Phase.sign_in
        self.me: TokenOut | None = None
        self.windows: list[DeskWindow] = []
        self.services: list[ServiceStatusOut] = []
        self.busy = False
        self.password_forced = False
        self.last_notice = ("", False)
        self.is_loaded = False  # the server answered once
        self.server_ok = False
        self._away_said = False

    # --- is the server there ------------------------------------------------------------------
    def start(self) -> None:
        self._set_phase(Phase.sign_in)
        self._check_server()

    def _check_server(self) -> None:
        """Is the server there? Said on the sign-in page before anyone types a password."""
        Operation(self.runner, self.api.health, parent=self).success(self._server_answered).failure(
            self._server_away
        ).run_in_background()

    def _server_away(self, error: BaseException) -> None:
        if self.server_ok or not self._away_said:
            log.warning("the server does not answer: %s", message_for(error))
            self._away_said = True
        self.server_ok = False
        if self.phase is Phase.sign_in:
            self._notice(text("signin.unreachable"), failure=True)
            QTimer.singleShot(RETRY_MS, self._check_server)

    def _server_answered(self, _answer: object) -> None:
        if not self.server_ok:
            log.info("the server answers: signing in is possible")
        self._away_said = False
        if not self.server_ok and self.last_notice == (text("signin.unreachable"), True):
            self._notice("", failure=False)
        self.server_ok = True
        if not self.is_loaded:
            self.is_loaded = True
            self.loaded.emit()

    def problem(self) -> str:
        return self.last_notice[0] if self.last_notice[1] else ""

    # --- sign in and choose a window ----------------------------------------------------------
    def sign_in(self, staff_no: str, password: str) -> None:
        if self.busy:
            return
        staff_no = staff_no.strip()
        if not staff_no or not password:
            self._notice(text("signin.missing"), failure=True)
            return

        async def work() -> SignedIn:
            me = await self.api.login(staff_no, password)
            if me.hall_id is None or me.must_change_password:
                return me, [], []  # nothing else is allowed before the password is changed
            windows = await self.api.hall_windows(me.hall_id)
            services = await self.api.services(me.hall_id)
            return me, windows, services

        self._run(work, self._signed_in)

    def _signed_in(self, result: SignedIn) -> None:
        me, windows, services = result
        if me.hall_id is None:
            self.api.token = None
            log.warning("sign-in of %s refused here: an account of no hall", me.staff_no)
            self._notice(text("signin.role"), failure=True)
            return
        self.me, self.windows, self.services = me, windows, services
        log.info("signed in: %s %s (%s)", me.staff_no, me.name, me.role)
        if me.must_change_password:
            log.info("a first password: %s changes it before anything else", me.staff_no)
            self.password_forced = True
            self._set_phase(Phase.password)
            self._notice(text("password.first"), failure=False)
            return
        self._notice("", failure=False)
        self._set_phase(Phase.choose)
        self.windows_loaded.emit()

    # --- the clerk's own password --------------------------------------------------------------
    def ask_password_change(self) -> None:
        """From the window choice: change one's own password (not forced: 返回 goes back)."""
        if self.me is None or self.busy:
            return
        self.password_forced = False
        self._set_phase(Phase.password)
        self._notice(text("password.own"), failure=False)

    def cancel_password_change(self) -> None:
        if self.password_forced:
            self.sign_out()  # a first password must be changed before anything else
        else:
            self._set_phase(Phase.choose)
            self._notice("", failure=False)
            self.windows_loaded.emit()

    def change_password(self, old: str, new: str, repeat: str) -> None:
        """The clerk's own new password; the server checks the old one and the rules. Then on
        to the window choice, with the new token the server gives."""
        if self.busy or self.me is None:
            return
        if not old or not new or not repeat:
            self._notice(text("password.missing"), failure=True)
            return
        if new != repeat:
            self._notice(text("password.mismatch"), failure=True)
            return
        if len(new) < MIN_PASSWORD_LENGTH:
            self._notice(text("password.too_short"), failure=True)
            return
        hall_id = self.me.hall_id
        assert hall_id is not None  # signed in here: an account of a hall

        async def work() -> tuple[list[DeskWindow], list[ServiceStatusOut]]:
            await self.api.change_password(old, new)
            return await self.api.hall_windows(hall_id), await self.api.services(hall_id)

        self._run(work, self._password_changed)

    def _password_changed(self, result: tuple[list[DeskWindow], list[ServiceStatusOut]]) -> None:
        assert self.me is not None
        log.info("password changed by %s", self.me.staff_no)
        self.me = self.me.model_copy(update={"must_change_password": False})
        self.password_forced = False
        self.windows, self.services = result
        self._set_phase(Phase.choose)
        self._notice(text("password.done"), failure=False)
        self.windows_loaded.emit()

    def preferred_window(self) -> DeskWindow | None:
        """The window to offer first: where the clerk is signed in, else this PC's window."""
        if self.me is None:
            return None
        mine = next((w for w in self.windows if w.staff_id == self.me.staff_id), None)
        if mine is not None and mine.state != "closed":
            return mine
        return next((w for w in self.windows if w.number == self.settings.window), None)

    def refresh_windows(self) -> None:
        if self.me is None or self.me.hall_id is None:
            return
        hall_id = self.me.hall_id

        def loaded(windows: list[DeskWindow]) -> None:
            self.windows = windows
            self.windows_loaded.emit()

        Operation(self.runner, lambda: self.api.hall_windows(hall_id), parent=self).success(
            loaded
        ).failure(self._not_done).run_in_background()

    def sign_out(self, message: str = "") -> None:
        """Back to the sign-in screen (the window stays as it is on the server)."""
        if self.me is not None:
            log.info("signed out: %s%s", self.me.staff_no, f" ({message})" if message else "")
        self._leave_desk()
        self.me, self.windows = None, []
        self.api.token = None
        self._set_phase(Phase.sign_in)
        if message:
            self._notice(message, failure=True)

    def _leave_desk(self) -> None:
        """Signing out: the desk (if any) stops first (`WindowController` does it)."""

    def _not_done(self, error: BaseException, action: str | None = None) -> None:
        """A request refused or unanswered, said to the clerk; a token the server no longer
        takes is a sign-out. `action`: the desk's action (None: sign-in, password or window)."""
        if isinstance(error, Unauthorized) and self.me is not None:
            self.sign_out(text("signed_out.token"))
            return
        if isinstance(error, ServerUnavailable):
            detail = text("failed.unreachable")
        else:
            detail = message_for(error)
        log.warning("%s not done: %s", action or "sign-in, password or window choice", detail)
        if action is not None:
            detail = text("failed", action=text(f"action.{action}"), detail=detail)
        self._notice(detail, failure=True)

    # --- helpers -------------------------------------------------------------------------------
    def _run(self, work: Callable[[], Awaitable[Any]], success: Callable[[Any], None]) -> None:
        self._set_busy(True)
        Operation(self.runner, work, parent=self).success(success).failure(self._not_done).finally_(
            lambda: self._set_busy(False)
        ).run_in_background()

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.busy_changed.emit(busy)

    def _set_phase(self, phase: Phase) -> None:
        self.phase = phase
        self.phase_changed.emit(phase)

    def _notice(self, message: str, *, failure: bool) -> None:
        self.last_notice = (message, failure)
        self.notice.emit(message, failure)
