"""The rating pad as a real process on a 1280×800 Xvfb screen with Qt's real on-screen
keyboard (issue 22, item 7): tapped with xdotool, 不满意, a reason, the comment field — the
keyboard comes up, the field and 提交评价 move above it; 好 is typed in pinyin on the keyboard
(h a o, space) and 提交评价, tapped where the pad now shows it, records the rating with it.
Set GOVQUEUE_SCREENSHOTS_DIR=docs/screenshots to refresh docs/screenshots/window-pad-keyboard.png."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from pytestqt.qtbot import QtBot

from client.rest import ApiClient
from tests.apps.conftest import ThreadedServer
from tests.apps.kiosk_helpers import centre
from tests.apps.test_window_desk import issue, record
from tests.apps.window_helpers import clients_fixture, staffed_fixture  # noqa: F401 (fixtures)
from tests.apps.x11 import AppProcess, VirtualScreen, needs_x
from tests.helpers import STAFF_PASSWORD
from window_client.rating import Screen

SHOWN = re.compile(
    r"on-screen keyboard over the bottom (\d+) px: comment field at (\d+),(\d+) (\d+)x(\d+), "
    r"提交评价 at (\d+),(\d+) (\d+)x(\d+)"
)
# keys of Qt's pinyin keyboard, as fractions of its width and of its height without candidates
KEYS = {"h": (0.599, 0.395), "a": (0.101, 0.395), "o": (0.848, 0.153), "space": (0.5, 0.868)}


@needs_x
def test_typing_a_comment_on_the_real_keyboard(
    qtbot: QtBot, staffed: ThreadedServer, clients: Any, tmp_path: Path
) -> None:
    hall = staffed.hall
    assert hall is not None
    issue(staffed, "A", 1)
    with (
        VirtualScreen(1280, 800) as screen,
        AppProcess.device(
            screen,
            tmp_path,
            "window",
            staffed.base_url,
            hall.window_device_tokens["1"],
            "--evaluator",
            "--fullscreen",
        ) as pad,
    ):
        pad.wait_for_log(r"live feed connected")
        model = clients.pad(staffed, "1")  # offscreen: where the pad's buttons are
        finish_a_ticket(staffed)
        pad.wait_for_log(r"rating offered for A001")
        qtbot.waitUntil(lambda: model.controller.screen is Screen.choices, timeout=10_000)
        bad = centre(model.window, model.window.choices.buttons[2])
        model.controller.choose(2)
        tag = centre(model.window, model.window.reasons.tags["等候时间长"])
        field = centre(model.window, model.window.reasons.comment)
        model.controller.stop()
        for point in (bad, tag, field):
            screen.tap(point.x(), point.y())
        shown = SHOWN.search(pad.wait_for_log(SHOWN.pattern))
        assert shown is not None
        below, _, fy, _, fh, sx, sy, sw, sh = (int(v) for v in shown.groups())
        top = 800 - below
        assert below == 400  # Qt's keyboard: 5/16 of the screen's width
        assert fy + fh <= top and sy + sh <= top  # both in sight, above it
        for key in ("h", "a", "o", "space"):
            fx_, fy_ = KEYS[key]
            screen.tap(round(1280 * fx_), round(top + below * fy_))
            if key == "h":  # the keyboard grows a row of candidates: the pad moves up again
                grown = SHOWN.search(pad.wait_for_log(SHOWN.pattern))
                assert grown is not None
                below, _, fy, _, fh, sx, sy, sw, sh = (int(v) for v in grown.groups())
                assert below > 400 and fy + fh <= 800 - below and sy + sh <= 800 - below
        shots = Path(os.environ.get("GOVQUEUE_SCREENSHOTS_DIR") or tmp_path)
        screen.save(shots / "window-pad-keyboard.png")
        screen.tap(sx + sw // 2, sy + sh // 2)  # 提交评价 where the pad shows it now
        pad.wait_for_log(r"rating of ticket \d+ recorded")
        rated = record(staffed, "A001")
        assert rated["evaluation_level"] == 2
        (event,) = staffed.events("evaluation.created")
        assert event["reasons"] == ["等候时间长"]
        assert comment_of(staffed) == "好"


def finish_a_ticket(server: ThreadedServer) -> None:
    hall = server.hall
    assert hall is not None

    async def work(client: ApiClient) -> None:
        await client.login(hall.staff["1"], STAFF_PASSWORD)
        window_id = hall.windows["1"]
        await client.window_action(window_id, "open")
        ticket = await client.call_next(window_id)
        assert ticket is not None
        await client.ticket_action(ticket["id"], "start")
        await client.ticket_action(ticket["id"], "finish", {"outcome": "done"})

    server.call(work)


def comment_of(server: ThreadedServer) -> str:
    from sqlalchemy import create_engine, text

    engine = create_engine(server.settings.resolved_database_url())
    try:
        with engine.connect() as conn:
            return str(conn.execute(text("SELECT comment FROM evaluation")).scalar_one())
    finally:
        engine.dispose()
