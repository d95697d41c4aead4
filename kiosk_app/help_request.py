"""呼叫帮办 at the kiosk: someone here needs a person. The request goes to the hall's staff
(`POST /help`); asking again before anyone took it is the same request; when a clerk takes it
(the live feed's alert.acknowledged) the kiosk says 工作人员马上就到 for a minute."""

from __future__ import annotations

import logging
from collections.abc import Callable
from enum import StrEnum
from typing import Protocol

from PySide6.QtCore import QObject

from app_shell.bridge import AsyncRunner, Operation, message_for
from app_shell.device_start import timer
from client.events import AlertAcknowledged
from client.replies import HelpOut
from client.rest import ApiClient
from kiosk_app import guidance
from kiosk_app.texts import text

log = logging.getLogger(__name__)

HELP_TAKEN_MS = 60_000  # 工作人员马上就到 shows this long after someone took the request


class HelpState(StrEnum):
    """呼叫帮办 as the kiosk shows it."""

    none = "none"
    asking = "asking"  # on its way to the server
    asked = "asked"  # the hall's staff have been told
    taken = "taken"  # someone took it: on the way


class Kiosk(Protocol):
    """What the request needs of the kiosk's controller (which owns it)."""

    runner: AsyncRunner
    api: ApiClient

    def say(self, phrase: guidance.Guide | None, *, passing: bool = False) -> None: ...


class HelpRequest(QObject):
    def __init__(
        self,
        kiosk: Kiosk,
        changed: Callable[[], None],
        refused: Callable[[str], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.kiosk = kiosk
        self.notify = changed  # the views show it again
        self.refused = refused  # the kiosk's banner
        self.state = HelpState.none
        self.alert_id: int | None = None
        self._over = timer(self, HELP_TAKEN_MS, self._done, single=True)

    def ask(self) -> bool:
        """False when there is nothing to ask yet (no hall) or it is on its way."""
        if self.state is HelpState.asking:
            return False
        self.state = HelpState.asking
        self.notify()
        Operation(self.kiosk.runner, self.kiosk.api.ask_for_help, parent=self).success(
            self._asked
        ).failure(self._failed).run_in_background()
        return True

    def _asked(self, answer: HelpOut) -> None:
        self.alert_id = answer.alert_id
        self.state = HelpState.asked
        self.kiosk.say(guidance.help_asked())
        log.info("help asked (alert %d%s)", self.alert_id, "" if answer.new else ", again")
        self._over.stop()
        self.notify()

    def _failed(self, error: BaseException) -> None:
        log.warning("help not asked: %s", message_for(error))
        self.state = HelpState.none
        self.refused(text("help.failed"))

    def acknowledged(self, data: AlertAcknowledged) -> None:
        """From the live feed: a clerk took a request (this kiosk's, or another's)."""
        if data.alert_id != self.alert_id:
            return
        log.info("help request %d taken by staff %s", data.alert_id, data.by_staff_no)
        self.state = HelpState.taken
        self._over.start()
        self.notify()

    def _done(self) -> None:
        self.state, self.alert_id = HelpState.none, None
        self.notify()
