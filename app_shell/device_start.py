"""How a device app (kiosk, hall display, rating pad) starts: it asks the server who it is
(`GET /devices/me`) and asks again every few seconds until the server answers; then it knows
its hall and starts its feed. One class for the three controllers, which used to copy it.

    self.identity = DeviceIdentity(runner, api, retry_ms=3000, parent=self)
    self.identity.known.connect(self._identified)       # a DeviceMeOut
    self.identity.unknown.connect(self._set_message)    # why not yet, in a person's words
    self.identity.ask()                                 # in start(); stop() ends the asking
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from app_shell.bridge import AsyncRunner, Operation, message_for
from client.errors import ServerUnavailable
from client.replies import DeviceMeOut
from client.rest import ApiClient

log = logging.getLogger(__name__)


def timer(parent: QObject, ms: int, slot: Callable[[], None], *, single: bool) -> QTimer:
    """A QTimer owned by `parent` that calls `slot` every `ms` (once, with `single`)."""
    made = QTimer(parent)
    made.setInterval(ms)
    made.setSingleShot(single)
    made.timeout.connect(slot)
    return made


class DeviceIdentity(QObject):
    """`GET /devices/me`, asked until it is answered: `known` once with the answer; `unknown`
    with the reason after each failure. `only_when_unreachable`: ask again only while the
    server cannot be reached (a refusal, e.g. a revoked token, stays on the screen)."""

    known = Signal(object)  # DeviceMeOut
    unknown = Signal(str)

    def __init__(
        self,
        runner: AsyncRunner,
        api: ApiClient,
        *,
        retry_ms: int,
        what: str,
        only_when_unreachable: bool = False,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.runner, self.api, self.what = runner, api, what
        self.only_when_unreachable = only_when_unreachable
        self.me: DeviceMeOut | None = None
        self.reason = ""  # why it is not known yet (the last failure)
        self._stopped = False
        self._again = timer(self, retry_ms, self.ask, single=True)

    def ask(self) -> None:
        """Ask now (nothing once it is known or stopped)."""
        if self._stopped or self.me is not None:
            return
        Operation(self.runner, self.api.device_me, parent=self).success(self._answered).failure(
            self._failed
        ).run_in_background()

    def stop(self) -> None:
        self._stopped = True
        self._again.stop()

    def _answered(self, me: DeviceMeOut) -> None:
        if self._stopped:
            return
        self.me = me
        self.known.emit(me)

    def _failed(self, error: BaseException) -> None:
        if self._stopped:
            return
        reason = message_for(error)
        if reason != self.reason:  # once per reason, not at every attempt
            log.warning("who this %s is not known yet: %s", self.what, reason)
        self.reason = reason
        self.unknown.emit(reason)
        if not self.only_when_unreachable or isinstance(error, ServerUnavailable):
            self._again.start()
