"""The kiosk's 预约取号 screens in both orientations, against a real server: the start screen
with its entry, the code entered, too early, too late with the normal ticket offered, and the
ticket with 预约 and its slot.

GOVQUEUE_SCREENSHOTS_DIR=docs/screenshots refreshes docs/screenshots/kiosk-appointment-*.png.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from app_shell.feed import ConnectionState
from kiosk_app.controller import Screen
from kiosk_app.printing.flow import PrintState
from tests.appointment_helpers import at
from tests.apps.conftest import ThreadedServer
from tests.apps.kiosk_helpers import tap
from tests.apps.printer_double import TcpTestPrinter
from tests.apps.test_kiosk_appointment import DAY, book, type_like_a_reader
from tests.apps.test_kiosk_pictures import out_dir


@pytest.mark.parametrize(
    ("orientation", "size"), [("portrait", (1080, 1920)), ("landscape", (1920, 1080))]
)
def test_kiosk_appointment_pictures(
    qtbot: QtBot,
    app_server: ThreadedServer,
    kiosks: Any,
    tcp_printer: TcpTestPrinter,
    tmp_path: Path,
    orientation: str,
    size: tuple[int, int],
) -> None:
    now, early, late = book(app_server, [(DAY, "10:00"), (DAY, "14:00"), (DAY, "09:00")])
    app_server.clock.set(at(DAY, "09:50"))
    folder = out_dir(tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    kiosk = kiosks(printer=tcp_printer.spec, size=size)
    c, window = kiosk.controller, kiosk.window
    screen = window.appointment_screen
    qtbot.waitUntil(lambda: c.connection is ConnectionState.connected, timeout=10_000)
    qtbot.waitUntil(lambda: len(window.start_screen.tiles) == 2, timeout=10_000)
    qtbot.wait(300)  # laid out

    def save(name: str) -> None:
        image = window.grab().toImage()
        assert (image.width(), image.height()) == size
        assert image.save(str(folder / f"kiosk-appointment-{name}-{orientation}.png"))

    save("start")
    tap(qtbot, kiosk, window.start_screen.appointment)
    for digit in now["code"][:4]:
        tap(qtbot, kiosk, screen.keys[digit])
    save("entry")
    for key in screen.keys.values():
        assert key.height() >= 64 and key.width() >= 64  # >= 15 mm on a 21.5" panel
    tap(qtbot, kiosk, screen.keys["back"])
    assert screen.field.text() == now["code"][:3]
    screen.field.clear()
    c.appointments.set_entry("")
    type_like_a_reader(qtbot, kiosk, early["code"])
    qtbot.waitUntil(lambda: "开始签到" in screen.message.text(), timeout=10_000)
    save("early")
    type_like_a_reader(qtbot, kiosk, late["code"])
    qtbot.waitUntil(lambda: screen.normal.isVisible(), timeout=10_000)
    save("late")
    c.appointments.set_entry("")
    type_like_a_reader(qtbot, kiosk, now["code"])
    qtbot.waitUntil(lambda: c.print_state is PrintState.printed, timeout=10_000)
    assert c.screen is Screen.confirm
    save("ticket")
