"""The kiosk's ticket reaches the server but the answer is lost on the way back: the kiosk asks
again with the same request_id and shows the ticket the server issued — never a second one."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from kiosk_app.controller import Screen
from tests.apps.conftest import ThreadedServer
from tests.apps.kiosk_helpers import tap
from tests.apps.tcp_gate import TcpGate
from tests.apps.test_kiosk_start import issued_today


@pytest.fixture
def gate(app_server: ThreadedServer) -> Iterator[TcpGate]:
    g = TcpGate(app_server.port).start()
    yield g
    g.stop()


def test_a_lost_answer_is_asked_again_and_issues_one_ticket(
    qtbot: QtBot, app_server: ThreadedServer, gate: TcpGate, kiosks: Any
) -> None:
    hall = app_server.hall
    assert hall is not None
    kiosk = kiosks(server_url=gate.url)
    gate.lose_answer_to = b"POST /api/v1/tickets"
    tap(qtbot, kiosk, kiosk.window.start_screen.tile(hall.services["A"]))
    qtbot.waitUntil(lambda: kiosk.controller.ticket is not None, timeout=15_000)
    assert gate.answers_lost == 1, "the first answer was not cut off"
    ticket = kiosk.controller.ticket
    assert ticket is not None and ticket.number == "A001"
    assert kiosk.controller.screen in (Screen.confirm, Screen.fault)
    assert issued_today(app_server) == {"A": 1, "B": 0}
    assert kiosk.controller.pending is None


def test_a_press_after_an_unanswered_one_reuses_its_key(
    qtbot: QtBot, app_server: ThreadedServer, gate: TcpGate, kiosks: Any
) -> None:
    """The server took the ticket, then the network stayed down through every retry: the
    applicant presses again once it is back and gets that same ticket, not a second."""
    hall = app_server.hall
    assert hall is not None
    kiosk = kiosks(server_url=gate.url)
    c = kiosk.controller
    gate.lose_answer_to = b"POST /api/v1/tickets"

    def cut_after_first_answer_lost() -> bool:
        if gate.answers_lost and gate.is_open:
            gate.shut()
        return not gate.is_open

    assert c.press(hall.services["B"])
    qtbot.waitUntil(cut_after_first_answer_lost, timeout=10_000)
    qtbot.waitUntil(lambda: not c.issuing, timeout=20_000)  # every retry failed
    assert c.ticket is None and c.pending is not None
    assert "无法连接服务器" in c.message
    assert issued_today(app_server) == {"A": 0, "B": 1}  # the server did take it
    gate.open()
    qtbot.waitUntil(lambda: c.server_ok, timeout=15_000)
    assert c.press(hall.services["B"])
    qtbot.waitUntil(lambda: c.ticket is not None, timeout=10_000)
    assert c.ticket is not None and c.ticket.number == "B001"
    assert issued_today(app_server) == {"A": 0, "B": 1}
    assert c.pending is None
