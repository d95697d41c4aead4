"""The window screen (窗口屏) follows its window: calling, serving, paused, closed."""

from __future__ import annotations

from typing import Any

from pytestqt.qtbot import QtBot

from tests.apps.conftest import ThreadedServer
from tests.apps.display_helpers import Clerks


def test_window_mode_follows_calls_pause_resume_and_close(
    qtbot: QtBot, hall_server: ThreadedServer, displays: Any
) -> None:
    clerks = Clerks(hall_server)  # windows 1 and 2 open
    clerks.issue("A", 3)
    display = displays(mode="window", window="2", voice="espeak", size=(1280, 400))
    screen = display.window_screen
    assert display.window.strip and display.window.header.isHidden()
    assert screen.card.name.text() == "2号窗口"
    assert screen.card.staff.text() == "窗口2" and screen.card.staff_no.text() == "工号 H1-W2"
    assert screen.card.services.text() == "办理业务：社保医保、户籍办理"
    assert screen.state.big.text() == "请稍候"

    def shows(big: str, hint: str, state: str) -> bool:
        return (
            screen.state.big.text() == big
            and screen.state.hint.text() == hint
            and screen.state.property("state") == state
        )

    # a call at another window is not this screen's business, nor said by it
    clerks.call("1")
    [number] = clerks.call("2")
    qtbot.waitUntil(lambda: shows(number, "请到本窗口办理", "calling"), timeout=3000)
    assert screen.state.property("fresh") is True
    qtbot.waitUntil(lambda: len(display.speaker.played) == 1, timeout=3000)
    assert display.speaker.texts == [f"请 {number} 号 到 2 号窗口办理"]

    clerks.window("2", "pause", reason="系统维护")
    qtbot.waitUntil(lambda: shows("暂停服务", "原因：系统维护", "paused"), timeout=3000)
    clerks.window("2", "resume")
    qtbot.waitUntil(lambda: shows(number, "请到本窗口办理", "calling"), timeout=3000)

    async def serve(client: Any) -> None:
        ticket = clerks.current["2"]
        await client.ticket_action(ticket, "start")

    hall_server.call(serve, token=clerks.tokens["2"])
    qtbot.waitUntil(lambda: shows(number, "正在办理", "serving"), timeout=3000)

    async def finish(client: Any) -> None:
        await client.ticket_action(clerks.current["2"], "finish", {"outcome": "done"})

    hall_server.call(finish, token=clerks.tokens["2"])
    qtbot.waitUntil(lambda: shows("请稍候", "等候叫号", "idle"), timeout=3000)
    clerks.window("2", "close")
    qtbot.waitUntil(lambda: shows("已下班", "请到其他窗口办理", "closed"), timeout=3000)
    assert screen.card.staff.text() == "暂无工作人员" and not screen.card.photo.isVisible()
    assert len(display.speaker.played) == 1
