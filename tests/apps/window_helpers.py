"""Building the window client and the rating pad against a test server, as `govqueue window`
does, and driving them as a clerk and an applicant would."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from app_shell.bridge import AsyncRunner
from client.rest import ApiClient
from server.domain.clock import ManualClock
from tests.apps.conftest import ThreadedServer
from tests.helpers import (
    ADMIN_NO,
    ADMIN_PASSWORD,
    HALL_OPENING,
    STAFF_PASSWORD,
    LiveServer,
    Seeded,
    seed_hall,
)
from window_client.actions import Action
from window_client.controller import WindowController
from window_client.pad_controller import PadController
from window_client.settings import PadSettings, WindowSettings
from window_client.sign_in_controller import Phase
from window_client.views.pad import PadWindow
from window_client.views.window import WindowClientWindow

WAIT_MS = 10_000


def seed_staffed_hall(server: ThreadedServer, **kwargs: Any) -> Seeded:
    """tests.helpers.seed_hall on the threaded server: windows 1 and 2 with their clerks,
    supervisor, rating pads (window devices), a kiosk and a screen."""

    async def go() -> Seeded:
        server.admin = ApiClient(server.base_url)
        await server.admin.login(ADMIN_NO, ADMIN_PASSWORD)
        # seed_hall only uses the admin client of the LiveServer it is given
        live = LiveServer(server.base_url, server.clock, server.settings, server.admin, None)  # type: ignore[arg-type]
        return await seed_hall(live, **kwargs)

    server.hall = server.run(go())
    return server.hall


@dataclass
class Desk:
    controller: WindowController
    window: WindowClientWindow
    api: ApiClient
    qtbot: QtBot

    @property
    def model(self) -> Any:
        assert self.controller.model is not None
        return self.controller.model

    def act(self, action: Action, **kw: Any) -> None:
        """Do `action` and wait for the server's answer (and the reload after it)."""
        c = self.controller
        assert c.act(action, **kw), f"{action} does not apply now"
        self.qtbot.waitUntil(lambda: c.model is None or c.model.pending is None, timeout=WAIT_MS)
        self.settle()

    def settle(self) -> None:
        """Wait until the queue reload after the last change has landed."""
        c = self.controller

        def settled() -> bool:
            return c.model is None or (
                not c._queue_loading and not c._queue_timer.isActive() and c.model.pending is None
            )

        self.qtbot.waitUntil(settled, timeout=WAIT_MS)

    def sign_in(self, staff_no: str, window_number: str | None = None) -> None:
        c = self.controller
        c.sign_in(staff_no, STAFF_PASSWORD)
        self.qtbot.waitUntil(lambda: c.phase is Phase.choose and not c.busy, timeout=WAIT_MS)
        if window_number is not None:
            window = next(w for w in c.windows if w.number == window_number)
            c.open_window(window.id)
            self.qtbot.waitUntil(lambda: c.phase is Phase.desk and c.desk_loaded, timeout=WAIT_MS)
            self.qtbot.waitUntil(lambda: self.model.live, timeout=WAIT_MS)
            self.settle()


def make_desk(
    qtbot: QtBot,
    runner: AsyncRunner,
    server: ThreadedServer,
    *,
    size: tuple[int, int] = (1366, 768),
    **settings: Any,
) -> Desk:
    config = WindowSettings(server=server.base_url, width=size[0], height=size[1], **settings)
    api = ApiClient(config.server)
    controller = WindowController(runner, api, config, now=server.clock.now)
    window = WindowClientWindow(controller, *size)
    qtbot.addWidget(window)
    window.show()
    controller.start()
    qtbot.waitUntil(lambda: controller.is_loaded, timeout=WAIT_MS)
    return Desk(controller, window, api, qtbot)


@dataclass
class Pad:
    controller: PadController
    window: PadWindow
    api: ApiClient


def make_pad(
    qtbot: QtBot,
    runner: AsyncRunner,
    server: ThreadedServer,
    window_number: str = "1",
    *,
    size: tuple[int, int] = (1280, 800),
    **settings: Any,
) -> Pad:
    assert server.hall is not None
    config = PadSettings(
        server=server.base_url,
        device_token=server.hall.window_device_tokens[window_number],
        width=size[0],
        height=size[1],
        virtual_keyboard=False,
        **settings,
    )
    api = ApiClient(config.server, config.device_token)
    controller = PadController(runner, api, config, now=server.clock.now)
    window = PadWindow(controller, *size)
    qtbot.addWidget(window)
    window.show()
    controller.start()
    qtbot.waitUntil(lambda: controller.is_loaded, timeout=WAIT_MS)
    return Pad(controller, window, api)


# Fixtures: a test module imports `staffed_fixture` / `clients_fixture` and asks for `staffed` /
# `clients` (tests/apps/conftest.py is the shared layer's).
@pytest.fixture(name="staffed")
def staffed_fixture(tmp_path: Path) -> Iterator[ThreadedServer]:
    """A threaded server with the hall of tests.helpers.seed_hall (clerks, rating pads)."""
    server = ThreadedServer(tmp_path, ManualClock(HALL_OPENING))
    server.start()
    seed_staffed_hall(server)
    try:
        yield server
    finally:
        server.close()


@pytest.fixture(name="clients")
def clients_fixture(qtbot: QtBot, runner: AsyncRunner) -> Iterator[Any]:
    """clients.desk(server, **settings) / clients.pad(server, number): all stopped at the end."""
    made: list[Desk | Pad] = []

    class Factory:
        @staticmethod
        def desk(server: ThreadedServer, **kwargs: Any) -> Desk:
            made.append(make_desk(qtbot, runner, server, **kwargs))
            return made[-1]  # type: ignore[return-value]

        @staticmethod
        def pad(server: ThreadedServer, window_number: str = "1", **kwargs: Any) -> Pad:
            made.append(make_pad(qtbot, runner, server, window_number, **kwargs))
            return made[-1]  # type: ignore[return-value]

    yield Factory()
    for item in made:
        item.controller.stop()
        runner.submit(item.api.aclose()).result(5)
