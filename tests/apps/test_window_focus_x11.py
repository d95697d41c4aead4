"""The clerk's window client as a real process on a virtual 1366×768 screen without a window
manager, driven by keys from xdotool (issue 22, item 12): the keys reach it at start without
a click, and after the 办结 dialog closes F1 calls the next ticket. Offscreen:
test_window_desk.py::test_the_desk_takes_the_keyboard_back_after_every_dialog."""

from __future__ import annotations

from pathlib import Path

from tests.apps.conftest import ThreadedServer
from tests.apps.test_window_desk import issue
from tests.apps.window_helpers import staffed_fixture  # noqa: F401 (fixture)
from tests.apps.x11 import AppProcess, VirtualScreen, needs_x
from tests.helpers import STAFF_PASSWORD


@needs_x
def test_a_clerk_works_the_desk_by_keys_alone(staffed: ThreadedServer, tmp_path: Path) -> None:
    hall = staffed.hall
    assert hall is not None
    issue(staffed, "A", 3)
    with VirtualScreen(1366, 768) as screen:
        desk = AppProcess.start(
            screen, tmp_path, "window", "--server", staffed.base_url, "--window", "1"
        )
        try:
            desk.wait_for_log(r"the server answers")
            screen.xdotool("mousemove", "5", "760")  # the pointer away from every field
            # typed at once, no click: the client has the keyboard from its start
            screen.type_text(hall.staff["1"])
            screen.key("Return")
            screen.type_text(STAFF_PASSWORD)
            screen.key("Return")
            desk.wait_for_log(rf"signed in: {hall.staff['1']} ")
            screen.key("Return")  # this PC's window, offered first
            desk.wait_for_log(r"window 1 opened")
            desk.wait_for_log(r"live feed connected")
            screen.key("F1")
            desk.wait_for_log(r"call done: A001 called")
            screen.key("F3")
            desk.wait_for_log(r"start done: A001 serving")
            screen.key("F4")
            desk.wait_for_log(r"dialog: 办结 A001")
            screen.save(tmp_path / "finish-dialog.png")
            screen.key("Return")  # 1 办结
            desk.wait_for_log(r"finish done: A001 done \(done\)")
            screen.key("F1")  # no click in between: the desk has the keyboard again
            desk.wait_for_log(r"call done: A002 called")
            # 返回 (Esc) gives the keyboard back too
            screen.key("F3")
            desk.wait_for_log(r"start done: A002 serving")
            screen.key("F4")
            desk.wait_for_log(r"dialog: 办结 A002")
            screen.key("Escape")
            desk.wait_for_log(r"dialog closed")
            screen.key("F4")
            desk.wait_for_log(r"dialog: 办结 A002")
            screen.key("2")  # 补正
            desk.wait_for_log(r"finish done: A002 done \(supplement\)")
            screen.key("F1")
            desk.wait_for_log(r"call done: A003 called")
            # the server goes away and comes back: the desk's log says so (issue 22, item 8)
            staffed.stop()
            desk.wait_for_log(r"WARNING app_shell.feed: live feed lost: reconnecting")
            staffed.start()
            desk.wait_for_log(r"INFO app_shell.feed: live feed connected")
            assert STAFF_PASSWORD not in desk.log_text()
        finally:
            desk.stop()
