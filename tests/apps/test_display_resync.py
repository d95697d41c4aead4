"""Never miss a call: the server goes away and comes back while windows keep calling."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from app_shell.feed import ConnectionState
from tests.apps.conftest import ThreadedServer
from tests.apps.display_helpers import Clerks
from tests.apps.tcp_gate import TcpGate


@pytest.fixture
def gate(hall_server: ThreadedServer) -> Iterator[TcpGate]:
    g = TcpGate(hall_server.port).start()
    yield g
    g.stop()


def test_calls_made_while_away_are_all_shown_and_only_the_last_said_once(
    qtbot: QtBot, hall_server: ThreadedServer, gate: TcpGate, displays: Any
) -> None:
    clerks = Clerks(hall_server)
    clerks.issue("A", 5)
    clerks.issue("B", 5)
    display = displays(base_url=gate.url)
    c = display.controller
    clerks.call("1")
    qtbot.waitUntil(lambda: len(display.speaker.played) == 1, timeout=3000)
    # the server is killed; the screen says it is not live, and keeps what it showed
    gate.shut()
    hall_server.stop()
    qtbot.waitUntil(lambda: c.connection is ConnectionState.reconnecting, timeout=5000)
    marker = display.window.marker
    qtbot.waitUntil(lambda: marker.isVisible(), timeout=1000)
    assert "重新连接中" in marker.text()
    assert display.hall.current.number.text() == "A001"
    # it comes back; the windows call while the screen still cannot reach it
    hall_server.start()
    missed = clerks.call("1", "2") + clerks.call("2") + clerks.call("1", "2")
    assert len(missed) == 5
    gate.open()
    qtbot.waitUntil(lambda: len(display.shown()) == 6, timeout=15_000)
    logged = [(e["number"], e["window_number"]) for e in hall_server.events("ticket.called")]
    assert display.shown() == logged  # every call, in the order they were made
    qtbot.waitUntil(lambda: not marker.isVisible(), timeout=3000)
    qtbot.waitUntil(lambda: not c.announcer.catching_up, timeout=5000)
    qtbot.waitUntil(lambda: len(display.speaker.played) == 2, timeout=3000)
    last_number, last_window = logged[-1]
    assert display.speaker.texts == [
        "请 A001 号 到 1 号窗口办理",
        f"请 {last_number} 号 到 {last_window} 号窗口办理",
    ]
    assert display.hall.current.number.text() == last_number
    # and it is live again: the next call is said at once, on its own
    clerks.call("1")
    qtbot.waitUntil(lambda: len(display.speaker.played) == 3, timeout=3000)
    assert len(display.shown()) == 7
    # nothing said twice: the next call is said right after it (the voice keeps the order)
    clerks.call("2")
    qtbot.waitUntil(lambda: len(display.speaker.played) >= 4, timeout=3000)
    live = display.speaker.texts[2:]
    assert len(live) == 2 and live[0] != live[1], live
