"""短信提醒 at the kiosk (issue 27): on the ticket's confirmation screen, when the hall sends
text messages, the applicant may leave a mobile number (opt-in) on a large keypad; 确认 sends
it to the server (`POST /tickets/{id}/phone`) and the screen shows it only masked (138****1234).
Each key gives the person the confirmation screen's full time again."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Protocol

from PySide6.QtCore import QObject

from app_shell.bridge import AsyncRunner, Operation, message_for
from client.replies import PhoneOut
from client.rest import ApiClient
from kiosk_app.texts import text
from kiosk_app.ticket import IssuedTicket


class Kiosk(Protocol):
    """What the entry needs of the kiosk's controller (which owns it)."""

    runner: AsyncRunner
    api: ApiClient
    ticket: IssuedTicket | None
    sms_on: bool

    def touched(self) -> None: ...


log = logging.getLogger(__name__)

DIGITS = 11  # a mainland mobile number


class PhoneEntry:
    """The number being typed, whether it is on its way, and what came back."""

    def __init__(self, controller: Kiosk, parent: QObject, changed: Callable[[], None]) -> None:
        self.controller = controller
        self.parent = parent  # of the server calls
        self.notify = changed  # the views show it again
        self.open = False  # the keypad is on screen
        self.digits = ""
        self.sending = False
        self.message = ""  # the server's refusal, or a hint
        self.masked = ""  # once registered: 138****1234 (the full number is gone)

    @property
    def offered(self) -> bool:
        """The button shows: the hall sends texts and this ticket has no number yet."""
        c = self.controller
        return c.sms_on and c.ticket is not None and not self.masked

    def reset(self) -> None:
        self.open, self.digits, self.sending, self.message, self.masked = (
            False, "", False, "", "",
        )  # fmt: skip

    def _changed(self) -> None:
        self.controller.touched()  # the return timer starts again: never sent away mid-entry
        self.notify()

    def start(self) -> None:
        if self.offered:
            self.open, self.digits, self.message = True, "", ""
            self._changed()

    def key(self, key: str) -> None:
        """A digit, "delete" (删除) or "clear" (清空)."""
        if not self.open or self.sending:
            return
        if key == "delete":
            self.digits = self.digits[:-1]
        elif key == "clear":
            self.digits = ""
        elif key.isdigit() and len(self.digits) < DIGITS:
            self.digits += key
        self.message = ""
        self._changed()

    def cancel(self) -> None:
        if not self.sending:
            self.open, self.digits, self.message = False, "", ""
            self._changed()

    def confirm(self) -> bool:
        ticket = self.controller.ticket
        if not self.open or self.sending or ticket is None:
            return False
        if len(self.digits) != DIGITS:
            self.message = text("sms.eleven")
            self._changed()
            return False
        self.sending, self.message = True, ""
        self._changed()
        number, ticket_id = self.digits, ticket.ticket_id
        Operation(
            self.controller.runner,
            lambda: self.controller.api.add_phone(ticket_id, number),
            parent=self.parent,
        ).success(self._added).failure(self._refused).run_in_background()
        return True

    def _added(self, answer: PhoneOut) -> None:
        self.open, self.sending, self.digits = False, False, ""
        self.masked = answer.phone
        log.info("短信提醒 registered for ticket %s", answer.ticket_id)
        self._changed()

    def _refused(self, error: BaseException) -> None:
        self.sending = False
        self.message = message_for(error)  # the server's own words
        log.info("短信提醒 refused: %s", self.message)
        self._changed()
