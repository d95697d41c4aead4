"""A real kiosk process on a virtual 1080×1920 screen, tapped with xdotool (issue 22, item 2):
the tap that wakes the idle screen only wakes it; a double tap on 绿色通道 opens it once; a
double tap on a service makes one ticket. The same on the widget: test_kiosk_taps.py.

Where the buttons are is read off the same kiosk built offscreen at the same size against the
same server (same hall, services and fonts, so the same layout)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint

from tests.apps.conftest import ThreadedServer
from tests.apps.kiosk_helpers import centre
from tests.apps.printer_double import TcpTestPrinter
from tests.apps.test_kiosk_start import issued_today
from tests.apps.x11 import KIOSK_SETTLE_S, AppProcess, VirtualScreen, needs_x


def tickets(server: ThreadedServer) -> list[tuple[str, str]]:
    assert server.hall is not None
    hall_id = server.hall.hall_id
    records = server.call(lambda c: c.request("GET", "/stats/tickets", params={"hall_id": hall_id}))
    return [(t["number"], t["priority"]) for t in records["items"]]


@needs_x
def test_a_real_kiosk_tapped_on_its_screen(
    app_server: ThreadedServer,
    kiosks: Any,
    tcp_printer: TcpTestPrinter,
    tmp_path: Path,
) -> None:
    hall = app_server.hall
    assert hall is not None
    model = kiosks(size=(1080, 1920))  # offscreen, only to know where the buttons are
    w = model.window
    points = {
        "A": centre(w, w.start_screen.tile(hall.services["A"])),
        "B": centre(w, w.start_screen.tile(hall.services["B"])),
        "green": centre(w, w.start_screen.green),
    }
    model.controller.stop()
    with (
        VirtualScreen(1080, 1920) as screen,
        AppProcess.device(
            screen,
            tmp_path,
            "kiosk",
            app_server.base_url,
            hall.kiosk_token,
            "--printer",
            tcp_printer.spec,
            "--size",
            "1080x1920",
            env={"GOVQUEUE_IDLE_SECONDS": "10", "GOVQUEUE_CONFIRM_SECONDS": "3"},
        ) as kiosk,
    ):
        kiosk.wait_for_log(r"screen loading -> start")
        x, y, width, height = screen.window_geometry("自助取号机")
        assert (width, height) == (1080, 1920)

        def tap(name: str, times: int = 1) -> None:
            point: QPoint = points[name]
            screen.tap(x + point.x(), y + point.y(), times=times)

        # 1. idle, then one tap where 户籍办理 sits: it only wakes the kiosk
        kiosk.wait_for_log(r"screen start -> idle", timeout=60)
        tap("A")
        kiosk.wait_for_log(r"woken by a touch")
        kiosk.wait_for_log(r"screen idle -> start")
        # 2. a double tap on 绿色通道: the second tap lands where 返回 now is, and is ignored
        time.sleep(KIOSK_SETTLE_S)
        tap("green", times=2)
        kiosk.wait_for_log(r"a touch right after the screen changed was ignored")
        time.sleep(KIOSK_SETTLE_S)
        tap("B")
        kiosk.wait_for_log(r"ticket B001 issued \(社保医保, green channel\)")
        kiosk.wait_for_log(r"ticket B001 printed")
        assert tickets(app_server) == [("B001", "green")]  # the waking tap took none
        # 3. a double tap on a service: one ticket
        kiosk.wait_for_log(r"screen confirm -> start")
        time.sleep(KIOSK_SETTLE_S)
        tap("A", times=2)
        kiosk.wait_for_log(r"ticket A001 issued \(户籍办理\)")
        kiosk.wait_for_log(r"ticket A001 printed")
        kiosk.wait_for_log(r"screen confirm -> start")  # and nothing after it
        assert tickets(app_server) == [("B001", "green"), ("A001", "normal")]
        assert issued_today(app_server) == {"A": 1, "B": 1}
        assert len(tcp_printer.printed()) == 2
        # the log says which program ran, and what the printer was
        log = kiosk.log_text()
        assert "自助取号机 starting: govqueue " in log and ", Qt 6." in log
        assert f"printer {tcp_printer.spec}: ok" in log
        assert hall.kiosk_token not in log
