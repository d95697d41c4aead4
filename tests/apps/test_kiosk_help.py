"""呼叫帮办 (issue 29) through the real apps and server: the button in the kiosk's header on
every screen (standard, 长辈版, ticket), pressed; the window client of the hall's 导办 desk shows
"1号取号机需要帮助" (the other window's does not) and takes it with 我去协助; the kiosk then says
工作人员马上就到; the alert is acknowledged once, by that clerk."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app_shell.bridge import AsyncRunner
from kiosk_app.controller import Screen
from kiosk_app.help_request import HelpState
from tests.apps.conftest import ThreadedServer
from tests.apps.kiosk_helpers import make_kiosk, tap
from tests.apps.window_helpers import clients_fixture, staffed_fixture  # noqa: F401 (fixtures)


def test_help_from_the_kiosk_reaches_the_guide_desk_and_is_taken_once(
    qtbot: QtBot, staffed: ThreadedServer, clients: Any, runner: AsyncRunner
) -> None:
    hall = staffed.hall
    assert hall is not None
    desk_window = hall.windows["2"]
    staffed.call(
        lambda c: c.request(
            "PATCH", f"/admin/halls/{hall.hall_id}", json={"guide_window_id": desk_window}
        )
    )
    guide = clients.desk(staffed, window="2")
    guide.sign_in(hall.staff["2"], "2")
    other = clients.desk(staffed, window="1")
    other.sign_in(hall.staff["1"], "1")
    kiosk = make_kiosk(qtbot, runner, staffed, token=hall.kiosk_token)
    window = kiosk.window
    # the button is there on every screen: standard, 长辈版, a ticket on screen
    assert window.help.isVisible() and window.help.text() == "☎ 呼叫帮办"
    tap(qtbot, kiosk, window.start_screen.elderly)
    qtbot.waitUntil(lambda: kiosk.controller.elderly, timeout=5000)
    assert window.help.isVisible()
    tap(qtbot, kiosk, window.elderly_screen.tile(hall.services["A"]))
    qtbot.waitUntil(lambda: kiosk.controller.screen is Screen.fault, timeout=10_000)
    assert window.help.isVisible()
    tap(qtbot, kiosk, window.help)
    qtbot.waitUntil(lambda: kiosk.controller.help is HelpState.asked, timeout=10_000)
    assert window.help.text() == "已呼叫，请稍候"
    # the 导办 desk shows it; the other window does not
    bar = guide.window.desk.help
    qtbot.waitUntil(lambda: bar.isVisible(), timeout=10_000)
    assert bar.words.text() == "1号取号机需要帮助"
    folder = os.environ.get("GOVQUEUE_SCREENSHOTS_DIR")
    if folder:  # docs/screenshots/window-desk-help.png
        assert guide.window.grab().save(str(Path(folder) / "window-desk-help.png"))
    assert not other.window.desk.help.isVisible() and not other.model.help_requests
    tap(qtbot, kiosk, window.help)  # pressed again: the same request
    qtbot.waitUntil(lambda: kiosk.controller.help is HelpState.asked, timeout=10_000)
    qtbot.mouseClick(bar.go, Qt.MouseButton.LeftButton)
    notice = guide.window.desk.notice
    qtbot.waitUntil(lambda: "请前往协助" in notice.text(), timeout=10_000)  # the answer
    qtbot.waitUntil(lambda: not bar.isVisible(), timeout=10_000)
    qtbot.waitUntil(lambda: kiosk.controller.help is HelpState.taken, timeout=10_000)
    assert window.help.text() == "工作人员马上就到"
    alerts = staffed.call(
        lambda c: c.request("GET", "/alerts", params={"hall_id": hall.hall_id, "state": "all"})
    )
    helps = [a for a in alerts["items"] if a["kind"] == "help"]
    assert len(helps) == 1 and helps[0]["acknowledged_by_no"] == hall.staff["2"]
    assert len(staffed.events("help.requested")) == 1
    assert len(staffed.events("alert.acknowledged")) == 1
    counts = staffed.call(
        lambda c: c.request("GET", "/help/counts", params={"hall_id": hall.hall_id})
    )
    assert counts["total"] == 1
    kiosk.controller.stop()
