"""The kiosk's start screen against a real server: live counts, closed / full / disabled
services, one ticket per press (also under a double tap)."""

from __future__ import annotations

from typing import Any

from pytestqt.qtbot import QtBot

from client.rest import ApiClient
from kiosk_app.controller import Screen
from tests.apps.conftest import ThreadedServer
from tests.apps.kiosk_helpers import tap


def issued_today(server: ThreadedServer) -> dict[str, int]:
    assert server.hall is not None
    hall_id = server.hall.hall_id
    services = server.call(lambda c: c.services(hall_id))
    return {s["prefix"]: s["issued_today"] for s in services}


def test_buttons_follow_the_live_counts(
    qtbot: QtBot, app_server: ThreadedServer, kiosks: Any
) -> None:
    hall = app_server.hall
    assert hall is not None
    kiosk = kiosks()
    a, b = hall.services["A"], hall.services["B"]
    assert kiosk.controller.hall_name == "H1 政务服务中心"
    assert kiosk.window.header.title.text() == "H1 政务服务中心"
    assert kiosk.tile_status(a).startswith("等候 0 人")
    assert "无需等候" in kiosk.tile_status(a)

    async def take(client: ApiClient) -> None:
        for _ in range(3):
            await client.issue_ticket(a)
        await client.issue_ticket(b)

    app_server.call(take, token=hall.kiosk_token)  # another kiosk of the hall
    qtbot.waitUntil(lambda: kiosk.tile_status(a).startswith("等候 3 人"), timeout=5000)
    qtbot.waitUntil(lambda: kiosk.tile_status(b).startswith("等候 1 人"), timeout=5000)
    assert "约" in kiosk.tile_status(a)  # an estimated wait once people wait


def test_closed_full_and_disabled_services_say_so_and_cannot_be_pressed(
    qtbot: QtBot, app_server: ThreadedServer, kiosks: Any
) -> None:
    hall = app_server.hall
    assert hall is not None

    async def setup(admin: ApiClient) -> dict[str, int]:
        made = {}
        for spec in (
            {"name": "不动产登记", "prefix": "C", "hours": [["13:30", "17:00"]]},
            {"name": "公积金", "prefix": "D", "daily_limit": 1},
            {"name": "出入境", "prefix": "E", "enabled": False},
            {"name": "税务", "prefix": "F", "hours": [["08:00", "08:30"], ["10:00", "11:00"]]},
        ):
            made[spec["prefix"]] = (
                await admin.admin_create("services", {"hall_id": hall.hall_id, **spec})
            )["id"]
        return made

    ids = app_server.call(setup)
    app_server.call(lambda c: c.issue_ticket(ids["D"]), token=hall.kiosk_token)  # limit reached
    kiosk = kiosks()
    expected = {
        "C": "未到取号时间 · 下午 13:30 开始",
        "D": "今日号已取完 · 请明日再来",
        "E": "已停止取号 · 业务暂停办理",
        "F": "已停止取号 · 上午 10:00 开始",
    }
    for prefix, words in expected.items():
        tile = kiosk.window.start_screen.tile(ids[prefix])
        assert tile is not None
        assert tile.status_text == words
        assert tile.status.text().replace("\n", " · ") == words
        assert not tile.isEnabled()
        assert not kiosk.controller.can_press(ids[prefix])
    open_tile = kiosk.window.start_screen.tile(hall.services["A"])
    assert open_tile is not None and open_tile.isEnabled()
    before = issued_today(app_server)
    for prefix in expected:
        tile = kiosk.window.start_screen.tile(ids[prefix])
        tap(qtbot, kiosk, tile)
        assert kiosk.controller.press(ids[prefix]) is False
    assert kiosk.controller.screen is Screen.start
    # the open service's ticket comes after anything those taps could have started
    tap(qtbot, kiosk, open_tile)
    qtbot.waitUntil(lambda: kiosk.controller.ticket is not None, timeout=5000)
    assert issued_today(app_server) == {**before, "A": before["A"] + 1}


def test_one_press_issues_exactly_one_ticket(
    qtbot: QtBot, app_server: ThreadedServer, kiosks: Any
) -> None:
    hall = app_server.hall
    assert hall is not None
    kiosk = kiosks()
    tap(qtbot, kiosk, kiosk.window.start_screen.tile(hall.services["B"]))
    qtbot.waitUntil(lambda: kiosk.controller.ticket is not None, timeout=5000)
    assert kiosk.controller.ticket is not None
    assert kiosk.controller.ticket.number == "B001"
    assert issued_today(app_server) == {"A": 0, "B": 1}
