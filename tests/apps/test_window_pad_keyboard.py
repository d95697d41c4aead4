"""The rating pad's on-screen keyboard never covers the comment field nor 提交评价 (issue 22,
item 7). Qt's keyboard is a window of its own along the bottom of the screen, 5/16 of the
screen's width high, 10 % more while it offers pinyin candidates (measured with the real
keyboard on Xvfb: 1280×800 → 400 px, 442 with candidates; 1024×600 → 320; 1920×1080 → 600;
800×1280 → 250). Offscreen, the pad is told where that keyboard is, at several sizes; the real
keyboard in a real pad process on Xvfb is in test_window_pad_keyboard_x11.py."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from tests.apps.conftest import ThreadedServer
from tests.apps.test_window_desk import issue
from tests.apps.window_helpers import clients_fixture, staffed_fixture  # noqa: F401 (fixtures)
from window_client.actions import Action
from window_client.rating import Screen


def keyboard_for(width: int, height: int, *, candidates: bool) -> QRect:
    """Where Qt's on-screen keyboard sits on a screen of this size."""
    tall = round(width * 5 / 16 * (1.105 if candidates else 1))
    return QRect(0, height - tall, width, tall)


def in_window(widget: QWidget, window: QWidget) -> QRect:
    return QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())


@pytest.mark.parametrize("size", [(1280, 800), (1024, 600), (1920, 1080), (800, 1280)])
def test_the_keyboard_never_covers_the_comment_nor_the_submit_button(
    qtbot: QtBot, staffed: ThreadedServer, clients: Any, size: tuple[int, int]
) -> None:
    hall = staffed.hall
    assert hall is not None
    issue(staffed, "A", 1)
    desk = clients.desk(staffed)
    pad = clients.pad(staffed, "1", size=size)
    window, reasons = pad.window, pad.window.reasons
    window.move(0, 0)  # fills the pad's screen, as --fullscreen does
    desk.sign_in(hall.staff["1"], "1")
    desk.act(Action.call)
    desk.act(Action.start)
    desk.act(Action.finish, outcome="done")
    qtbot.waitUntil(lambda: pad.controller.screen is Screen.choices, timeout=10_000)
    pad.controller.choose(2)
    pad.controller.toggle_reason("等候时间长")
    assert pad.controller.screen is Screen.reasons
    reasons.comment.setFocus()
    for candidates in (False, True):
        keyboard = keyboard_for(*size, candidates=candidates)
        window.keyboard_at(keyboard)
        covered = keyboard.translated(-window.mapToGlobal(QPoint(0, 0)))
        for widget in (reasons.comment, reasons.submit, reasons.back, reasons.level):
            where = in_window(widget, window)
            assert widget.isVisibleTo(window), widget
            assert window.rect().contains(where), (widget, where)
            assert not where.intersects(covered), (size, candidates, widget, where, covered)
        for widget in (reasons.comment, reasons.submit):  # not squeezed to make room
            assert widget.height() >= widget.minimumHeight() > 0
        assert reasons.chosen.text() == "已选：等候时间长"  # the tags are kept, said in words
    # the keyboard goes: the whole page again
    window.keyboard_at(QRect())
    assert window.header.isVisibleTo(window) and reasons.tag_box.isVisibleTo(window)
    assert not reasons.chosen.isVisibleTo(window)
    assert reasons.heading.text() == "请告诉我们哪里做得不好（可多选）"
