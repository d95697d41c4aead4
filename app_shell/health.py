"""A device's health, reported to the server (`POST /devices/me/status`) the same way by
every device app — kiosk, hall display, rating pad:

- when it changes (the kiosk's printer runs out of paper);
- again every `health_report_s` (60 s by default), so the console's "last seen" moves, a
  device the server stops hearing from is 离线 after 2 minutes, and a health another process
  wrote with the same token (an installer's test) is corrected within a minute;
- again when the live feed comes back after a blip or a server restart.

A diagnostic run (`--screenshot`, `--test-print`, `--test-voice`) never reports: it is not
the device at work, and must not overwrite what the real one said (`enabled=False`; the
shell makes it so for `--screenshot`).

    health = shell.health(api)                 # or HealthReporter(runner, api)
    health.set_health("warning", detail="本机没有声音设备")
    feed.state_changed.connect(health.connection_changed)
    health.start()
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from importlib import metadata

from PySide6.QtCore import QObject, QTimer

from app_shell.bridge import AsyncRunner, Operation, message_for
from app_shell.feed import ConnectionState
from client.rest import ApiClient

log = logging.getLogger(__name__)
DEFAULT_REPORT_S = 60.0


def app_version() -> str:
    """The installed govqueue's version (what the console's device list shows)."""
    try:
        return metadata.version("govqueue")
    except metadata.PackageNotFoundError:  # pragma: no cover - run from a bare checkout
        return "dev"


@dataclass(frozen=True)
class Health:
    status: str  # ok, warning, error
    printer: str | None = None
    detail: str | None = None


class HealthReporter(QObject):
    """Reports a device's health on change, periodically and on reconnect (module doc)."""

    def __init__(
        self,
        runner: AsyncRunner,
        api: ApiClient,
        *,
        interval_s: float = DEFAULT_REPORT_S,
        enabled: bool = True,
        version: str | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.runner, self.api, self.enabled = runner, api, enabled
        self.version = version or app_version()
        self.health: Health | None = None  # nothing to say before the app knows
        self.reported: Health | None = None  # what the server confirmed last
        self.reports = 0  # confirmed reports (tests, diagnostics)
        self._sending = False
        self._again = False
        self._was_connected = False
        self._timer = QTimer(self)
        self._timer.setInterval(int(interval_s * 1000))
        self._timer.timeout.connect(self.report)

    def start(self) -> None:
        if self.enabled:
            self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        self.enabled = False

    def set_health(
        self, status: str, printer: str | None = None, detail: str | None = None
    ) -> None:
        """The app's health now; sent at once when it differs from what was reported."""
        self.health = Health(status, printer, detail)
        if self.health != self.reported:
            self.report()

    def connection_changed(self, state: object) -> None:
        """Connect to a FeedBridge's `state_changed`: back after a blip, say it again."""
        if state is ConnectionState.connected:
            if self._was_connected:
                self.report()
            self._was_connected = True

    def report(self) -> None:
        if not self.enabled or self.health is None:
            return
        if self._sending:  # one at a time; the latest health goes next
            self._again = True
            return
        self._sending = True
        health = self.health
        Operation(
            self.runner,
            lambda: self.api.report_device_status(
                health.status, printer=health.printer, detail=health.detail, version=self.version
            ),
            parent=self,
        ).success(lambda _: self._reported(health)).failure(
            lambda error: log.info("device status not reported: %s", message_for(error))
        ).finally_(self._sent).run_in_background()

    def _reported(self, health: Health) -> None:
        self.reported = health
        self.reports += 1

    def _sent(self) -> None:
        self._sending = False
        if self._again:  # the health changed while this one was on its way
            self._again = False
            if self.health != self.reported:
                self.report()
