"""What a touch does on the kiosk (issue 22, item 2): the touch that wakes the idle screen
only wakes it, and the second tap of a double tap lands on nothing the first one brought up.
Taps go to the window at a point, as a touch screen delivers them (tests/apps/kiosk_helpers);
the same, tapped with xdotool on a real kiosk process, is in test_kiosk_taps_x11.py."""

from __future__ import annotations

from typing import Any

from pytestqt.qtbot import QtBot

from kiosk_app.controller import Screen
from tests.apps.conftest import ThreadedServer
from tests.apps.kiosk_helpers import centre, tap, touch_at
from tests.apps.test_kiosk_start import issued_today

# long enough that two taps in a row, under any load, fall inside it
SLOW_SETTLE = {"tap_settle_ms": 3000}


def test_the_tap_that_wakes_the_idle_kiosk_only_wakes_it(
    qtbot: QtBot, app_server: ThreadedServer, kiosks: Any
) -> None:
    hall = app_server.hall
    assert hall is not None
    # no settling time: what keeps the waking touch from acting is that it woke the kiosk
    kiosk = kiosks(timers={"idle_seconds": 2, "tap_settle_ms": 0})
    c, window = kiosk.controller, kiosk.window
    a_tile = window.start_screen.tile(hall.services["A"])
    where = centre(window, a_tile)  # where 户籍办理 sits on the start screen
    qtbot.waitUntil(lambda: c.screen is Screen.idle, timeout=5000)
    assert window.stack.currentWidget() is window.idle_screen
    touch_at(qtbot, window, where)
    assert c.screen is Screen.start  # awake ...
    assert not c.issuing and c.ticket is None  # ... and nothing else
    # the next tap, on the start screen the person now sees, takes the first ticket
    tap(qtbot, kiosk, a_tile)
    qtbot.waitUntil(lambda: c.ticket is not None, timeout=5000)
    assert c.ticket is not None and c.ticket.number == "A001"
    assert issued_today(app_server) == {"A": 1, "B": 0}


def test_a_double_tap_on_the_idle_screen_only_wakes_it(
    qtbot: QtBot, app_server: ThreadedServer, kiosks: Any
) -> None:
    hall = app_server.hall
    assert hall is not None
    kiosk = kiosks(timers={"idle_seconds": 0.6, **SLOW_SETTLE})
    c, window = kiosk.controller, kiosk.window
    where = centre(window, window.start_screen.tile(hall.services["B"]))
    qtbot.waitUntil(lambda: c.screen is Screen.idle, timeout=5000)
    touch_at(qtbot, window, where)
    touch_at(qtbot, window, where)  # the second tap lands on the start screen just shown
    assert c.screen is Screen.start
    assert not c.issuing and c.ticket is None  # a press would have set `issuing` at once
    assert issued_today(app_server) == {"A": 0, "B": 0}


def test_a_double_tap_on_a_service_makes_one_ticket_and_keeps_it_on_screen(
    qtbot: QtBot, app_server: ThreadedServer, kiosks: Any
) -> None:
    hall = app_server.hall
    assert hall is not None
    kiosk = kiosks(**SLOW_SETTLE)
    c, window = kiosk.controller, kiosk.window
    tile = window.start_screen.tile(hall.services["A"])
    tap(qtbot, kiosk, tile)
    touch_at(qtbot, window, tile)
    qtbot.waitUntil(lambda: c.screen in (Screen.confirm, Screen.fault), timeout=5000)
    # a late second tap lands on 完成 of the ticket screen: it must not take the ticket away
    touch_at(qtbot, window, window.ticket_screen.done)
    assert c.screen is Screen.fault and c.ticket is not None  # no printer: shown on screen
    assert c.ticket.number == "A001"
    assert issued_today(app_server) == {"A": 1, "B": 0}
    tap(qtbot, kiosk, window.ticket_screen.done)  # once it has been seen, 完成 works
    assert c.screen is Screen.start and c.ticket is None
    assert issued_today(app_server) == {"A": 1, "B": 0}


def test_a_double_tap_on_the_green_channel_opens_it_once(
    qtbot: QtBot, app_server: ThreadedServer, kiosks: Any
) -> None:
    hall = app_server.hall
    assert hall is not None
    kiosk = kiosks(**SLOW_SETTLE)
    c, window = kiosk.controller, kiosk.window
    green = window.start_screen.green
    where = centre(window, green)
    tap(qtbot, kiosk, green)
    # the second tap lands where 绿色通道 was and 返回 now is
    touch_at(qtbot, window, where)
    assert c.green_mode and window.start_screen.back.isVisible()
    tap(qtbot, kiosk, window.start_screen.tile(hall.services["B"]))
    qtbot.waitUntil(lambda: c.ticket is not None, timeout=5000)
    assert c.ticket is not None and c.ticket.green and c.ticket.number == "B001"
    assert issued_today(app_server) == {"A": 0, "B": 1}
    records = app_server.call(
        lambda cl: cl.request("GET", "/stats/tickets", params={"hall_id": hall.hall_id})
    )
    assert [t["priority"] for t in records["items"]] == ["green"]


def test_a_touch_right_after_the_screen_changed_is_ignored_and_said_in_the_log(
    qtbot: QtBot, app_server: ThreadedServer, kiosks: Any, caplog: Any
) -> None:
    hall = app_server.hall
    assert hall is not None
    kiosk = kiosks(timers={"idle_seconds": 2, "tap_settle_ms": 1000})
    c = kiosk.controller
    qtbot.waitUntil(lambda: c.screen is Screen.idle, timeout=5000)
    caplog.set_level("INFO", logger="kiosk_app.controller")
    assert c.finger_down() is False  # woke
    assert c.finger_down() is False  # the screen just changed
    messages = [r.getMessage() for r in caplog.records]
    assert "woken by a touch" in messages
    assert "a touch right after the screen changed was ignored" in messages
    qtbot.waitUntil(c.settled, timeout=5000)
    assert c.finger_down() is True
