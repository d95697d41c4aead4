"""短信提醒 at the kiosk (issue 27) through the real kiosk window and a real server: in a
hall with an [sms] gateway the ticket screen offers "短信提醒：到号前发短信给我"; the keypad
takes the 11-digit number, 确认 sends it (the server stores it for the ticket) and the screen
shows it only masked; a number that is not a mobile shows the server's 422 sentence; each key
gives the person the screen's full time again; a hall without SMS shows no offer."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import create_engine
from sqlmodel import Session

from kiosk_app.controller import Screen
from server.store.tables import TicketPhone
from tests.apps.conftest import ThreadedServer
from tests.apps.kiosk_helpers import Kiosk, tap
from tests.outbox.fake_platform import FakePlatform
from tests.outbox.helpers import admin_apply
from tests.outbox.test_sms import KEY_ENV, SECRET, sms_file


@pytest.fixture
def sms_hall(
    app_server: ThreadedServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[ThreadedServer]:
    """The app server's hall H1 with an [sms] gateway (a fake one on 127.0.0.1)."""
    monkeypatch.setenv(KEY_ENV, SECRET)
    gateway = FakePlatform(SECRET)
    url = gateway.start()
    admin_apply(sms_file(tmp_path, url), app_server.settings.resolved_database_url())
    try:
        yield app_server
    finally:
        gateway.release()
        gateway.stop()


def ticket_on_screen(qtbot: QtBot, kiosk: Kiosk, server: ThreadedServer) -> int:
    assert server.hall is not None
    assert kiosk.controller.press(server.hall.services["A"])  # (taps: test_kiosk_taps.py)
    qtbot.waitUntil(lambda: kiosk.controller.screen is Screen.fault, timeout=10_000)
    assert kiosk.controller.ticket is not None
    return kiosk.controller.ticket.ticket_id


def stored_phone(server: ThreadedServer, ticket_id: int) -> str | None:
    engine = create_engine(server.settings.resolved_database_url())
    try:
        with Session(engine) as session:
            row = session.get(TicketPhone, ticket_id)
            return row.phone if row else None
    finally:
        engine.dispose()


def type_number(qtbot: QtBot, kiosk: Kiosk, digits: str) -> None:
    panel = kiosk.window.ticket_screen.phone_panel
    for digit in digits:
        tap(qtbot, kiosk, panel.keys[digit])


def test_the_number_left_at_the_kiosk_reaches_the_server_and_is_shown_masked(
    qtbot: QtBot, sms_hall: ThreadedServer, kiosks: Any
) -> None:
    kiosk = kiosks(timers={"tap_settle_ms": 0, "confirm_seconds": 3, "fault_seconds": 3})
    screen = kiosk.window.ticket_screen
    ticket_id = ticket_on_screen(qtbot, kiosk, sms_hall)
    assert screen.sms_offer.isVisible()
    assert screen.sms_offer.text() == "短信提醒：到号前发短信给我"
    tap(qtbot, kiosk, screen.sms_offer)
    panel = screen.phone_panel
    qtbot.waitUntil(panel.isVisible, timeout=5000)
    assert not screen.card.isVisible()
    # a wrong digit, 删除, 清空: the field follows
    type_number(qtbot, kiosk, "1399")
    tap(qtbot, kiosk, panel.keys["delete"])
    assert panel.field.text() == "139 ＿＿＿＿ ＿＿＿＿"
    tap(qtbot, kiosk, panel.keys["clear"])
    assert panel.field.text() == "＿＿＿ ＿＿＿＿ ＿＿＿＿"
    # each key gives the person the screen's full time again: typing slower than the
    # screen's 3 s never sends them away (the timer restarts on every key)
    for digit in "138":  # each with under 1.5 s left: 4.5 s in all, longer than the 3 s
        qtbot.waitUntil(lambda: kiosk.controller.seconds_left() <= 1, timeout=5000)
        tap(qtbot, kiosk, panel.keys[digit])
        assert kiosk.controller.seconds_left() >= 2  # the screen's time began again
    assert kiosk.controller.screen is Screen.fault and panel.isVisible()
    type_number(qtbot, kiosk, "123456789")  # an 12th digit is not taken
    assert panel.field.text() == "138 1234 5678"
    folder = os.environ.get("GOVQUEUE_SCREENSHOTS_DIR")
    if folder:  # docs/screenshots/kiosk-sms-portrait.png
        assert kiosk.window.grab().save(str(Path(folder) / "kiosk-sms-portrait.png"))
    tap(qtbot, kiosk, panel.confirm)
    qtbot.waitUntil(lambda: bool(kiosk.controller.phone.masked), timeout=10_000)
    assert stored_phone(sms_hall, ticket_id) == "13812345678"
    assert screen.sms_done.isVisible()
    assert screen.sms_done.text() == "已登记 138****5678，到号前会发短信提醒您"
    assert not panel.isVisible() and screen.card.isVisible()
    assert not screen.sms_offer.isVisible()
    assert kiosk.controller.phone.digits == ""  # the full number is gone from the kiosk
    assert "13812345678" not in panel.field.text()
    # the next person starts with no number and the offer again
    tap(qtbot, kiosk, screen.done)
    qtbot.waitUntil(lambda: kiosk.controller.screen is Screen.start, timeout=5000)
    assert not kiosk.controller.phone.masked


def test_a_number_that_is_not_a_mobile_shows_the_servers_words(
    qtbot: QtBot, sms_hall: ThreadedServer, kiosks: Any
) -> None:
    kiosk = kiosks(timers={"tap_settle_ms": 0})
    screen = kiosk.window.ticket_screen
    ticket_id = ticket_on_screen(qtbot, kiosk, sms_hall)
    tap(qtbot, kiosk, screen.sms_offer)
    panel = screen.phone_panel
    qtbot.waitUntil(panel.isVisible, timeout=5000)
    type_number(qtbot, kiosk, "12345678901")  # 11 digits, not a mobile: the server says 422
    tap(qtbot, kiosk, panel.confirm)
    qtbot.waitUntil(lambda: panel.message.text() == "请输入 11 位手机号码（如 13812345678）。")
    assert panel.isVisible() and not kiosk.controller.phone.masked
    assert stored_phone(sms_hall, ticket_id) is None
    tap(qtbot, kiosk, panel.cancel)  # 取消: back to the ticket, the offer still there
    qtbot.waitUntil(lambda: not panel.isVisible(), timeout=5000)
    assert screen.card.isVisible() and screen.sms_offer.isVisible()


def test_no_offer_in_a_hall_without_sms(
    qtbot: QtBot, app_server: ThreadedServer, kiosks: Any
) -> None:
    kiosk = kiosks(timers={"tap_settle_ms": 0})
    ticket_on_screen(qtbot, kiosk, app_server)
    assert not kiosk.controller.sms_on
    assert not kiosk.window.ticket_screen.sms_offer.isVisible()
    assert not kiosk.window.ticket_screen.phone_panel.isVisible()
