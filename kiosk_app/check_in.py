"""The kiosk's 预约取号 screen's state: what the person entered, checking in off the GUI
thread, the refusal and the normal ticket it may offer. The controller owns it and shows the
ticket it gives like any other (printed with 预约 and its slot).

An ID card reader and a QR scanner type like a keyboard and end with Enter: the window hands
such keys here even from the start screen (`begin_typing`), which opens this screen."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from PySide6.QtCore import QObject, QTimer, Signal

from app_shell.bridge import AsyncRunner, Operation, message_for
from client.errors import ApiError, ServerUnavailable
from client.replies import IssuedTicketOut
from client.rest import ApiClient
from kiosk_app.appointment import CheckInInput, Refusal, cleaned_keys, parse_check_in, refusal
from kiosk_app.services import ServiceButton
from kiosk_app.settings import KioskSettings
from kiosk_app.texts import text


class Kiosk(Protocol):
    """What the flow needs of the kiosk's controller (which owns it)."""

    runner: AsyncRunner
    api: ApiClient
    settings: KioskSettings
    now: Callable[[], datetime]

    def button(self, service_id: int) -> ServiceButton | None: ...
    def show_issued(self, issued: IssuedTicketOut, service_name: str) -> None: ...
    def take_instead(self, service_id: int) -> bool: ...
    def close_appointment(self) -> None: ...


log = logging.getLogger(__name__)
ATTEMPTS = 3  # a lost answer is asked again with the same request_id


class CheckInFlow(QObject):
    changed = Signal()

    def __init__(self, controller: Kiosk, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.offered = False  # some service of the hall takes appointments
        self.entry = ""  # what the field holds (digits and letters only)
        self.message = ""
        self.offer: tuple[int, str] | None = None  # the normal ticket offered instead
        self.checking = False
        self._request: tuple[CheckInInput, str] | None = None  # unanswered: (what, its key)
        self._leave = QTimer(self)  # nobody touched the screen for a while: back to start
        self._leave.setSingleShot(True)
        self._leave.setInterval(int(controller.settings.idle_seconds * 1000))
        self._leave.timeout.connect(self._timed_out)

    # --- the screen ----------------------------------------------------------------------
    def reset(self) -> None:
        self.entry, self.message, self.offer, self._request = "", "", None, None
        self._leave.stop()
        self.changed.emit()

    def opened(self) -> None:
        self.reset()
        self._leave.start()

    def touched(self) -> None:
        if self._leave.isActive():
            self._leave.start()

    def set_entry(self, raw: str) -> None:
        """The field's text changed (keypad, keyboard, card reader, scanner)."""
        entry = cleaned_keys(raw)
        if entry != self.entry:
            self.entry = entry
            if self.message and not self.checking:
                self.message, self.offer = "", None
            self.touched()
            self.changed.emit()

    def key(self, key: str) -> None:
        """A key of the on-screen keypad: a digit, X, 删除 (`back`) or 清空 (`clear`)."""
        if key == "back":
            self.set_entry(self.entry[:-1])
        elif key == "clear":
            self.set_entry("")
        else:
            self.set_entry(self.entry + key)

    # --- checking in -----------------------------------------------------------------------
    def submit(self, raw: str | None = None) -> bool:
        """Check in what was entered (or `raw`, a reader's whole line); False when it is
        neither a code nor an ID number, or a check-in is already under way."""
        self.touched()
        if self.checking:
            return False
        wanted = parse_check_in(self.entry if raw is None else raw)
        if wanted is None:
            self.message, self.offer = text("appointment.bad_input"), None
            self.changed.emit()
            return False
        if self._request is None or self._request[0] != wanted:
            self._request = (wanted, uuid.uuid4().hex)
        request_id = self._request[1]
        log.info("check-in by %s", "ID number" if wanted.by_id else "appointment code")
        self.checking, self.message, self.offer = True, text("appointment.checking"), None
        self.changed.emit()
        Operation(
            self.controller.runner, lambda: self._ask(wanted, request_id), parent=self
        ).success(self._checked_in).failure(self._refused).finally_(self._done).run_in_background()
        return True

    async def _ask(self, wanted: CheckInInput, request_id: str) -> IssuedTicketOut:
        """On the runner's loop: asks again, with the same key, when the answer was lost."""
        api = self.controller.api
        for _ in range(ATTEMPTS - 1):
            try:
                return await api.check_in(
                    appointment_code=wanted.appointment_code,
                    id_no=wanted.id_no,
                    request_id=request_id,
                )
            except ServerUnavailable:
                await asyncio.sleep(self.controller.settings.retry_seconds)
        return await api.check_in(
            appointment_code=wanted.appointment_code, id_no=wanted.id_no, request_id=request_id
        )

    def _done(self) -> None:
        self.checking = False
        self.changed.emit()

    def _checked_in(self, issued: IssuedTicketOut) -> None:
        self.entry, self.message, self.offer, self._request = "", "", None, None
        self._leave.stop()
        button = self.controller.button(issued.service_id)
        self.controller.show_issued(issued, button.name if button else "")

    def _refused(self, error: BaseException) -> None:
        if isinstance(error, ApiError):
            log.info("check-in refused (%s)", error.code)
            self._request = None
            self.entry = ""  # an ID number is not left on the screen
            said = refusal(error, self.controller.now())
        else:
            log.warning("check-in not answered: %s", message_for(error))
            said = Refusal(message_for(error))
        self.message, self.offer = said.message, said.offer
        self.changed.emit()

    def take_normal(self) -> bool:
        """The offered normal ticket (the appointment came too late, or was cancelled)."""
        if self.offer is None or self.checking:
            return False
        service_id, _ = self.offer
        self.reset()
        return self.controller.take_instead(service_id)

    def _timed_out(self) -> None:
        if not self.checking:
            self.controller.close_appointment()
