"""The kiosk's screens in both orientations, rendered offscreen against a real server.

Set GOVQUEUE_SCREENSHOTS_DIR=docs/screenshots to refresh the committed pictures
(docs/screenshots/kiosk-*.png); otherwise they go to a temporary folder and are checked.
"""

from __future__ import annotations

from typing import Any

from pytestqt.qtbot import QtBot

from app_shell.feed import ConnectionState
from client.rest import ApiClient
from kiosk_app.controller import Screen
from kiosk_app.printing.flow import PrintState
from tests.apps.conftest import ThreadedServer
from tests.apps.kiosk_helpers import tap
from tests.apps.pictures import ORIENTATIONS
from tests.apps.printer_double import TcpTestPrinter
from tests.apps.screen_text import assert_says

SERVICES = [
    {"name": "户籍办理", "prefix": "A", "target_handle_minutes": 6},
    {"name": "社保医保", "prefix": "B", "target_handle_minutes": 8},
    {"name": "不动产登记", "prefix": "C", "hours": [["13:30", "17:00"]]},
    {"name": "公积金提取", "prefix": "D"},
    {"name": "出入境证件", "prefix": "E", "enabled": False},
]


def picture_hall(server: ThreadedServer) -> tuple[str, dict[str, int]]:
    async def setup(admin: ApiClient) -> tuple[str, dict[str, int]]:
        hall = await admin.admin_create("halls", {"code": "SMZJ", "name": "市民之家政务服务中心"})
        ids = {}
        for spec in SERVICES:
            made = await admin.admin_create("services", {"hall_id": hall["id"], **spec})
            ids[spec["prefix"]] = made.id
        await admin.admin_create(
            "windows", {"hall_id": hall["id"], "number": "1", "service_ids": [ids["A"], ids["B"]]}
        )
        kiosk = await admin.admin_create(
            "devices", {"hall_id": hall["id"], "kind": "kiosk", "label": "一楼取号机"}
        )
        device = ApiClient(admin.base_url, kiosk["token"])
        for prefix, count in (("A", 7), ("B", 3), ("D", 1)):
            for _ in range(count):
                await device.issue_ticket(ids[prefix])
        await device.aclose()
        return kiosk["token"], ids

    return server.call(setup)


@ORIENTATIONS
def test_kiosk_pictures(
    qtbot: QtBot, app_server: ThreadedServer, tcp_printer: TcpTestPrinter, picture_kiosk: Any
) -> None:
    token, ids = picture_hall(app_server)
    shots = picture_kiosk(token)
    kiosk = shots.kiosk
    c, window = kiosk.controller, kiosk.window
    qtbot.waitUntil(lambda: c.connection is ConnectionState.connected, timeout=10_000)
    qtbot.waitUntil(window.start_screen.elderly.isEnabled, timeout=10_000)  # shows it loaded

    def save(name: str, *says: str) -> None:
        assert_says(shots.save(f"kiosk-{name}"), *says)

    save("start", "请选择您要办理的业务", "社保医保", "已停止取号")
    tap(qtbot, kiosk, window.start_screen.tile(ids["B"]))
    qtbot.waitUntil(lambda: c.print_state is PrintState.printed, timeout=10_000)
    assert c.screen is Screen.confirm
    save("confirmation", "取号成功", "前面还有")
    c.back_to_start()
    tcp_printer.condition.paper_out = True
    tap(qtbot, kiosk, window.start_screen.tile(ids["A"]))
    qtbot.waitUntil(lambda: c.print_state is PrintState.failed, timeout=10_000)
    assert c.screen is Screen.fault
    shown = window.ticket_screen
    assert shown.number.text() == "A008" and shown.reprint.isVisible()
    save("printer-fault", "打印机缺纸", "您的号码", "A008")
    for widget in (shown.reprint, shown.done):
        assert widget.height() >= 64 and widget.width() >= 64  # >= 15 mm on a 21.5" panel
    for tile in window.start_screen.tiles:
        assert tile.height() >= 64
