"""`--fullscreen` without a window manager (issue 22, item 9): the app takes the screen's
size and orientation and lays itself out for it, whatever its --size default. Real
processes on Xvfb screens; the kiosk on a landscape screen is tapped where the landscape
layout puts a service."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from tests.apps.conftest import ThreadedServer
from tests.apps.kiosk_helpers import centre
from tests.apps.test_kiosk_start import issued_today
from tests.apps.x11 import KIOSK_SETTLE_S, AppProcess, VirtualScreen, needs_x


@needs_x
def test_a_fullscreen_kiosk_takes_a_landscape_screen(
    app_server: ThreadedServer, kiosks: Any, tmp_path: Path
) -> None:
    hall = app_server.hall
    assert hall is not None
    model = kiosks(size=(1920, 1080))  # offscreen: where the landscape layout puts service B
    b = centre(model.window, model.window.start_screen.tile(hall.services["B"]))
    model.controller.stop()
    with (
        VirtualScreen(1920, 1080) as screen,
        AppProcess.device(
            screen, tmp_path, "kiosk", app_server.base_url, hall.kiosk_token, "--fullscreen"
        ) as kiosk,
    ):  # --fullscreen: the kiosk's own default is 1080x1920 portrait
        kiosk.wait_for_log(r"fullscreen on a 1920x1080 screen \(landscape\)")
        kiosk.wait_for_log(r"screen loading -> start")
        assert screen.window_geometry("自助取号机") == (0, 0, 1920, 1080)
        screen.save(tmp_path / "kiosk-landscape.png")
        time.sleep(KIOSK_SETTLE_S)  # as a person: a tap at once on a new screen is ignored
        screen.tap(b.x(), b.y())
        kiosk.wait_for_log(r"ticket B001 issued \(社保医保\)")
        assert issued_today(app_server) == {"A": 0, "B": 1}


@needs_x
def test_a_fullscreen_display_takes_a_smaller_screen(
    app_server: ThreadedServer, tmp_path: Path
) -> None:
    hall = app_server.hall
    assert hall is not None
    with (
        VirtualScreen(1280, 720) as screen,
        AppProcess.device(
            screen,
            tmp_path,
            "display",
            app_server.base_url,
            hall.display_token,
            "--voice",
            "off",
            "--fullscreen",  # its default is 1920x1080
        ) as display,
    ):
        display.wait_for_log(r"fullscreen on a 1280x720 screen \(landscape\)")
        display.wait_for_log(r"live feed connected")
        assert screen.window_geometry("大厅") == (0, 0, 1280, 720)
