"""The clerk's own password in the window client (issue 22, item 10): a first password (an
account an administrator just created, or reset) is changed right after signing in, before the
window choice; any clerk may change theirs from the window choice. Keyboard first, the
server's words for every refusal. Set GOVQUEUE_SCREENSHOTS_DIR=docs/screenshots to refresh
docs/screenshots/window-password.png."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.apps.conftest import ThreadedServer
from tests.apps.pictures import laid_out, out_dir
from tests.apps.screen_text import assert_says
from tests.apps.window_helpers import WAIT_MS, clients_fixture, staffed_fixture  # noqa: F401
from tests.helpers import STAFF_PASSWORD
from window_client.sign_in_controller import Phase

FIRST = "first-pass-123"


def type_in(qtbot: QtBot, field: Any, words: str) -> None:
    field.clear()
    qtbot.keyClicks(field, words)


def fill(qtbot: QtBot, page: Any, old: str, new: str, repeat: str) -> None:
    """The 修改密码 page's three fields, typed in."""
    type_in(qtbot, page.old, old)
    type_in(qtbot, page.new, new)
    type_in(qtbot, page.repeat, repeat)


def test_a_first_password_is_changed_at_sign_in(
    qtbot: QtBot, staffed: ThreadedServer, clients: Any, tmp_path: Path
) -> None:
    hall = staffed.hall
    assert hall is not None
    staffed.call(
        lambda admin: admin.admin_create(
            "staff",
            {
                "staff_no": "N-1001",
                "name": "张丽",
                "role": "window",
                "password": FIRST,
                "hall_id": hall.hall_id,
            },  # as an administrator creates an account: a first password
        )
    )
    desk = clients.desk(staffed, window="1")
    c, window = desk.controller, desk.window
    type_in(qtbot, window.sign_in.staff_no, "N-1001")
    type_in(qtbot, window.sign_in.password, FIRST)
    qtbot.keyClick(window.sign_in.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: c.phase is Phase.password and not c.busy, timeout=WAIT_MS)
    page = window.password
    assert window.stack.currentWidget() is page
    assert page.notice.text() == "请先设置您自己的密码，再签到窗口。"
    assert page.back.text() == "退出登录"  # no way round it but signing out
    assert page.old.hasFocus() or not window.isActiveWindow()
    type_in(qtbot, page.old, FIRST)
    type_in(qtbot, page.new, "zhangli-own-1")
    laid_out()
    picture = window.grab()
    assert picture.save(str(out_dir(tmp_path) / "window-password.png"))
    assert_says(picture.toImage(), "修改密码", "请先设置您自己的密码", "再次输入")
    # refusals in words: the two new ones differ, the old one is wrong, too short
    for old, new, repeat, says in (
        (FIRST, "new-password-1", "new-password-2", "两次输入的新密码不一致，请重新输入。"),
        (FIRST, "short", "short", "新密码至少需要 8 位。"),
        ("not-the-password", "new-password-1", "new-password-1", "原密码不正确，请重新输入。"),
        (FIRST, FIRST, FIRST, "新密码不能与原密码相同，请换一个。"),
    ):
        fill(qtbot, page, old, new, repeat)
        qtbot.keyClick(page.repeat, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda s=says: page.notice.text() == s and not c.busy, timeout=WAIT_MS)
        assert page.notice.objectName() == "noticeError" and c.phase is Phase.password
    fill(qtbot, page, FIRST, "zhangli-own-1", "zhangli-own-1")
    qtbot.keyClick(page.repeat, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: c.phase is Phase.choose and not c.busy, timeout=WAIT_MS)
    assert window.choose.notice.text() == "密码已修改，请记住新密码。"
    assert window.choose.tiles  # the hall's windows, asked with the new token
    c.open_window(hall.windows["1"])
    qtbot.waitUntil(lambda: c.phase is Phase.desk and c.desk_loaded, timeout=WAIT_MS)
    # the new password is the one that signs in now
    staffed.call(lambda client: client.login("N-1001", "zhangli-own-1"))


def test_a_clerk_changes_the_password_from_the_window_choice(
    qtbot: QtBot, staffed: ThreadedServer, clients: Any
) -> None:
    hall = staffed.hall
    assert hall is not None
    desk = clients.desk(staffed)
    desk.sign_in(hall.staff["2"])
    c, window = desk.controller, desk.window
    assert c.phase is Phase.choose
    qtbot.mouseClick(window.choose.password, Qt.MouseButton.LeftButton)
    assert c.phase is Phase.password and window.password.back.text() == "返回"
    qtbot.mouseClick(window.password.back, Qt.MouseButton.LeftButton)  # changed my mind
    assert c.phase is Phase.choose and c.me is not None
    qtbot.mouseClick(window.choose.password, Qt.MouseButton.LeftButton)
    page = window.password
    fill(qtbot, page, STAFF_PASSWORD, "window-2-own", "window-2-own")
    qtbot.mouseClick(page.submit, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: c.phase is Phase.choose and not c.busy, timeout=WAIT_MS)
    assert window.choose.notice.text() == "密码已修改，请记住新密码。"
    c.open_window(hall.windows["2"])
    qtbot.waitUntil(lambda: c.phase is Phase.desk and c.desk_loaded, timeout=WAIT_MS)
