"""The rating pad (评价器) with the clerk's client: a finished ticket is rated on the pad and
the rating lands on that ticket with its window and clerk; no choice records nothing."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from tests.apps.conftest import ThreadedServer
from tests.apps.test_window_desk import issue, record
from tests.apps.window_helpers import clients_fixture, staffed_fixture  # noqa: F401 (fixtures)
from window_client.actions import Action
from window_client.rating import Screen

A = Action


def test_full_cycle_rated_on_the_pad(qtbot: QtBot, staffed: ThreadedServer, clients: Any) -> None:
    hall = staffed.hall
    assert hall is not None
    issue(staffed, "A", 2)
    desk = clients.desk(staffed)
    pad = clients.pad(staffed, "1")
    p = pad.controller
    assert p.screen is Screen.idle and p.window_number == "1"
    assert pad.window.idle.name.text() == "本窗口暂停服务"  # nobody signed in yet
    desk.sign_in(hall.staff["1"], "1")
    qtbot.waitUntil(lambda: pad.window.idle.name.text() == "工作人员：窗口1", timeout=10_000)
    assert pad.window.idle.staff_no.text() == f"工号：{hall.staff['1']}"
    desk.act(A.call)
    desk.act(A.start)
    staffed.clock.advance(240)
    assert p.screen is Screen.idle  # nothing to rate before the ticket is finished
    desk.act(A.finish, outcome="done")
    qtbot.waitUntil(lambda: p.screen is Screen.choices, timeout=10_000)
    assert pad.window.choices.number.text() == "号票 A001"
    assert [b.text() for b in pad.window.choices.buttons.values()] == [
        "非常满意",
        "满意",
        "基本满意",
        "不满意",
        "非常不满意",
    ]
    # 不满意: reasons first, then it is sent once with the device token
    qtbot.mouseClick(pad.window.choices.buttons[2], Qt.MouseButton.LeftButton)
    assert p.screen is Screen.reasons
    qtbot.mouseClick(pad.window.reasons.tags["等候时间长"], Qt.MouseButton.LeftButton)
    qtbot.keyClicks(pad.window.reasons.comment, "wait 40 min")
    qtbot.mouseClick(pad.window.reasons.submit, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: p.screen is Screen.thanks, timeout=10_000)
    assert pad.window.message.message.text() == "感谢您的评价！"
    rated = record(staffed, "A001")
    assert rated["evaluation_level"] == 2
    assert (rated["window_number"], rated["staff_no"]) == ("1", hall.staff["1"])
    (event,) = staffed.events("evaluation.created")
    assert (event["reasons"], event["channel"], event["window_number"]) == (
        ["等候时间长"],
        "window",
        "1",
    )
    assert event["staff_no"] == hall.staff["1"]
    # the clerk's client never shows the result
    words = ("非常满意", "满意", "基本满意", "不满意", "非常不满意", "等候时间长")
    shown = [label.text() for label in desk.window.findChildren(QLabel)]
    assert not any(w in s for s in shown for w in words if s and "满意率" not in s)
    # once per ticket: the pad does not offer A001 again, and a second send is refused
    assert not p.state.ticket_finished(rated["ticket_id"], "A001", 0, p._t())


def test_no_choice_within_the_time_out_records_nothing(
    qtbot: QtBot, staffed: ThreadedServer, clients: Any
) -> None:
    hall = staffed.hall
    assert hall is not None
    issue(staffed, "A", 1)
    desk = clients.desk(staffed)
    desk.sign_in(hall.staff["1"], "1")
    pad = clients.pad(staffed, "1")
    pad.controller.state.timeouts = pad.controller.state.timeouts.__class__(choices_s=0.5)
    desk.act(A.call)
    desk.act(A.start)
    desk.act(A.finish, outcome="done")
    qtbot.waitUntil(lambda: pad.controller.screen is Screen.choices, timeout=10_000)
    staffed.clock.advance(1)  # the pad's time is the server's
    qtbot.waitUntil(lambda: pad.controller.screen is Screen.idle, timeout=10_000)
    assert record(staffed, "A001")["evaluation_level"] is None
    assert staffed.events("evaluation.created") == []
    # the pad of window 2 never saw window 1's ticket
    other = clients.pad(staffed, "2")
    assert other.controller.screen is Screen.idle and other.controller.state.offered == set()
