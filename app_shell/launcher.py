"""Starting an app: QApplication, theme, the async runner, the window, `--screenshot`.

An app gives `run_app` a function that builds its parts from a `Shell`:

    def build(shell: Shell) -> AppParts:
        controller = KioskController(shell, ...)
        window = KioskWindow(controller)
        return AppParts(window=window, ready=controller.loaded, is_ready=controller.is_loaded,
                        start=controller.start, stop=controller.stop,
                        waiting_for=controller.problem)

    raise SystemExit(run_app("自助取号机", settings, build, screenshot=path))

`ready` is emitted once the main screen's data has loaded. With `screenshot`, the app runs
offscreen, waits for `ready` (at most `settings.screenshot_timeout_s`), saves the window to a
PNG and exits 0; if the data never loads it prints why (`waiting_for()`) and exits 1.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QCoreApplication, QRect, QTimer, SignalInstance
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QWidget

from app_shell.bridge import AsyncRunner
from app_shell.exits import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from app_shell.health import HealthReporter
from app_shell.logs import log_start, route_qt_messages, start_logging
from app_shell.settings import AppSettings
from app_shell.texts import text
from app_shell.theme import apply_theme
from client.rest import ApiClient

log = logging.getLogger(__name__)

SCREENSHOT_SETTLE_MS = 300  # let the last layout and paint happen before grabbing


@dataclass
class Shell:
    """What an app's build function gets: its settings and the async runner. `diagnostic`:
    a run for a picture or a test, not the device at work (it reports no health)."""

    settings: AppSettings
    runner: AsyncRunner
    clients: list[ApiClient] = field(default_factory=list)
    diagnostic: bool = False

    def health(self, api: ApiClient) -> HealthReporter:
        """The device's health reporter: every `health_report_s`, on change and on
        reconnect; silent in a diagnostic run."""
        return HealthReporter(
            self.runner,
            api,
            interval_s=self.settings.health_report_s,
            enabled=not self.diagnostic,
        )

    def api(self, token: str | None = None) -> ApiClient:
        """A REST client for the settings' server; closed by the shell at exit."""
        client = ApiClient(self.settings.server, token or self.settings.device_token)
        self.clients.append(client)
        return client

    def close(self) -> None:
        for client in self.clients:
            if self.runner.running:
                try:
                    self.runner.submit(client.aclose()).result(timeout=5)
                except Exception:  # pragma: no cover - closing at exit, nothing to tell
                    log.debug("closing a REST client failed", exc_info=True)
        self.clients.clear()


class AppController(Protocol):
    """What every app's controller offers the shell (kiosk, display, window client, pad)."""

    @property
    def loaded(self) -> SignalInstance: ...
    @property
    def is_loaded(self) -> bool: ...
    def start(self) -> None: ...
    def stop(self) -> None: ...
    def problem(self) -> str: ...


@dataclass
class AppParts:
    window: QWidget
    ready: SignalInstance
    is_ready: Callable[[], bool]
    start: Callable[[], None]
    stop: Callable[[], None]
    waiting_for: Callable[[], str] = lambda: ""

    @classmethod
    def of(
        cls, window: QWidget, controller: AppController, stop: Callable[[], None] | None = None
    ) -> AppParts:
        """The parts of an app whose controller follows `AppController`; `stop` replaces the
        controller's own when the app has more to stop (e.g. the display's speaker)."""
        return cls(
            window=window,
            ready=controller.loaded,
            is_ready=lambda: controller.is_loaded,
            start=controller.start,
            stop=stop or controller.stop,
            waiting_for=controller.problem,
        )


def ensure_application(*, offscreen: bool = False) -> QApplication:
    """The QApplication (created once); offscreen when asked and no platform was chosen."""
    existing = QCoreApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    if offscreen:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    elif not _has_display():
        raise NoDisplay(
            "没有可用的显示器（未设置 DISPLAY）。无屏幕时可用 --screenshot 文件.png 检查界面。"
        )
    app = QApplication(sys.argv[:1])
    apply_theme(app)
    return app


class NoDisplay(RuntimeError):
    pass


def _has_display() -> bool:
    if os.environ.get("QT_QPA_PLATFORM"):
        return True
    if sys.platform in ("win32", "darwin"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def screen_geometry() -> QRect:
    """The whole primary screen (where a fullscreen app goes)."""
    screen = QGuiApplication.primaryScreen()
    return screen.geometry() if screen is not None else QRect(0, 0, 1920, 1080)


def fit_to_screen(settings: AppSettings) -> AppSettings:
    """Fullscreen takes the screen's size and orientation before the app lays itself out
    (a 1080×1920 portrait default on a landscape screen would put half of it off-screen);
    `--size` is for windows and tests."""
    if not settings.fullscreen:
        return settings
    geometry = screen_geometry()
    width, height = geometry.width(), geometry.height()
    if (width, height) != (settings.width, settings.height):
        log.info(
            "fullscreen on a %dx%d screen (%s): laid out for it, not for %dx%d",
            width,
            height,
            "portrait" if height > width else "landscape",
            settings.width,
            settings.height,
        )
    return settings.model_copy(update={"width": width, "height": height})


def show_window(window: QWidget, settings: AppSettings, title: str) -> None:
    window.setWindowTitle(f"govqueue · {title}")
    if settings.fullscreen:
        # without a window manager nobody acts on "fullscreen": the geometry says it
        window.setGeometry(screen_geometry())
        window.showFullScreen()
    else:
        window.resize(settings.width, settings.height)
        window.show()
    window.activateWindow()  # the keys go to it at once, with or without a window manager


class ScreenshotJob:
    """Waits for the app's data, grabs the window to a PNG, and ends the event loop."""

    def __init__(self, app: QApplication, parts: AppParts, path: Path, timeout_s: float) -> None:
        self.app, self.parts, self.path = app, parts, path
        self.exit_code: int | None = None
        self.message = ""
        self._timeout_s = timeout_s
        self._timer = QTimer()
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._give_up)

    def arm(self) -> None:
        self._timer.start(int(self._timeout_s * 1000))
        if self.parts.is_ready():
            QTimer.singleShot(SCREENSHOT_SETTLE_MS, self._capture)
        else:
            self.parts.ready.connect(
                lambda *_: QTimer.singleShot(SCREENSHOT_SETTLE_MS, self._capture)
            )

    def _capture(self) -> None:
        if self.exit_code is not None:
            return
        self._timer.stop()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if self.parts.window.grab().save(str(self.path), "PNG"):
            self._finish(EXIT_OK, text("screenshot.saved", path=self.path))
        else:
            self._finish(EXIT_FAILED, text("screenshot.save_failed", path=self.path))

    def _give_up(self) -> None:
        if self.exit_code is None:
            seconds = f"{self._timeout_s:g}"
            self._finish(
                EXIT_FAILED,
                text("screenshot.timeout", seconds=seconds, detail=self.parts.waiting_for()),
            )

    def _finish(self, code: int, message: str) -> None:
        self.exit_code, self.message = code, message
        self.app.exit(code)


def run_app(
    title: str,
    settings: AppSettings,
    build: Callable[[Shell], AppParts],
    *,
    screenshot: Path | None = None,
) -> int:
    """Run an app until its window closes (or its screenshot is saved); the exit code."""
    start_logging(settings.section, settings.log_file)
    log_start(title, settings.loggable())
    try:
        app = ensure_application(offscreen=screenshot is not None)
    except NoDisplay as exc:
        log.info("not started: %s", exc)
        print(str(exc), file=sys.stderr)
        return EXIT_USAGE
    route_qt_messages()
    if screenshot is not None:
        log.info("a screenshot run: the screen goes to %s, then the program ends", screenshot)
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl+C ends the app (Qt would swallow it)
    if screenshot is None:
        settings = fit_to_screen(settings)
    runner = AsyncRunner().start()
    shell = Shell(settings, runner, diagnostic=screenshot is not None)
    parts = build(shell)
    job: ScreenshotJob | None = None
    if screenshot is not None:
        settings = settings.model_copy(update={"fullscreen": False})
        job = ScreenshotJob(app, parts, screenshot, settings.screenshot_timeout_s)
    show_window(parts.window, settings, title)
    parts.start()
    if job is not None:
        job.arm()
    try:
        code = int(app.exec())
    finally:
        parts.stop()
        shell.close()
        runner.stop()
        parts.window.close()
    if job is not None:
        log.info("%s", job.message)
        print(job.message, file=sys.stderr if job.exit_code else sys.stdout)
        return job.exit_code if job.exit_code is not None else EXIT_FAILED
    log.info("%s ended (exit code %d)", title, code)
    return code
