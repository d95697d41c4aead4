"""长辈版 on the kiosk against a real server: the entry on the start screen and the hall's
setting to start in it, the hall's 常用业务 first and at most four services a screen, time-outs
of a minute or more, the ticket printed larger with the service and windows in words (the
ESC/POS bytes a TCP printer receives), and the pictures of it (portrait and landscape).

Set GOVQUEUE_SCREENSHOTS_DIR=docs/screenshots to refresh docs/screenshots/kiosk-elderly-*.png.
"""

from __future__ import annotations

import re
from typing import Any

from pytestqt.qtbot import QtBot

from app_shell.feed import ConnectionState
from client.rest import ApiClient
from kiosk_app import elderly
from kiosk_app.controller import Screen
from kiosk_app.printing.flow import PrintState
from kiosk_app.printing.layout import SIZE_DOUBLE, SIZE_NORMAL, SIZE_QUAD
from kiosk_app.services import Availability, ServiceButton
from tests.apps.conftest import ThreadedServer
from tests.apps.kiosk_helpers import Kiosk, tap
from tests.apps.pictures import ORIENTATIONS
from tests.apps.printer_double import TcpTestPrinter
from tests.apps.test_kiosk_printing import chinese_lines

SERVICES = [
    {"name": "户籍办理", "prefix": "A", "common": True},
    {"name": "社保医保", "prefix": "B", "common": True},
    {"name": "不动产登记", "prefix": "C", "hours": [["13:30", "17:00"]]},
    {"name": "公积金提取", "prefix": "D"},
    {"name": "出入境证件", "prefix": "E"},
    {"name": "医保报销", "prefix": "F", "common": True},
    {"name": "税务申报", "prefix": "G"},
]


def elderly_hall(server: ThreadedServer, **hall_settings: Any) -> tuple[str, int, dict[str, int]]:
    """A hall of seven services (A, B, F marked 常用业务), windows 3 and 5 serving A, a kiosk."""

    async def setup(admin: ApiClient) -> tuple[str, int, dict[str, int]]:
        hall = await admin.admin_create("halls", {"code": "ZLH", "name": "市民之家政务服务中心"})
        ids = {}
        for spec in SERVICES:
            made = await admin.admin_create("services", {"hall_id": hall["id"], **spec})
            ids[spec["prefix"]] = made.id
        for number, services in (("3", ["A", "B"]), ("5", ["A", "F"]), ("6", ["D", "E"])):
            await admin.admin_create(
                "windows",
                {
                    "hall_id": hall["id"],
                    "number": number,
                    "service_ids": [ids[p] for p in services],
                },
            )
        if hall_settings:
            await admin.request("PATCH", f"/admin/halls/{hall['id']}", json=hall_settings)
        kiosk = await admin.admin_create(
            "devices", {"hall_id": hall["id"], "kind": "kiosk", "label": "1号取号机"}
        )
        device = ApiClient(admin.base_url, kiosk["token"])
        for prefix, count in (("A", 3), ("B", 1)):
            for _ in range(count):
                await device.issue_ticket(ids[prefix])
        await device.aclose()
        return kiosk["token"], hall["id"], ids

    return server.call(setup)


def open_elderly(qtbot: QtBot, kiosk: Kiosk) -> None:
    tap(qtbot, kiosk, kiosk.window.start_screen.elderly)
    qtbot.waitUntil(lambda: kiosk.controller.elderly, timeout=5000)
    assert kiosk.window.stack.currentWidget() is kiosk.window.elderly_screen


def shown_ids(kiosk: Kiosk) -> list[int]:
    return [t.service_id for t in kiosk.window.elderly_screen.tiles if t.isVisible()]


def test_pages_put_the_common_services_first_four_at_most() -> None:
    def button(i: int, common: bool) -> ServiceButton:
        return ServiceButton(i, f"S{i}", "A", 0, 0, Availability.open, "", common=common)

    buttons = [button(i, common=i in (2, 5)) for i in range(1, 10)]
    pages = elderly.pages(buttons)
    assert [[b.service_id for b in page] for page in pages] == [[2, 5], [1, 3, 4, 6], [7, 8, 9]]
    unmarked = elderly.pages([button(i, common=False) for i in range(1, 6)])
    assert [len(page) for page in unmarked] == [4, 1]
    assert elderly.windows_text(["3", "5"]) == "3号、5号窗口"
    assert (
        elderly.windows_text([str(n) for n in range(1, 8)]) == "1号、2号、3号、4号、5号等 7 个窗口"
    )
    assert elderly.timeout_s(10, True) == 60 and elderly.timeout_s(10, False) == 10
    assert elderly.timeout_s(90, True) == 90


def test_the_start_screen_opens_elderly_mode_with_the_halls_common_services_first(
    qtbot: QtBot, app_server: ThreadedServer, kiosks: Any
) -> None:
    token, _, ids = elderly_hall(app_server)
    kiosk = kiosks(token=token)
    c = kiosk.controller
    assert not c.elderly and kiosk.window.stack.currentWidget() is kiosk.window.start_screen
    open_elderly(qtbot, kiosk)
    screen = kiosk.window.elderly_screen
    assert shown_ids(kiosk) == [ids["A"], ids["B"], ids["F"]]
    assert screen.tile(ids["A"]).status.text().startswith("现在有 3 人在等 · 约")
    assert screen.tile(ids["F"]).status.text() == "现在不用排队"
    assert screen.more.isVisible() and screen.page_label.text() == "第 1 页，共 2 页"
    tap(qtbot, kiosk, screen.more)
    qtbot.waitUntil(lambda: c.page == 1, timeout=5000)
    assert shown_ids(kiosk) == [ids["C"], ids["D"], ids["E"], ids["G"]]
    assert "13:30 开始" in screen.tile(ids["C"]).status.text()  # closed until 13:30, in words
    assert not screen.more.isEnabled() and screen.previous.isEnabled()
    tap(qtbot, kiosk, screen.previous)
    qtbot.waitUntil(lambda: c.page == 0, timeout=5000)
    tap(qtbot, kiosk, screen.standard)  # 返回标准版
    qtbot.waitUntil(lambda: not c.elderly, timeout=5000)
    assert kiosk.window.stack.currentWidget() is kiosk.window.start_screen


def test_the_elderly_entry_is_usable_the_moment_the_services_load(
    app_server: ThreadedServer, kiosks: Any
) -> None:
    """The start screen draws itself when the services arrive: 长辈版 must be enabled in that
    very drawing, not only at the next change of anything (it once stayed grey until then)."""
    token, _, _ = elderly_hall(app_server)
    seen: list[bool] = []

    def watch(controller: Any, window: Any) -> None:
        controller.loaded.connect(lambda: seen.append(window.start_screen.elderly.isEnabled()))

    kiosks(token=token, before_start=watch)
    assert seen == [True]


def test_no_timeout_under_a_minute_and_the_next_person_starts_in_the_kiosks_own_mode(
    qtbot: QtBot, app_server: ThreadedServer, kiosks: Any
) -> None:
    token, _, ids = elderly_hall(app_server)
    kiosk = kiosks(token=token, timers={"confirm_seconds": 3, "idle_seconds": 10})
    c = kiosk.controller
    assert c.timeout_s(Screen.confirm) == 3
    open_elderly(qtbot, kiosk)
    assert c.timeout_s(Screen.confirm) == 60 and c.timeout_s(Screen.start) == 60
    assert c.timeout_s(Screen.fault) >= 60
    assert c._idle.interval() == 60_000
    tap(qtbot, kiosk, kiosk.window.elderly_screen.tile(ids["F"]))
    qtbot.waitUntil(lambda: c.screen is Screen.fault, timeout=10_000)  # no printer: on screen
    assert c.ticket is not None and c.ticket.elderly
    assert kiosk.window.stack.currentWidget() is kiosk.window.elderly_ticket_screen
    assert c.seconds_left() >= 59
    shown = kiosk.window.elderly_ticket_screen
    assert shown.caption.text() == "您的号码是" and shown.number.text() == "F001"
    assert shown.service.text() == "您要办的事：医保报销"
    assert shown.windows.isVisible() and shown.windows.text() == "请留意叫号，到 5号窗口 办理"
    assert shown.ahead.text() == "前面还有 0 人"
    tap(qtbot, kiosk, shown.done)  # 我知道了
    qtbot.waitUntil(lambda: c.screen is Screen.start, timeout=5000)
    assert not c.elderly  # the kiosk's own mode is the standard one
    assert c._idle.interval() == 10_000


def test_the_halls_setting_starts_every_kiosk_in_elderly_mode(
    qtbot: QtBot, app_server: ThreadedServer, kiosks: Any
) -> None:
    token, hall_id, _ = elderly_hall(app_server, kiosk_elderly=True)
    me = app_server.call(lambda c: c.request("GET", "/devices/me"), token=token)
    assert me["kiosk_elderly"] is True
    kiosk = kiosks(token=token)
    assert kiosk.controller.elderly and kiosk.controller.elderly_default
    assert kiosk.window.stack.currentWidget() is kiosk.window.elderly_screen
    halls = app_server.call(lambda c: c.admin_list("halls"))
    assert next(h for h in halls if h["id"] == hall_id)["kiosk_elderly"] is True


def test_the_elderly_ticket_is_printed_larger_with_service_and_windows_in_words(
    qtbot: QtBot, app_server: ThreadedServer, kiosks: Any, tcp_printer: TcpTestPrinter
) -> None:
    token, _, ids = elderly_hall(app_server)
    kiosk = kiosks(token=token, printer=tcp_printer.spec)
    c = kiosk.controller
    open_elderly(qtbot, kiosk)
    tap(qtbot, kiosk, kiosk.window.elderly_screen.tile(ids["A"]))
    qtbot.waitUntil(lambda: c.print_state is PrintState.printed, timeout=10_000)
    job = tcp_printer.last_job()
    issued = app_server.events("ticket.issued")[-1]
    assert issued["number"] == "A004" and issued["elderly"] is True  # the server knows 长辈版
    lines = chinese_lines(job)
    assert "办理：户籍办理" in lines
    assert "请到：3号、5号窗口" in lines
    assert "前面还有 3 人" in lines
    assert "请留意屏幕和广播叫号" in lines
    # the number four times as wide and tall, the three lines above twice, the rest normal
    number_at = job.index(b"A004")
    assert job.rfind(SIZE_QUAD, 0, number_at) > job.rfind(SIZE_DOUBLE, 0, number_at)
    for words in ("办理：户籍办理", "请到：3号、5号窗口", "前面还有 3 人"):
        at = job.index(words.encode("gb18030"))
        assert job.rfind(SIZE_DOUBLE, 0, at) > max(
            job.rfind(SIZE_NORMAL, 0, at), job.rfind(SIZE_QUAD, 0, at)
        )
    wait_at = job.index("预计等候".encode("gb18030"))
    assert job.rfind(SIZE_NORMAL, 0, wait_at) > job.rfind(SIZE_DOUBLE, 0, wait_at)
    # a 2x2 line of 80 mm paper holds 24 columns: 12 Chinese characters
    assert all(len(line.encode("gb18030")) <= 24 for line in lines[2:5])
    assert re.search(rb"\x1dV", job)  # cut


@ORIENTATIONS
def test_elderly_pictures(qtbot: QtBot, app_server: ThreadedServer, picture_kiosk: Any) -> None:
    token, _, ids = elderly_hall(app_server, kiosk_elderly=True)
    shots = picture_kiosk(token)
    kiosk = shots.kiosk
    c, window = kiosk.controller, kiosk.window
    qtbot.waitUntil(lambda: c.connection is ConnectionState.connected, timeout=10_000)

    def save(name: str) -> None:
        shots.save(f"kiosk-elderly-{name}")

    save("start")
    screen = window.elderly_screen
    for tile in screen.tiles:
        assert tile.height() >= 120 and tile.width() >= 120
    tap(qtbot, kiosk, screen.tile(ids["A"]))
    qtbot.waitUntil(lambda: c.print_state is PrintState.printed, timeout=10_000)
    save("confirmation")
