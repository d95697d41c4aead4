"""The display's screens rendered offscreen against a real server, and checked for what a
person 10 m away must be able to read.

Set GOVQUEUE_SCREENSHOTS_DIR=docs/screenshots to refresh the committed pictures
(docs/screenshots/display-*.png); otherwise they go to a temporary folder.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from app_shell.theme import contrast_ratio
from client.rest import ApiClient
from display_app.views.style import CONTRAST_PAIRS
from server.domain.clock import ManualClock
from tests.apps.conftest import ThreadedServer
from tests.apps.display_helpers import make_display
from tests.apps.pictures import laid_out, out_dir
from tests.apps.screen_text import assert_says
from tests.helpers import ADMIN_NO, ADMIN_PASSWORD, HALL_OPENING

SERVICES = [
    ("户籍办理", "A"),
    ("社保医保", "B"),
    ("不动产登记", "C"),
    ("公积金提取", "D"),
    ("出入境证件", "E"),
]
CLERKS = {  # window -> (工号, name, services)
    "1": ("SM0101", "王丽", "AB"),
    "2": ("SM0102", "陈建国", "BA"),
    "3": ("SM0317", "李晓梅", "CA"),
    "5": ("SM0205", "赵敏", "DB"),
    "6": ("SM0206", "周强", "E"),
}
NOTICE = (
    "温馨提示：请留意屏幕和语音叫号，过号请到服务台重新取号；"
    "办理不动产登记请携带身份证原件及不动产权证书。"
)
PASSWORD = "window-password-1"


@dataclass
class PictureHall:
    display_token: str
    staff_tokens: dict[str, str]
    window_ids: dict[str, int]
    current: dict[str, int] = field(default_factory=dict)  # window -> its ticket


def picture_hall(server: ThreadedServer) -> PictureHall:
    """A believable hall mid-morning: five services, windows calling, some paused."""

    async def setup() -> PictureHall:
        admin = ApiClient(server.base_url)
        await admin.login(ADMIN_NO, ADMIN_PASSWORD)
        hall = await admin.admin_create("halls", {"code": "SMZJ", "name": "市民之家政务服务中心"})
        ids = {}
        for name, prefix in SERVICES:
            made = await admin.admin_create(
                "services", {"hall_id": hall["id"], "name": name, "prefix": prefix}
            )
            ids[prefix] = made.id
        windows, tokens = {}, {}
        for number, (staff_no, name, prefixes) in CLERKS.items():
            made = await admin.admin_create(
                "windows",
                {
                    "hall_id": hall["id"],
                    "number": number,
                    "service_ids": [ids[p] for p in prefixes],
                },
            )
            windows[number] = made.id
            await admin.admin_create(
                "staff",
                {
                    "staff_no": staff_no,
                    "name": name,
                    "role": "window",
                    "password": PASSWORD,
                    "hall_id": hall["id"],
                    "must_change_password": False,
                },
            )
        kiosk = await admin.admin_create(
            "devices", {"hall_id": hall["id"], "kind": "kiosk", "label": "一楼取号机"}
        )
        screen = await admin.admin_create(
            "devices", {"hall_id": hall["id"], "kind": "display", "label": "大厅主屏"}
        )
        device = ApiClient(server.base_url, kiosk.token)
        for prefix, count in (("A", 14), ("B", 9), ("C", 4), ("D", 3), ("E", 1)):
            for _ in range(count):
                await device.issue_ticket(ids[prefix])
        await device.aclose()
        for number, (staff_no, _, _) in CLERKS.items():
            clerk = ApiClient(server.base_url)
            await clerk.login(staff_no, PASSWORD)
            assert clerk.token is not None
            tokens[number] = clerk.token
            await clerk.window_action(windows[number], "open")
            await clerk.aclose()
        await admin.request("PUT", f"/admin/halls/{hall['id']}/notice", json={"text": NOTICE})
        await admin.aclose()
        return PictureHall(screen["token"], tokens, windows)

    return server.run(setup())


def clerk_call(server: ThreadedServer, hall: PictureHall, *plan: tuple[str, str]) -> None:
    """(window, action) in order: call (finishing the ticket before), serve, pause, close."""

    async def go() -> None:
        current = hall.current
        for number, action in plan:
            clerk = ApiClient(server.base_url, hall.staff_tokens[number])
            window = hall.window_ids[number]
            if action == "call":
                if number in current:
                    await clerk.ticket_action(current[number], "start")
                    await clerk.ticket_action(current[number], "finish", {"outcome": "done"})
                ticket = await clerk.call_next(window)
                assert ticket is not None
                current[number] = ticket["id"]
            elif action == "serve":
                await clerk.ticket_action(current[number], "start")
            elif action == "pause":
                await clerk.window_action(window, "pause", {"reason": "系统维护"})
            elif action == "close":
                await clerk.window_action(window, "close")
            await clerk.aclose()

    server.run(go())


@pytest.fixture(scope="module")
def picture_server(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """One hall for every picture of this module (setting it up is most of the time)."""
    server = ThreadedServer(tmp_path_factory.mktemp("pictures"), ManualClock(HALL_OPENING))
    server.start()
    hall = picture_hall(server)
    clerk_call(
        server,
        hall,
        *[("1", "call"), ("2", "call"), ("5", "call"), ("1", "call"), ("3", "call")],
        *[("2", "call"), ("5", "call"), ("6", "call"), ("6", "serve"), ("6", "pause")],
        *[("1", "call"), ("3", "serve"), ("2", "call")],
    )
    server.hall = hall  # type: ignore[assignment]
    yield server
    server.close()


def test_the_display_colours_are_readable() -> None:
    for text, background in CONTRAST_PAIRS:
        assert contrast_ratio(text, background) >= 4.5, (text, background)


def save(display: Any, qtbot: QtBot, path: Path, *says: str) -> None:
    qtbot.waitUntil(lambda: display.window.up_to_date, timeout=3000)
    laid_out()
    image = display.window.grab()
    assert image.save(str(path))
    if says:
        assert_says(image.toImage(), *says)


@pytest.mark.parametrize("size", [(1920, 1080), (1280, 720), (3840, 2160)])
def test_hall_screen(
    qtbot: QtBot, runner: Any, picture_server: ThreadedServer, tmp_path: Path, size: tuple[int, int]
) -> None:
    display = make_display(qtbot, runner, picture_server, size=size, highlight_seconds=60)
    clerk_call(picture_server, picture_server.hall, ("5", "call"))  # type: ignore[arg-type]
    qtbot.waitUntil(
        lambda: display.controller.highlighted and display.window.up_to_date, timeout=3000
    )
    screen = display.hall
    latest = display.latest
    assert latest is not None and screen.current.number.text() == latest.number
    # the call is about a quarter of the screen's height, at every resolution
    assert screen.current.number.px >= 0.22 * size[1]
    assert len(screen.recent.texts()) >= 5  # as many as fit under the header and above the notice
    assert len(screen.counts.texts()) == 5
    assert display.window.notice.isVisible() and display.window.notice.text == NOTICE
    width, height = size
    # 4K is checked, not committed (a large file)
    folder = tmp_path if width > 1920 else out_dir(tmp_path)
    says = ("政务服务中心", "社保医保") if width == 1920 else ()  # one size read, for time
    save(display, qtbot, folder / f"display-hall-{width}x{height}.png", *says)
    display.controller.stop()
    runner.submit(display.api.aclose()).result(5)


@pytest.mark.parametrize(
    ("window", "size", "name"),
    [
        ("5", (1920, 1080), "display-window-1920x1080.png"),
        ("6", (1920, 1080), "display-window-paused.png"),
        ("3", (1280, 400), "display-window-strip.png"),
    ],
)
def test_window_screen(
    qtbot: QtBot,
    runner: Any,
    picture_server: ThreadedServer,
    tmp_path: Path,
    window: str,
    size: tuple[int, int],
    name: str,
) -> None:
    display = make_display(qtbot, runner, picture_server, size=size, mode="window", window=window)
    says = {"6": ("办理业务", "系统维护")}.get(window, ())
    save(display, qtbot, out_dir(tmp_path) / name, *says)
    display.controller.stop()
    runner.submit(display.api.aclose()).result(5)


def test_an_unknown_window_is_said_plainly(
    qtbot: QtBot, runner: Any, picture_server: ThreadedServer
) -> None:
    display = make_display(qtbot, runner, picture_server, mode="window", window="9")
    assert "本大厅没有 9 号窗口" in display.window.problem.text()
    assert display.window.problem.isVisible()
    display.controller.stop()
    runner.submit(display.api.aclose()).result(5)
