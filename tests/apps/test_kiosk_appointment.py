"""预约取号 at the real kiosk widget, against a real server, printing to the TCP test printer:
the code on the keypad, the ID number from a card reader that types like a keyboard (even on
the start screen), the booking's QR from a scanner (the same); too early says when, too late
offers a normal ticket."""

from __future__ import annotations

from typing import Any

import httpx
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from client.rest import tls_context
from kiosk_app.controller import Screen
from kiosk_app.printing.flow import PrintState
from tests.appointment_helpers import HOURS, at, id_card, local
from tests.apps.conftest import ThreadedServer
from tests.apps.kiosk_helpers import Kiosk, tap
from tests.apps.printer_double import TcpTestPrinter
from tests.apps.test_kiosk_printing import chinese_lines

DAY = "2026-11-27"


def book(server: ThreadedServer, slots: list[tuple[str, str]]) -> list[dict[str, Any]]:
    """Service A takes appointments; the 政务服务网 books each (day, HH:MM) for a person."""
    hall = server.hall
    assert hall is not None

    async def go() -> list[dict[str, Any]]:
        assert server.admin is not None
        admin = server.admin
        await admin.request(
            "PATCH",
            f"/admin/services/{hall.services['A']}",
            json={"hours": HOURS, "appointment_quota": 4},
        )
        made = await admin.request(
            "POST", "/admin/integrations", json={"name": "省政务服务网", "hall_id": hall.hall_id}
        )
        async with httpx.AsyncClient(
            verify=tls_context(), base_url=server.base_url + "/api/v1"
        ) as http:
            token = (
                await http.post(
                    "/auth/token",
                    data={
                        "grant_type": "client_credentials",
                        "client_id": made["client_id"],
                        "client_secret": made["client_secret"],
                    },
                )
            ).json()["access_token"]
            booked = []
            for person, (day, hhmm) in enumerate(slots, start=1):
                answer = await http.post(
                    "/appointments",
                    headers={"Authorization": f"Bearer {token}"},
                    json={
                        "service_id": hall.services["A"],
                        "slot_start": local(day, hhmm),
                        "id_type": "id_card",
                        "id_no": id_card(person),
                        "name": "张小三",
                        "phone": "13812341234",
                    },
                )
                assert answer.status_code == 201, answer.text
                booked.append({**answer.json(), "id_no": id_card(person)})
            return booked

    return server.run(go())


def printed(qtbot: QtBot, kiosk: Kiosk) -> None:
    qtbot.waitUntil(
        lambda: (
            kiosk.controller.ticket is not None
            and kiosk.controller.print_state not in (None, PrintState.printing)
        ),
        timeout=10_000,
    )


def type_like_a_reader(qtbot: QtBot, kiosk: Kiosk, line: str) -> None:
    """Keys as a USB card reader or scanner sends them: one by one to whatever has the
    keyboard focus, then Enter."""
    kiosk.window.activateWindow()
    for char in line:
        target = QApplication.focusWidget() or kiosk.window
        qtbot.keyClick(target, char)
    qtbot.keyClick(QApplication.focusWidget() or kiosk.window, Qt.Key.Key_Return)


def test_the_code_on_the_keypad_prints_a_ticket_with_its_slot(
    qtbot: QtBot, app_server: ThreadedServer, kiosks: Any, tcp_printer: TcpTestPrinter
) -> None:
    (booked,) = book(app_server, [(DAY, "10:00")])
    app_server.clock.set(at(DAY, "09:40"))
    kiosk = kiosks(printer=tcp_printer.spec)
    start = kiosk.window.start_screen
    assert start.appointment.isVisible()
    tap(qtbot, kiosk, start.appointment)
    assert kiosk.controller.screen is Screen.appointment
    screen = kiosk.window.appointment_screen
    for digit in booked["code"]:
        tap(qtbot, kiosk, screen.keys[digit])
    assert screen.field.text() == booked["code"]
    tap(qtbot, kiosk, screen.confirm)
    printed(qtbot, kiosk)
    ticket = kiosk.controller.ticket
    assert ticket is not None and ticket.slot_text == "10:00–10:30"
    assert kiosk.controller.screen is Screen.confirm
    assert kiosk.window.ticket_screen.appointment.isVisible()
    assert kiosk.window.ticket_screen.appointment.text() == "预约 10:00–10:30"
    lines = chinese_lines(tcp_printer.last_job())
    assert "【预约】10:00–10:30" in lines and "业务：户籍办理" in lines
    issued = app_server.events("ticket.issued")
    assert issued[-1]["appointment"]["id"] == booked["id"]


def test_an_id_card_reader_typing_on_the_start_screen(
    qtbot: QtBot, app_server: ThreadedServer, kiosks: Any, tcp_printer: TcpTestPrinter
) -> None:
    (booked,) = book(app_server, [(DAY, "10:30")])
    app_server.clock.set(at(DAY, "10:05"))
    kiosk = kiosks(printer=tcp_printer.spec)
    assert kiosk.controller.screen is Screen.start
    type_like_a_reader(qtbot, kiosk, booked["id_no"].lower())
    printed(qtbot, kiosk)
    assert kiosk.controller.ticket is not None
    assert kiosk.controller.ticket.slot_text == "10:30–11:00"
    assert "【预约】10:30–11:00" in chinese_lines(tcp_printer.last_job())
    assert kiosk.window.appointment_screen.field.text() == ""  # the number is not kept


def test_the_booking_s_qr_from_a_scanner(
    qtbot: QtBot, app_server: ThreadedServer, kiosks: Any, tcp_printer: TcpTestPrinter
) -> None:
    (booked,) = book(app_server, [(DAY, "09:30")])
    app_server.clock.set(at(DAY, "09:20"))
    kiosk = kiosks(printer=tcp_printer.spec)
    tap(qtbot, kiosk, kiosk.window.start_screen.appointment)
    type_like_a_reader(qtbot, kiosk, booked["qr_text"])
    printed(qtbot, kiosk)
    assert kiosk.controller.ticket is not None and kiosk.controller.ticket.slot is not None


def test_too_early_says_when_and_too_late_offers_a_normal_ticket(
    qtbot: QtBot, app_server: ThreadedServer, kiosks: Any, tcp_printer: TcpTestPrinter
) -> None:
    early, late = book(app_server, [(DAY, "14:00"), (DAY, "09:00")])
    app_server.clock.set(at(DAY, "09:50"))
    kiosk = kiosks(printer=tcp_printer.spec)
    tap(qtbot, kiosk, kiosk.window.start_screen.appointment)
    screen = kiosk.window.appointment_screen
    type_like_a_reader(qtbot, kiosk, early["code"])
    qtbot.waitUntil(lambda: "开始签到" in screen.message.text(), timeout=10_000)
    assert "14:00–14:30" in screen.message.text() and "13:30 开始签到取号" in screen.message.text()
    assert not screen.normal.isVisible() and kiosk.controller.ticket is None
    type_like_a_reader(qtbot, kiosk, late["code"])
    qtbot.waitUntil(lambda: screen.normal.isVisible(), timeout=10_000)
    assert "09:45 截止" in screen.message.text()
    assert screen.normal.text() == "取普通号（户籍办理）"
    tap(qtbot, kiosk, screen.normal)
    printed(qtbot, kiosk)
    ticket = kiosk.controller.ticket
    assert ticket is not None and ticket.slot is None  # a walk-in's ticket
    assert not any("预约" in line for line in chinese_lines(tcp_printer.last_job()))
    assert app_server.events("ticket.issued")[-1]["appointment"] is None
