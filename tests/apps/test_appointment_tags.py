"""An appointment's ticket on the clerk's window client (the 预约 tag, the slot, the applicant's
name in clear for the clerk serving them) and on the hall display (预约 and the slot beside the
call), against a real server and the live feed."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from client.rest import ApiClient
from tests.appointment_helpers import at
from tests.apps.conftest import ThreadedServer
from tests.apps.display_helpers import Clerks
from tests.apps.test_kiosk_appointment import DAY, book
from tests.apps.window_helpers import clients_fixture, staffed_fixture  # noqa: F401 (fixtures)
from window_client.actions import Action


def check_in(server: ThreadedServer, code: str) -> dict[str, Any]:
    hall = server.hall
    assert hall is not None

    async def go(kiosk: ApiClient) -> dict[str, Any]:
        return await kiosk.check_in(appointment_code=code)

    return server.call(go, token=hall.kiosk_token)


def walk_in(server: ThreadedServer) -> None:
    hall = server.hall
    assert hall is not None

    async def go(kiosk: ApiClient) -> None:
        await kiosk.issue_ticket(hall.services["A"])

    server.call(go, token=hall.kiosk_token)


def test_the_window_client_tags_the_appointment_and_names_the_applicant(
    qtbot: QtBot, staffed: ThreadedServer, clients: Any
) -> None:
    hall = staffed.hall
    assert hall is not None
    (booked,) = book(staffed, [(DAY, "10:00")])
    staffed.clock.set(at(DAY, "09:40"))
    walk_in(staffed)
    ticket = check_in(staffed, booked["code"])
    desk = clients.desk(staffed)
    desk.sign_in(hall.staff["1"], "1")
    queue = desk.window.desk.queue
    qtbot.waitUntil(lambda: "A002(预)" in queue_text(queue), timeout=10_000)
    assert "预约 10:00–10:30" in queue.next_up.text()
    desk.act(Action.call)
    card = desk.window.desk.ticket
    assert desk.model.ticket.number == ticket["number"] == "A002"  # before the walk-in A001
    qtbot.waitUntil(lambda: card.applicant.text() != "", timeout=10_000)  # with the queue
    assert card.appointment.isVisible() and card.appointment.text() == "预约 10:00–10:30"
    assert card.applicant.text() == f"申请人 张小三 · 证件尾号 {booked['id_no'][-4:]}"


def queue_text(panel: Any) -> str:
    return " ".join(label.text() for label in panel.findChildren(QLabel))


def test_the_hall_display_shows_the_appointment_with_the_call(
    qtbot: QtBot, hall_server: ThreadedServer, displays: Any
) -> None:
    (booked,) = book(hall_server, [(DAY, "10:00")])
    hall_server.clock.set(at(DAY, "09:40"))
    clerks = Clerks(hall_server)
    clerks.issue("A")
    check_in(hall_server, booked["code"])
    display = displays()
    screen = display.hall
    assert clerks.call("1") == ["A002"]
    qtbot.waitUntil(lambda: screen.current.number.text() == "A002", timeout=5000)
    # the 字幕 of issue 29 (the call as it is spoken) sits between the tag and the service
    assert (
        screen.current.detail.text() == "预约 10:00–10:30 · 请 A002 号 到 1 号窗口办理 · 户籍办理"
    )
    assert clerks.call("2") == ["A001"]
    qtbot.waitUntil(lambda: screen.current.number.text() == "A001", timeout=5000)
    assert screen.current.detail.text() == "请 A001 号 到 2 号窗口办理 · 户籍办理"
    assert "A002 1号窗口 · 预约" in screen.recent.texts()
    # a screen that starts now gets the tag from the snapshot
    again = displays()
    qtbot.waitUntil(lambda: "A002 1号窗口 · 预约" in again.hall.recent.texts(), timeout=5000)
