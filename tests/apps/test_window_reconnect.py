"""Server restart or network loss: the desk keeps its ticket, says it is reconnecting, offers
nothing, resyncs from the feed, and an action the server never confirmed is shown as not done."""

from __future__ import annotations

from typing import Any

from pytestqt.qtbot import QtBot

from tests.apps.conftest import ThreadedServer
from tests.apps.test_window_desk import issue, record
from tests.apps.window_helpers import clients_fixture, staffed_fixture  # noqa: F401 (fixtures)
from window_client.actions import Action
from window_client.rating import Screen

A = Action


def test_restart_keeps_the_ticket_and_resyncs(
    qtbot: QtBot, staffed: ThreadedServer, clients: Any
) -> None:
    hall = staffed.hall
    assert hall is not None
    issue(staffed, "A", 3)
    desk = clients.desk(staffed)
    desk.sign_in(hall.staff["1"], "1")
    pad = clients.pad(staffed, "1")
    desk.act(A.call)
    desk.act(A.start)
    c, window = desk.controller, desk.window
    staffed.stop()
    # an action pressed before the client noticed: the server never confirmed it
    assert c.act(A.finish, outcome="done")
    qtbot.waitUntil(lambda: c.model.pending is None, timeout=15_000)
    assert window.desk.notice.text() == "办结未完成：无法连接服务器，操作未执行，请稍后重试。"
    assert c.model.ticket.status == "serving"
    qtbot.waitUntil(lambda: not c.model.live, timeout=15_000)
    assert window.marker.isVisible() and "重新连接中" in window.marker.text()
    assert window.desk.ticket.number.text() == "A001"  # still on screen
    assert all(not b.isEnabled() for b in window.desk.buttons.values())
    staffed.start()
    qtbot.waitUntil(lambda: c.model.live, timeout=20_000)
    desk.settle()
    assert not window.marker.isVisible()
    assert c.model.ticket.number == "A001" and c.model.ticket.status == "serving"
    assert {a for a, b in window.desk.buttons.items() if b.isEnabled()} == {
        A.finish,
        A.transfer,
        A.pause,
    }
    # and it works again: finish, the pad (which reconnected too) offers the rating
    qtbot.waitUntil(lambda: pad.controller.feed is not None and pad.window.marker.isHidden())
    desk.act(A.finish, outcome="done")
    assert record(staffed, "A001")["status"] == "done"
    qtbot.waitUntil(lambda: pad.controller.screen is Screen.choices, timeout=10_000)


def test_missed_events_are_replayed_after_a_network_blip(
    qtbot: QtBot, staffed: ThreadedServer, clients: Any
) -> None:
    hall = staffed.hall
    assert hall is not None
    issue(staffed, "A", 2)
    desk = clients.desk(staffed)
    desk.sign_in(hall.staff["1"], "1")
    c = desk.controller
    desk.act(A.call)
    assert c.feed is not None
    c.feed.drop_connection()
    # while the desk reconnects, the ticket is finished elsewhere (a supervisor at the server)
    supervisor_token = staffed.call(lambda cl: cl.login(hall.supervisor_no, "window-password-1"))[
        "access_token"
    ]
    ticket_id = c.model.ticket.ticket_id
    staffed.call(lambda cl: cl.ticket_action(ticket_id, "start"), token=supervisor_token)
    staffed.call(
        lambda cl: cl.ticket_action(ticket_id, "finish", {"outcome": "returned"}),
        token=supervisor_token,
    )
    qtbot.waitUntil(lambda: c.model.ticket.status == "done", timeout=15_000)
    desk.settle()
    assert c.model.outcome == "returned"
    assert desk.window.desk.ticket.last.text() == "上一位  A001 户籍办理 · 已办结 · 退件"
    assert c.model.enabled() >= {A.call}
    # a call the desk did not make itself (here a supervisor's; or one whose answer was lost)
    # appears from the feed, and the desk says so
    staffed.call(lambda cl: cl.call_next(hall.windows["1"]), token=supervisor_token)
    qtbot.waitUntil(lambda: c.model.ticket.number == "A002", timeout=10_000)
    assert desk.window.desk.notice.text() == "已叫号 A002"
    assert desk.window.desk.ticket.number.text() == "A002"
