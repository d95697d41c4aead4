"""Building a kiosk (controller + window) against a test server, as `govqueue kiosk` does."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from app_shell.bridge import AsyncRunner
from client.rest import ApiClient
from kiosk_app.controller import KioskController
from kiosk_app.printing.device import TicketPrinter
from kiosk_app.printing.spec import parse_spec
from kiosk_app.settings import KioskSettings
from kiosk_app.views.window import KioskWindow
from tests.apps.conftest import ThreadedServer
from tests.apps.pictures import save_picture


@dataclass
class Kiosk:
    controller: KioskController
    window: KioskWindow
    api: ApiClient

    def tile_status(self, service_id: int) -> str:
        tile = self.window.start_screen.tile(service_id)
        return tile.status_text if tile else ""


@dataclass
class PictureKiosk:
    """A kiosk of one orientation (tests.apps.pictures.ORIENTATIONS) whose screens are
    saved as pictures named `{name}-{orientation}.png` in `folder`."""

    kiosk: Kiosk
    folder: Path
    orientation: str
    size: tuple[int, int]

    def save(self, name: str) -> QImage:
        path = self.folder / f"{name}-{self.orientation}.png"
        return save_picture(self.kiosk.window, path, self.size)


def centre(window: QWidget, widget: QWidget | None) -> QPoint:
    """The middle of `widget` in the window's coordinates, once the window's layouts have
    placed it: a widget just built (a page of service tiles) keeps its default 100×30 at
    (0, 0) until Qt handles its posted layout requests, and a tap at that point on a real
    screen lands on whatever lies there (a label: nothing happens, nothing is logged)."""
    assert widget is not None
    deadline = time.monotonic() + 5
    while True:
        QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        QApplication.processEvents()
        point = widget.mapTo(window, widget.rect().center())
        under = window.childAt(point)
        if (
            widget.isVisible()
            and under is not None
            and (under is widget or widget.isAncestorOf(under))
        ):
            return point
        assert time.monotonic() < deadline, (
            f"{type(widget).__name__} is not where the window shows it "
            f"({point.x()}, {point.y()}: {type(under).__name__} lies there)"
        )
        time.sleep(0.01)


def touch_at(qtbot: QtBot, window: QWidget, where: QWidget | QPoint | None) -> None:
    """A tap as a screen delivers it: to the window, at a point (or the middle of a widget),
    and the window hands it to whatever lies there now (not straight to a widget)."""
    assert where is not None
    point = where if isinstance(where, QPoint) else centre(window, where)
    handle = window.windowHandle()
    assert handle is not None
    qtbot.mouseClick(handle, Qt.MouseButton.LeftButton, pos=point)


def tap(qtbot: QtBot, kiosk: Kiosk, widget: QWidget | None) -> None:
    """A person's tap: once the screen has stood still (a tap right after it changed does
    nothing, on purpose), on the middle of `widget`."""
    qtbot.waitUntil(kiosk.controller.settled, timeout=5000)
    touch_at(qtbot, kiosk.window, widget)


def make_kiosk(
    qtbot: QtBot,
    runner: AsyncRunner,
    server: ThreadedServer,
    *,
    printer: str = "none",
    size: tuple[int, int] = (1080, 1920),
    timers: dict[str, float] | None = None,
    token: str | None = None,
    server_url: str | None = None,
    speech: Any = None,
    before_start: Callable[[KioskController, KioskWindow], None] | None = None,
    **settings: Any,
) -> Kiosk:
    """A kiosk showing its loaded start screen. `timers` overrides time-outs (seconds) below
    what installers may set, so tests do not wait for minutes; `before_start` sees the kiosk
    built but not yet started (to watch its first signals)."""
    assert server.hall is not None
    config = KioskSettings(
        server=server_url or server.base_url,
        device_token=token or server.hall.kiosk_token,
        printer=printer,
        width=size[0],
        height=size[1],
        retry_seconds=0.3,
        printer_timeout_s=1.0,
        **settings,
    ).model_copy(update=timers or {})
    api = ApiClient(config.server, config.device_token)
    controller = KioskController(
        runner,
        api,
        config,
        TicketPrinter(parse_spec(printer), timeout_s=config.printer_timeout_s),
        now=server.clock.now,
        speech=speech,
    )
    window = KioskWindow(controller, *size)
    qtbot.addWidget(window)
    window.show()
    if before_start is not None:
        before_start(controller, window)
    controller.start()
    qtbot.waitUntil(lambda: controller.is_loaded, timeout=10_000)
    qtbot.waitExposed(window)
    layout = window.start_screen.layout()
    assert layout is not None
    layout.activate()  # the service buttons where a person sees them (for taps at a point)
    return Kiosk(controller, window, api)
