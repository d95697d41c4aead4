"""The hall screen against a real server: calls appear at once, in order, and are said once."""

from __future__ import annotations

from typing import Any

from pytestqt.qtbot import QtBot

from tests.apps.conftest import ThreadedServer
from tests.apps.display_helpers import Clerks


def test_a_call_appears_with_its_window_and_is_said(
    qtbot: QtBot, hall_server: ThreadedServer, displays: Any
) -> None:
    clerks = Clerks(hall_server)
    clerks.issue("A", 2)
    display = displays()
    screen = display.hall
    assert display.latest is None and screen.current.number.text() == "欢迎光临"
    # the waiting counts came with the snapshot
    assert screen.counts.texts() == ["户籍办理 2 人", "社保医保 0 人"]
    assert display.window.header.title.text() == "H1 政务服务中心"
    [number] = clerks.call("2")
    assert number == "A001"
    qtbot.waitUntil(lambda: display.latest is not None, timeout=3000)
    qtbot.waitUntil(lambda: screen.current.number.text() == "A001", timeout=1000)
    assert screen.current.where.text() == "→ 2号窗口"
    assert display.controller.highlighted and screen.current.property("fresh") is True
    qtbot.waitUntil(lambda: screen.counts.texts()[0] == "户籍办理 1 人", timeout=3000)
    qtbot.waitUntil(lambda: len(display.speaker.played) == 1, timeout=3000)
    assert display.speaker.texts == ["请 A001 号 到 2 号窗口办理"]
    # a recall is said again, and the number stays listed once
    clerks.recall("2")
    qtbot.waitUntil(lambda: len(display.speaker.played) == 2, timeout=3000)
    assert display.speaker.texts[-1] == "请 A001 号 到 2 号窗口办理"
    assert display.shown() == [("A001", "2")]
    assert "重呼" in screen.current.detail.text()


def test_calls_in_the_same_second_all_appear_in_order_and_are_each_said_once(
    qtbot: QtBot, hall_server: ThreadedServer, displays: Any
) -> None:
    clerks = Clerks(hall_server)
    clerks.issue("A", 6)
    clerks.issue("B", 6)
    display = displays(highlight_seconds=1)
    called: list[str] = []
    for _ in range(4):
        called += clerks.call("1", "2")
    qtbot.waitUntil(lambda: len(display.shown()) == 8, timeout=5000)
    # the order of the hall's event log, which is the order the server committed the calls
    logged = [(e["number"], e["window_number"]) for e in hall_server.events("ticket.called")]
    assert display.shown() == logged and sorted(n for n, _ in logged) == sorted(called)
    qtbot.waitUntil(lambda: len(display.speaker.played) == 8, timeout=5000)
    assert display.speaker.texts == [f"请 {n} 号 到 {w} 号窗口办理" for n, w in logged]
    # on screen: the latest very large, then the earlier ones, newest first
    screen = display.hall
    qtbot.waitUntil(lambda: screen.current.number.text() == logged[-1][0], timeout=1000)
    assert screen.recent.texts() == [f"{n} {w}号窗口" for n, w in reversed(logged[1:-1])][:6]


def test_the_notice_updates_live(qtbot: QtBot, hall_server: ThreadedServer, displays: Any) -> None:
    hall = hall_server.hall
    assert hall is not None

    def set_notice(text: str) -> None:
        async def go(client: Any) -> None:
            await client.request("PUT", f"/admin/halls/{hall.hall_id}/notice", json={"text": text})

        hall_server.call(go)

    set_notice("今天下午 16:30 停止取号。")
    display = displays()
    strip = display.window.notice
    # the notice set before the screen started came with the snapshot; short: it stands still
    assert strip.isVisible() and strip.text == "今天下午 16:30 停止取号。"
    assert not strip.scrolling
    long = "温馨提示：" + "请留意屏幕和语音叫号，过号请到服务台重新取号。" * 4
    set_notice(long)
    qtbot.waitUntil(lambda: strip.text == long, timeout=3000)
    assert strip.isVisible() and strip.scrolling  # too long for the screen: it scrolls
    set_notice("")
    qtbot.waitUntil(lambda: not strip.isVisible(), timeout=3000)
    assert not strip.scrolling


def test_every_call_has_a_subtitle_and_the_hall_can_say_green_calls_twice(
    qtbot: QtBot, hall_server: ThreadedServer, displays: Any
) -> None:
    """适老化 (issue 29): the call as it is said, under the number (for those who cannot hear
    it); with the hall's repeat_priority_calls, a 绿色通道 call and one of a ticket taken in
    长辈版 are said a second time, after the first, never over it; a normal call once."""
    hall = hall_server.hall
    assert hall is not None
    hall_server.call(
        lambda c: c.request(
            "PATCH", f"/admin/halls/{hall.hall_id}", json={"repeat_priority_calls": True}
        )
    )
    clerks = Clerks(hall_server)
    clerks.issue("A", 1)
    green = hall_server.call(
        lambda c: c.issue_ticket(hall.services["B"], "green"), token=hall.kiosk_token
    )
    display = displays()
    screen = display.hall
    assert display.controller.repeat_priority
    [first] = clerks.call("1")  # the 绿色通道 ticket is called first
    assert first == green["number"] == "B001"
    qtbot.waitUntil(lambda: len(display.speaker.played) == 2, timeout=5000)
    assert screen.subtitle.text() == "请 B001 号 到 1 号窗口办理 · 社保医保"
    assert display.speaker.texts == ["请 B001 号 到 1 号窗口办理"] * 2
    assert display.speaker.overlaps == 0
    [second] = clerks.call("2")
    qtbot.waitUntil(lambda: len(display.speaker.played) == 3, timeout=5000)
    assert second == "A001" and screen.subtitle.text() == "请 A001 号 到 2 号窗口办理 · 户籍办理"
    clerks.recall("2")
    qtbot.waitUntil(lambda: len(display.speaker.played) == 4, timeout=5000)
    assert screen.subtitle.text() == "重呼 · 请 A001 号 到 2 号窗口办理 · 户籍办理"
    assert display.speaker.texts[2:] == ["请 A001 号 到 2 号窗口办理"] * 2  # once each
    # a ticket taken in the kiosk's 长辈版: said twice as well
    elderly = hall_server.call(
        lambda c: c.issue_ticket(hall.services["A"], elderly=True), token=hall.kiosk_token
    )
    assert elderly["number"] == "A002"
    [third] = clerks.call("2")
    assert third == "A002"
    qtbot.waitUntil(lambda: len(display.speaker.played) == 6, timeout=5000)
    assert display.speaker.texts[4:] == ["请 A002 号 到 2 号窗口办理"] * 2
    assert display.speaker.overlaps == 0
