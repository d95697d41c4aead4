"""办结 with 办件编号 in the window client (real widgets offscreen, a real server): a scanner types
each number and Enter, Backspace takes the last back, Enter on an empty field goes on to the
outcome; a hall that requires them offers 办结 only once one is entered."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.apps.conftest import ThreadedServer
from tests.apps.test_window_desk import issue
from tests.apps.window_helpers import clients_fixture, staffed_fixture  # noqa: F401 (fixtures)
from window_client.actions import Action
from window_client.views.dialogs import CaseDialog, ChoiceDialog

SCREENSHOT_DIR = None  # set to a folder to look at the dialogs


def case_numbers_of(server: ThreadedServer, ticket_id: int) -> list[str]:
    async def go(client: Any) -> list[str]:
        answer = await client.request(
            "POST", f"/tickets/{ticket_id}/cases", json={"case_nos": ["X-PROBE"]}
        )
        return [n for n in answer["case_nos"] if n != "X-PROBE"]

    return server.call(go, token=server.admin.token if server.admin else None)


def set_policy(server: ThreadedServer, policy: str) -> None:
    hall = server.hall
    assert hall is not None and server.admin is not None
    admin = server.admin
    server.run(
        admin.request("PATCH", f"/admin/halls/{hall.hall_id}", json={"case_numbers": policy})
    )


def type_in(qtbot: QtBot, dialog: CaseDialog, value: str) -> None:
    qtbot.keyClicks(dialog.field, value)
    qtbot.keyClick(dialog.field, Qt.Key.Key_Return)


def test_case_numbers_scanned_at_banjie_reach_the_server(
    qtbot: QtBot, staffed: ThreadedServer, clients: Any
) -> None:
    hall = staffed.hall
    assert hall is not None
    set_policy(staffed, "optional")
    issue(staffed, "A", 1)
    desk = clients.desk(staffed)
    desk.sign_in(hall.staff["1"], "1")
    desk.act(Action.call)
    desk.act(Action.start)
    ticket_id = desk.model.ticket.ticket_id
    window = desk.window
    qtbot.keyClick(window, Qt.Key.Key_F4)
    dialog = window.dialog
    assert isinstance(dialog, CaseDialog) and dialog.isVisible()
    assert dialog.listed.text() == "尚未录入办件编号"
    type_in(qtbot, dialog, "330106202611260001")
    type_in(qtbot, dialog, "33 01")  # a mistyped one is pointed out, not added
    assert "应为字母、数字" in dialog.problem.text()
    dialog.field.clear()
    type_in(qtbot, dialog, "330106202611260002")
    type_in(qtbot, dialog, "ERR-1")
    qtbot.keyClick(dialog.field, Qt.Key.Key_Backspace)  # the field is empty: the last goes
    assert dialog.listed.text() == (
        "已录入：330106202611260001、330106202611260002（退格键删除最后一个）"
    )
    qtbot.keyClick(dialog.field, Qt.Key.Key_Return)  # empty: on to the outcome
    qtbot.waitUntil(lambda: isinstance(window.dialog, ChoiceDialog), timeout=10_000)
    outcome = window.dialog
    assert isinstance(outcome, ChoiceDialog)
    assert next(b.text() for b in outcome.buttons) == "1  办结"
    qtbot.keyClick(outcome, Qt.Key.Key_1)
    qtbot.waitUntil(lambda: desk.model.ticket.status == "done", timeout=10_000)
    assert window.dialog is None and not [
        w for w in QApplication.topLevelWidgets() if isinstance(w, ChoiceDialog) and w.isVisible()
    ], "one outcome dialog, closed"
    assert case_numbers_of(staffed, ticket_id) == ["330106202611260001", "330106202611260002"]


def test_a_hall_that_requires_them_offers_banjie_only_with_one(
    qtbot: QtBot, staffed: ThreadedServer, clients: Any
) -> None:
    hall = staffed.hall
    assert hall is not None
    set_policy(staffed, "required")
    issue(staffed, "A", 1)
    desk = clients.desk(staffed)
    desk.sign_in(hall.staff["1"], "1")
    desk.act(Action.call)
    desk.act(Action.start)
    window = desk.window
    qtbot.keyClick(window, Qt.Key.Key_F4)
    dialog = window.dialog
    assert isinstance(dialog, CaseDialog)
    assert "本大厅要求录入办件编号" in dialog.findChildren(type(dialog.listed))[1].text()
    qtbot.keyClick(dialog.field, Qt.Key.Key_Return)  # nothing entered
    qtbot.waitUntil(lambda: isinstance(window.dialog, ChoiceDialog), timeout=10_000)
    outcome = window.dialog
    assert isinstance(outcome, ChoiceDialog)
    assert [b.text() for b in outcome.buttons] == ["1  补正", "2  退件", "3  不予受理"]
    assert "未录入办件编号" in outcome.findChildren(type(dialog.listed))[1].text()
    qtbot.keyClick(outcome, Qt.Key.Key_Escape)  # back to the desk, 办结 asked again
    qtbot.waitUntil(lambda: window.dialog is None, timeout=10_000)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=10_000)
    target = QApplication.focusWindow()  # keys go to the window with the keyboard, no click
    assert target is not None
    qtbot.keyClick(target, Qt.Key.Key_F4)
    dialog = window.dialog
    assert isinstance(dialog, CaseDialog)
    type_in(qtbot, dialog, "ZJ-2026-0001")
    qtbot.keyClick(dialog.field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: isinstance(window.dialog, ChoiceDialog), timeout=10_000)
    outcome = window.dialog
    assert isinstance(outcome, ChoiceDialog) and outcome.values[0] == "done"
    qtbot.keyClick(outcome, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: desk.model.ticket.status == "done", timeout=10_000)
    assert desk.model.outcome == "done"


def test_a_hall_that_does_not_ask_keeps_one_step(
    qtbot: QtBot, staffed: ThreadedServer, clients: Any
) -> None:
    hall = staffed.hall
    assert hall is not None
    issue(staffed, "A", 1)
    desk = clients.desk(staffed)
    desk.sign_in(hall.staff["1"], "1")
    desk.act(Action.call)
    desk.act(Action.start)
    qtbot.keyClick(desk.window, Qt.Key.Key_F4)
    assert isinstance(desk.window.dialog, ChoiceDialog), "off (the default): straight to 办结"
