"""The kiosk's 预约取号 screens in both orientations, against a real server: the start screen
with its entry, the code entered, too early, too late with the normal ticket offered, and the
ticket with 预约 and its slot.

GOVQUEUE_SCREENSHOTS_DIR=docs/screenshots refreshes docs/screenshots/kiosk-appointment-*.png.
"""

from __future__ import annotations

from typing import Any

from pytestqt.qtbot import QtBot

from app_shell.feed import ConnectionState
from kiosk_app.controller import Screen
from kiosk_app.printing.flow import PrintState
from tests.appointment_helpers import at
from tests.apps.conftest import ThreadedServer
from tests.apps.kiosk_helpers import tap
from tests.apps.pictures import ORIENTATIONS
from tests.apps.test_kiosk_appointment import DAY, book, type_like_a_reader


@ORIENTATIONS
def test_kiosk_appointment_pictures(
    qtbot: QtBot, app_server: ThreadedServer, picture_kiosk: Any
) -> None:
    now, early, late = book(app_server, [(DAY, "10:00"), (DAY, "14:00"), (DAY, "09:00")])
    app_server.clock.set(at(DAY, "09:50"))
    shots = picture_kiosk()
    kiosk = shots.kiosk
    c, window = kiosk.controller, kiosk.window
    screen = window.appointment_screen
    qtbot.waitUntil(lambda: c.connection is ConnectionState.connected, timeout=10_000)
    qtbot.waitUntil(lambda: len(window.start_screen.tiles) == 2, timeout=10_000)
    qtbot.waitUntil(window.start_screen.elderly.isEnabled, timeout=10_000)  # shows it loaded

    def save(name: str) -> None:
        shots.save(f"kiosk-appointment-{name}")

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
