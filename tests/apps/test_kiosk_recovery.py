"""The kiosk when the server goes away and comes back, and its screens' time-outs."""

from __future__ import annotations

from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from app_shell.feed import ConnectionState
from kiosk_app.controller import Screen
from tests.apps.conftest import ThreadedServer
from tests.apps.kiosk_helpers import tap, touch_at


def test_server_stopped_and_restarted(
    qtbot: QtBot, app_server: ThreadedServer, kiosks: Any
) -> None:
    hall = app_server.hall
    assert hall is not None
    a = hall.services["A"]
    kiosk = kiosks()
    c, start = kiosk.controller, kiosk.window.start_screen
    app_server.stop()
    qtbot.waitUntil(
        lambda: not c.server_ok and c.connection is ConnectionState.reconnecting, timeout=10_000
    )
    # it says so plainly and offers nothing it cannot issue
    assert start.banner.isVisible() and "无法连接服务器" in start.banner.text()
    assert kiosk.window.marker.isVisible() and "重新连接中" in kiosk.window.marker.text()
    tile = start.tile(a)
    assert tile is not None and not tile.isEnabled()
    assert tile.status_text == "暂时不能取号"
    tap(qtbot, kiosk, tile)
    assert c.press(a) is False and c.ticket is None
    assert not start.green.isEnabled()
    # back by itself: live counts resume, tickets can be taken, no restart
    app_server.start()
    qtbot.waitUntil(
        lambda: c.server_ok and c.connection is ConnectionState.connected, timeout=15_000
    )
    assert not start.banner.isVisible() and not kiosk.window.marker.isVisible()
    app_server.call(lambda cl: cl.issue_ticket(a), token=hall.kiosk_token)
    qtbot.waitUntil(lambda: kiosk.tile_status(a).startswith("等候 1 人"), timeout=5000)
    tap(qtbot, kiosk, start.tile(a))
    qtbot.waitUntil(lambda: c.ticket is not None, timeout=5000)
    assert c.ticket is not None and c.ticket.number == "A002"


def test_a_refused_ticket_says_why_and_stays_on_the_start_screen(
    qtbot: QtBot, app_server: ThreadedServer, kiosks: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("INFO", logger="kiosk_app.controller")
    hall = app_server.hall
    assert hall is not None
    made = app_server.call(
        lambda c: c.admin_create(
            "services",
            {
                "hall_id": hall.hall_id,
                "name": "不动产登记",
                "prefix": "C",
                "hours": [["09:00", "09:30"]],
            },
        )
    )
    kiosk = kiosks()
    assert kiosk.controller.can_press(made["id"])
    app_server.clock.advance(45 * 60)  # 09:45: closed, but the kiosk has not refreshed yet
    assert kiosk.controller.press(made["id"])
    qtbot.waitUntil(lambda: not kiosk.controller.issuing, timeout=5000)
    banner = kiosk.window.start_screen.banner
    assert banner.isVisible() and banner.text().startswith(
        "未能取号：业务“不动产登记”当前不在取号时间内"
    )
    assert kiosk.controller.screen is Screen.start and kiosk.controller.ticket is None
    refused = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert refused and refused[0].startswith("ticket refused by the server (service_closed): ")
    # and the list is reloaded at once: the button now says why it cannot be pressed
    qtbot.waitUntil(lambda: kiosk.tile_status(made["id"]) == "今日取号已结束", timeout=5000)


def test_confirmation_returns_idle_screen_and_a_touch_wakes_it(
    qtbot: QtBot, app_server: ThreadedServer, kiosks: Any
) -> None:
    hall = app_server.hall
    assert hall is not None
    kiosk = kiosks(timers={"idle_seconds": 0.6, "fault_seconds": 0.6})
    c = kiosk.controller
    qtbot.waitUntil(lambda: c.screen is Screen.idle, timeout=5000)
    assert kiosk.window.stack.currentWidget() is kiosk.window.idle_screen
    touch_at(qtbot, kiosk.window, kiosk.window.idle_screen)
    assert c.screen is Screen.start
    c.press(hall.services["A"])
    qtbot.waitUntil(lambda: c.screen is Screen.fault, timeout=5000)  # no printer: on screen
    assert "本机不打印号票" in kiosk.window.ticket_screen.fault_text.text()
    assert not kiosk.window.ticket_screen.reprint.isVisible()
    qtbot.waitUntil(lambda: c.screen in (Screen.start, Screen.idle), timeout=5000)
    assert c.ticket is None
