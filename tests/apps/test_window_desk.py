"""The clerk's window client against a real server: sign in, every action changes the server's
state, the buttons follow the ticket, keys, refusals in words."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app_shell.bridge import AsyncRunner
from tests.apps.conftest import ThreadedServer
from tests.apps.window_helpers import (  # noqa: F401 (fixtures)
    clients_fixture,
    make_desk,
    staffed_fixture,
)
from window_client.actions import Action
from window_client.sign_in_controller import Phase

A = Action


def issue(
    server: ThreadedServer, prefix: str = "A", count: int = 1, priority: str = "normal"
) -> list[dict[str, Any]]:
    hall = server.hall
    assert hall is not None

    async def go(client: Any) -> list[dict[str, Any]]:
        return [await client.issue_ticket(hall.services[prefix], priority) for _ in range(count)]

    return server.call(go, token=hall.kiosk_token)


def record(server: ThreadedServer, number: str) -> dict[str, Any]:
    """The server's ticket-level record (明细) of `number`."""
    hall = server.hall
    assert hall is not None
    page = server.call(lambda c: c.ticket_records(hall.hall_id))
    return next(r for r in page["items"] if r["number"] == number)


def test_sign_in_opens_the_window(qtbot: QtBot, staffed: ThreadedServer, clients: Any) -> None:
    hall = staffed.hall
    assert hall is not None
    desk = clients.desk(staffed, window="1")
    c = desk.controller
    desk.controller.sign_in(hall.staff["1"], "wrong-password")
    qtbot.waitUntil(lambda: not c.busy)
    assert c.phase is Phase.sign_in
    assert desk.window.sign_in.notice.text() == "工号或密码错误，请重新输入。"
    desk.sign_in(hall.staff["1"])
    preferred = c.preferred_window()
    assert preferred is not None and preferred.number == "1"  # this PC's window, from settings
    assert [w.state for w in c.windows] == ["closed", "closed"]
    assert "1 号窗口" in desk.window.choose.tiles[preferred.id].text()
    qtbot.mouseClick(desk.window.choose.tiles[preferred.id], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: c.phase is Phase.desk and c.desk_loaded, timeout=10_000)
    qtbot.waitUntil(lambda: c.model is not None and c.model.live, timeout=10_000)
    windows = staffed.call(lambda cl: cl.hall_windows(hall.hall_id))
    assert (windows[0].state, windows[0].staff_no) == ("open", hall.staff["1"])
    assert desk.window.stack.currentWidget() is desk.window.desk
    assert desk.window.header.title.text() == "1 号窗口"
    assert desk.window.state.text() == "服务中"
    assert desk.window.staff.text() == f"窗口1 · 工号 {hall.staff['1']}"
    assert c.model is not None and c.model.enabled() == {A.call, A.pause, A.close}


def test_each_action_changes_the_server_state(
    qtbot: QtBot, staffed: ThreadedServer, clients: Any
) -> None:
    hall = staffed.hall
    assert hall is not None
    issue(staffed, "A", 3)
    desk = clients.desk(staffed)
    desk.sign_in(hall.staff["1"], "1")
    desk.act(A.call)
    assert desk.model.ticket.number == "A001" and record(staffed, "A001")["status"] == "called"
    desk.act(A.recall)
    assert record(staffed, "A001")["recall_count"] == 1
    assert desk.window.desk.notice.text() == "已重呼 A001"
    desk.act(A.no_show)
    assert record(staffed, "A001")["status"] == "no_show"
    desk.act(A.requeue)  # the shown no-show goes back into the queue
    assert record(staffed, "A001")["status"] == "waiting"
    desk.act(A.call)  # a requeued no-show keeps its place: called again first
    assert desk.model.ticket.number == "A001"
    desk.act(A.cancel)
    assert record(staffed, "A001")["status"] == "cancelled"
    desk.act(A.call)
    desk.act(A.start)
    assert record(staffed, "A002")["status"] == "serving"
    desk.act(A.transfer, service_id=hall.services["B"])
    assert record(staffed, "A002")["status"] == "transferred"
    assert record(staffed, "A002")["transferred_to"] == "B001"
    assert "已转办 · 新号 B001" in desk.window.desk.ticket.last.text()
    # an earlier no-show, requeued later from the list while another ticket is at the desk
    desk.act(A.call)
    desk.act(A.no_show)
    assert [t.number for t in desk.model.queue.no_shows] == ["A003"]
    desk.act(A.call)  # B001, the transferred one (window 1 serves A before B; A is empty)
    assert desk.model.ticket.number == "B001" and desk.model.ticket.transferred_from == "A002"
    desk.act(A.requeue, ticket_id=desk.model.queue.no_shows[0].ticket_id)
    assert record(staffed, "A003")["status"] == "waiting" and desk.model.ticket.number == "B001"
    desk.act(A.start)
    desk.act(A.finish, outcome="rejected")
    assert (record(staffed, "B001")["status"], record(staffed, "B001")["outcome"]) == (
        "done",
        "rejected",
    )
    desk.act(A.pause, reason="会议")
    windows = staffed.call(lambda cl: cl.hall_windows(hall.hall_id))
    assert (windows[0].state, windows[0].pause_reason) == ("paused", "会议")
    assert desk.window.paused.text() == "暂停服务 · 会议" and desk.window.state.isHidden()
    assert desk.model.enabled() == {A.resume, A.close}
    desk.act(A.resume)
    assert desk.window.state.text() == "服务中" and desk.window.paused.isHidden()
    assert staffed.call(lambda cl: cl.hall_windows(hall.hall_id))[0].state == "open"
    desk.act(A.close)
    assert staffed.call(lambda cl: cl.hall_windows(hall.hall_id))[0].state == "closed"
    assert desk.controller.phase is Phase.sign_in
    assert desk.window.sign_in.notice.text() == "已下班，窗口已关闭"


def enabled_buttons(desk: Any) -> set[Action]:
    return {a for a, b in desk.window.desk.buttons.items() if b.isEnabled()}


def test_buttons_follow_the_ticket_and_keys_act(
    qtbot: QtBot, staffed: ThreadedServer, clients: Any
) -> None:
    hall = staffed.hall
    assert hall is not None
    issue(staffed, "A", 2)
    desk = clients.desk(staffed)
    desk.sign_in(hall.staff["1"], "1")
    window = desk.window
    assert enabled_buttons(desk) == {A.call, A.pause, A.close}
    assert window.desk.buttons[A.call].text() == "叫号\nF1"
    qtbot.keyClick(window, Qt.Key.Key_F1)  # the key does what the button does
    qtbot.waitUntil(lambda: desk.model.ticket is not None, timeout=10_000)
    desk.settle()
    assert window.desk.ticket.number.text() == "A001"
    assert enabled_buttons(desk) == {A.recall, A.start, A.no_show, A.cancel, A.pause}
    qtbot.keyClick(window, Qt.Key.Key_F3)
    qtbot.waitUntil(lambda: desk.model.ticket.status == "serving", timeout=10_000)
    desk.settle()
    assert enabled_buttons(desk) == {A.finish, A.transfer, A.pause}
    assert window.desk.ticket.timer_label.text() == "办理用时"
    # F4 asks for the outcome; 2 picks 补正
    qtbot.keyClick(window, Qt.Key.Key_F4)
    dialog = window.dialog
    assert dialog is not None and dialog.isVisible()
    assert [b.text() for b in dialog.buttons] == ["1  办结", "2  补正", "3  退件", "4  不予受理"]
    qtbot.keyClick(dialog, Qt.Key.Key_2)
    qtbot.waitUntil(lambda: desk.model.ticket.status == "done", timeout=10_000)
    desk.settle()
    assert record(staffed, "A001")["outcome"] == "supplement"
    assert enabled_buttons(desk) == {A.call, A.pause, A.close}
    assert window.desk.ticket.last.text() == "上一位  A001 户籍办理 · 已办结 · 补正"
    desk.act(A.call)
    desk.act(A.no_show)
    assert enabled_buttons(desk) == {A.call, A.requeue, A.cancel, A.pause, A.close}
    # while an action waits for the server, nothing else can be pressed
    assert desk.controller.act(A.call)
    assert enabled_buttons(desk) == set() and desk.model.pending is A.call
    qtbot.waitUntil(lambda: desk.model.pending is None, timeout=10_000)
    assert desk.window.desk.notice.text() == "当前没有等候的办事人。"


def test_two_clients_calling_at_once_never_get_the_same_ticket(
    qtbot: QtBot, staffed: ThreadedServer, clients: Any
) -> None:
    hall = staffed.hall
    assert hall is not None
    issue(staffed, "A", 4)
    issue(staffed, "B", 4)
    one, two = clients.desk(staffed), clients.desk(staffed)
    one.sign_in(hall.staff["1"], "1")
    two.sign_in(hall.staff["2"], "2")
    seen: list[str] = []
    for _ in range(4):
        assert one.controller.act(A.call) and two.controller.act(A.call)
        for desk in (one, two):
            qtbot.waitUntil(lambda d=desk: d.model.pending is None, timeout=10_000)
        for desk in (one, two):
            desk.settle()
        shown = [one.model.ticket.number, two.model.ticket.number]
        assert shown[0] != shown[1]
        seen += shown
        for desk in (one, two):
            desk.act(A.no_show)
    assert sorted(seen) == [f"{p}00{i}" for p in "AB" for i in range(1, 5)]


def test_a_refused_action_shows_the_server_message(
    qtbot: QtBot, staffed: ThreadedServer, clients: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("INFO", logger="window_client.controller")
    hall = staffed.hall
    assert hall is not None
    # window 3 has no service: the server refuses to call, the desk says why and stays idle
    made = staffed.call(
        lambda c: c.admin_create(
            "windows", {"hall_id": hall.hall_id, "number": "3", "service_ids": []}
        )
    )
    issue(staffed, "A", 1)
    desk = clients.desk(staffed)
    desk.sign_in(hall.staff["1"], "3")
    desk.act(A.call)
    notice = desk.window.desk.notice
    assert notice.text() == "叫号未完成：3 号窗口未配置任何业务，请联系管理员。"
    assert notice.objectName() == "noticeError" and desk.model.ticket is None
    refusals = [r for r in caplog.records if r.levelname == "WARNING"]
    assert [r.getMessage() for r in refusals] == [
        "call not done: 3 号窗口未配置任何业务，请联系管理员。"
    ]  # and in the app's log
    assert desk.model.enabled() == {A.call, A.pause, A.close}
    # a window another clerk signed into after the list was loaded: refused in words
    other = clients.desk(staffed)
    other.sign_in(hall.staff["2"])
    desk.act(A.close)
    desk.sign_in(hall.staff["1"], "1")
    other.controller.open_window(hall.windows["1"])
    qtbot.waitUntil(lambda: not other.controller.busy, timeout=10_000)
    assert other.controller.phase is Phase.choose
    assert other.window.choose.notice.text() == "1 号窗口已由其他工作人员签到，请使用自己的窗口。"
    assert (
        "sign-in, password or window choice not done: 1 号窗口已由其他工作人员签到" in caplog.text
    )
    # and the list is asked again: window 1 now shows who holds it, greyed
    tiles = other.window.choose.tiles
    qtbot.waitUntil(lambda: not tiles[hall.windows["1"]].isEnabled(), timeout=10_000)
    assert "窗口1 已签到" in tiles[hall.windows["1"]].text()
    assert other.window.choose.notice.text().startswith("1 号窗口已由其他工作人员签到")
    assert made["number"] == "3"


def test_the_desk_takes_the_keyboard_back_after_every_dialog(
    qtbot: QtBot, staffed: ThreadedServer, clients: Any
) -> None:
    """Keys go where a screen sends them, to the window that has the keyboard (its handle),
    not straight to a widget: after a dialog, F1 must reach the desk with no click."""
    hall = staffed.hall
    assert hall is not None
    issue(staffed, "A", 3)
    desk = clients.desk(staffed)
    desk.sign_in(hall.staff["1"], "1")
    window = desk.window

    def key(key: Qt.Key) -> None:
        target = QApplication.focusWindow()
        assert target is not None, "no window has the keyboard"
        qtbot.keyClick(target, key)

    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=10_000)
    for choose in (Qt.Key.Key_Return, Qt.Key.Key_Escape):  # a choice, or 返回
        key(Qt.Key.Key_F1)
        qtbot.waitUntil(lambda: desk.model.ticket is not None, timeout=10_000)
        desk.settle()
        key(Qt.Key.Key_F3)
        qtbot.waitUntil(lambda: desk.model.ticket.status == "serving", timeout=10_000)
        desk.settle()
        key(Qt.Key.Key_F4)
        dialog = window.dialog
        assert dialog is not None
        qtbot.waitUntil(lambda d=dialog: QApplication.activeWindow() is d, timeout=10_000)
        key(choose)
        qtbot.waitUntil(lambda d=dialog: not d.isVisible(), timeout=10_000)
        qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=10_000)
        if choose is Qt.Key.Key_Escape:
            key(Qt.Key.Key_F4)  # back at the desk: 办结 asked again, and done this time
            qtbot.waitUntil(lambda: window.dialog is not None, timeout=10_000)
            key(Qt.Key.Key_1)
            qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=10_000)
        qtbot.waitUntil(lambda: desk.model.ticket.status == "done", timeout=10_000)
        desk.settle()
    key(Qt.Key.Key_F1)  # the third ticket, called by the key alone
    qtbot.waitUntil(lambda: desk.model.ticket.number == "A003", timeout=10_000)


def test_a_stopped_desk_asks_the_server_nothing_more(
    qtbot: QtBot, staffed: ThreadedServer, qapp: Any
) -> None:
    """When the program ends, the desk's timers and a reload still in flight must not reach
    the stopped event loop (they did: a queue reload asked for again after the stop ran on
    the next test's Qt loop and raised "AsyncRunner is not running")."""
    hall = staffed.hall
    assert hall is not None
    own = AsyncRunner().start()
    desk = make_desk(qtbot, own, staffed, window="1")
    desk.sign_in(hall.staff["1"], "1")
    c = desk.controller
    c.stop()
    own.submit(desk.api.aclose()).result(5)
    own.stop()
    c.reload_queue()  # what a timer or the feed would still call
    c.reload_today()
    qtbot.wait(50)  # pytest-qt fails the test on an exception raised in the Qt loop
    assert c.model is not None and not c._queue_loading
