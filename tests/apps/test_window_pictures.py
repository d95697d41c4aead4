"""The window client's and the rating pad's screens, rendered offscreen against a real server.

Set GOVQUEUE_SCREENSHOTS_DIR=docs/screenshots to refresh the committed pictures
(docs/screenshots/window-*.png); otherwise they go to a temporary folder and are checked.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from client.rest import ApiClient
from server.domain.clock import ManualClock
from tests.apps.conftest import ThreadedServer
from tests.apps.pictures import laid_out, out_dir
from tests.apps.screen_text import assert_says
from tests.apps.window_helpers import clients_fixture  # noqa: F401 (fixtures)
from tests.helpers import ADMIN_NO, ADMIN_PASSWORD, HALL_OPENING, STAFF_PASSWORD, Seeded
from window_client.actions import Action
from window_client.rating import Screen

SERVICES = [
    {"name": "户籍办理", "prefix": "A", "target_handle_minutes": 10},
    {"name": "社保医保", "prefix": "B", "target_handle_minutes": 8},
    {"name": "不动产登记", "prefix": "C"},
]


@pytest.fixture
def hall_server(tmp_path: Path) -> Iterator[ThreadedServer]:
    server = ThreadedServer(tmp_path, ManualClock(HALL_OPENING))
    server.start()

    async def setup() -> Seeded:
        admin = ApiClient(server.base_url)
        server.admin = admin
        await admin.login(ADMIN_NO, ADMIN_PASSWORD)
        hall = await admin.admin_create("halls", {"code": "SMZJ", "name": "市民之家政务服务中心"})
        ids = {}
        for spec in SERVICES:
            made = await admin.admin_create("services", {"hall_id": hall["id"], **spec})
            ids[spec["prefix"]] = made.id
        windows, pads = {}, {}
        for number, prefixes in (("3", "AB"), ("4", "BC")):
            made = await admin.admin_create(
                "windows",
                {
                    "hall_id": hall["id"],
                    "number": number,
                    "service_ids": [ids[p] for p in prefixes],
                },
            )
            windows[number] = made.id
            pad = await admin.admin_create(
                "devices",
                {
                    "hall_id": hall["id"],
                    "kind": "window",
                    "window_id": made.id,
                    "label": f"{number}号窗口评价器",
                },
            )
            pads[number] = pad["token"]
        await admin.admin_create(
            "staff",
            {
                "staff_no": "SM0317",
                "name": "李敏",
                "role": "window",
                "password": STAFF_PASSWORD,
                "hall_id": hall["id"],
                "must_change_password": False,
            },
        )
        kiosk = await admin.admin_create(
            "devices", {"hall_id": hall["id"], "kind": "kiosk", "label": "一楼取号机"}
        )
        device = ApiClient(admin.base_url, kiosk.token)
        for prefix, count in (("A", 6), ("B", 3), ("C", 2)):
            for _ in range(count):
                server.clock.advance(40)
                await device.issue_ticket(ids[prefix])
        await device.issue_ticket(ids["B"], "green")
        await device.aclose()
        return Seeded(hall["id"], ids, windows, kiosk.token, "", pads, {"3": "SM0317"}, "")

    server.hall = server.run(setup())
    try:
        yield server
    finally:
        server.close()


def save(widget: QWidget, path: Path, size: tuple[int, int], *says: str) -> None:
    widget.header.tick()  # type: ignore[attr-defined]  # the clock shows the (test) time now
    laid_out()
    image = widget.grab()
    assert (image.width(), image.height()) == size
    assert image.save(str(path), "PNG") and path.stat().st_size > 10_000
    if says:
        assert_says(image.toImage(), *says)


def test_desk_pictures(
    qtbot: QtBot, clients: Any, hall_server: ThreadedServer, tmp_path: Path
) -> None:
    out = out_dir(tmp_path)
    clock = hall_server.clock
    desk = clients.desk(hall_server, window="3")
    save(desk.window, out / "window-signin.png", (1366, 768), "窗口叫号终端", "工作人员签到")
    desk.sign_in("SM0317")
    save(desk.window, out / "window-choose.png", (1366, 768))
    desk.sign_in("SM0317", "3")
    # the morning so far: two served and rated, one no-show
    pad = hall_server.hall.window_device_tokens["3"]  # type: ignore[union-attr]
    for minutes, level in ((6, 5), (12, 4)):
        clock.advance(60)
        desk.act(Action.call)
        desk.act(Action.start)
        clock.advance(minutes * 60)
        desk.act(Action.finish, outcome="done")
        ticket_id = desk.model.ticket.ticket_id
        hall_server.call(lambda c, t=ticket_id, lv=level: c.evaluate(t, lv), token=pad)
    desk.act(Action.call)
    desk.act(Action.no_show)
    desk.controller.reload_today()
    qtbot.waitUntil(lambda: desk.model.today is not None and desk.model.today.window.served == 2)
    desk.settle()
    desk.window.desk.refresh()
    save(desk.window, out / "window-desk-idle.png", (1366, 768))
    clock.advance(90)
    hall = hall_server.hall
    assert isinstance(hall, Seeded)
    hall_server.call(lambda c: c.issue_ticket(hall.services["B"], "green"), token=hall.kiosk_token)
    clock.advance(60)
    desk.act(Action.call)  # the green-channel ticket goes first
    assert desk.model.ticket.priority != "normal"
    clock.advance(35)
    desk.act(Action.start)
    clock.advance(247)
    desk.window.desk.refresh()
    assert desk.window.desk.ticket.timer.text() == "04:07"
    save(desk.window, out / "window-desk-serving.png", (1366, 768), "本窗口队列", "今日数据")
    desk.act(Action.finish, outcome="supplement")
    qtbot.waitUntil(lambda: desk.model.today is not None and desk.model.today.window.served == 3)
    desk.act(Action.pause, reason="业务咨询")
    clock.advance(6 * 60)
    desk.window.desk.refresh()
    save(desk.window, out / "window-desk-paused.png", (1366, 768), "暂停服务", "业务咨询")


def test_pad_pictures(
    qtbot: QtBot, clients: Any, hall_server: ThreadedServer, tmp_path: Path
) -> None:
    out = out_dir(tmp_path)
    desk = clients.desk(hall_server, window="3")
    desk.sign_in("SM0317", "3")
    pad = clients.pad(hall_server, "3")
    qtbot.waitUntil(lambda: pad.controller.staff_no == "SM0317")
    save(pad.window, out / "window-pad-idle.png", (1280, 800), "欢迎您对我们的服务进行评价")
    desk.act(Action.call)
    desk.act(Action.start)
    hall_server.clock.advance(300)
    desk.act(Action.finish, outcome="done")
    qtbot.waitUntil(lambda: pad.controller.screen is Screen.choices)
    save(pad.window, out / "window-pad-choices.png", (1280, 800))
    pad.controller.choose(2)
    pad.controller.toggle_reason("等候时间长")
    pad.controller.toggle_reason("一次告知不清")
    pad.controller.set_comment("材料清单和网上说的不一样")  # as typed: the state holds it
    pad.window.refresh()
    save(pad.window, out / "window-pad-reasons.png", (1280, 800))
    pad.controller.submit()
    qtbot.waitUntil(lambda: pad.controller.screen is Screen.thanks)
    save(pad.window, out / "window-pad-thanks.png", (1280, 800), "感谢", "回访")
