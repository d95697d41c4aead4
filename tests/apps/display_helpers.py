"""Building a hall display (controller + window) against a test server, as `govqueue display`
does, with a recording speaker in place of the sound card."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pytestqt.qtbot import QtBot

from app_shell.bridge import AsyncRunner
from app_shell.voice.queue import SpeechQueue
from client.rest import ApiClient
from display_app.board import Call
from display_app.controller import DisplayController
from display_app.settings import DisplaySettings
from display_app.views.display import DisplayWindow
from display_app.views.hall import HallScreen
from display_app.views.window_screen import WindowScreen
from server.domain.clock import ManualClock
from tests.apps.conftest import ThreadedServer
from tests.apps.speaker_double import QuickEngine, RecordingSpeaker
from tests.helpers import (
    ADMIN_NO,
    ADMIN_PASSWORD,
    HALL_OPENING,
    STAFF_PASSWORD,
    LiveServer,
    Seeded,
    seed_hall,
)


@dataclass
class Display:
    controller: DisplayController
    window: DisplayWindow
    api: ApiClient
    speaker: RecordingSpeaker

    def shown(self) -> list[tuple[str, str]]:
        """(number, window) of every call on the board, oldest first."""
        return [(c.number, c.window_number) for c in reversed(self.controller.board.calls)]

    @property
    def latest(self) -> Call | None:
        return self.controller.board.latest

    @property
    def hall(self) -> HallScreen:
        body = self.window.body
        assert isinstance(body, HallScreen)
        return body

    @property
    def window_screen(self) -> WindowScreen:
        body = self.window.body
        assert isinstance(body, WindowScreen)
        return body


def make_display(
    qtbot: QtBot,
    runner: AsyncRunner,
    server: ThreadedServer,
    *,
    size: tuple[int, int] = (1920, 1080),
    base_url: str | None = None,
    **settings: Any,
) -> Display:
    """A display showing its loaded screen; calls are "said" by a RecordingSpeaker."""
    assert server.hall is not None
    config = DisplaySettings(
        server=base_url or server.base_url,
        device_token=server.hall.display_token,
        width=size[0],
        height=size[1],
        **settings,
    )
    speaker = RecordingSpeaker()
    speech = (
        SpeechQueue(QuickEngine(), speaker, repeats=config.repeats, shorten_at=config.shorten_at)
        if config.voice != "off"
        else None
    )
    api = ApiClient(config.server, config.device_token)
    controller = DisplayController(runner, api, config, speech, now=server.clock.now)
    window = DisplayWindow(controller, *size)
    qtbot.addWidget(window)
    window.show()
    controller.start()
    qtbot.waitUntil(lambda: controller.is_loaded and window.up_to_date, timeout=10_000)
    return Display(controller, window, api, speaker)


def display_factory(qtbot: QtBot, runner: AsyncRunner, server: ThreadedServer) -> Iterator[Any]:
    """For a `displays` fixture: displays(size=(w, h), **settings) -> Display, against
    `server`; all stopped at the end."""
    made: list[Display] = []

    def factory(**kwargs: Any) -> Display:
        display = make_display(qtbot, runner, server, **kwargs)
        made.append(display)
        return display

    yield factory
    for display in made:
        display.controller.stop()
        runner.submit(display.api.aclose()).result(5)


class Clerks:
    """The clerks of a seeded hall, signed in with their windows open, calling numbers."""

    def __init__(self, server: ThreadedServer, numbers: tuple[str, ...] = ("1", "2")) -> None:
        assert server.hall is not None
        self.server, self.hall = server, server.hall
        self.tokens: dict[str, str] = {}
        self.current: dict[str, int | None] = {}

        async def sign_in(client: ApiClient) -> None:
            for number in numbers:
                await client.login(self.hall.staff[number], STAFF_PASSWORD)
                assert client.token is not None
                self.tokens[number] = client.token
                await client.window_action(self.hall.windows[number], "open")
                self.current[number] = None

        server.call(sign_in)

    def issue(self, prefix: str, count: int = 1) -> None:
        service = self.hall.services[prefix]

        async def go(client: ApiClient) -> None:
            for _ in range(count):
                await client.issue_ticket(service)

        self.server.call(go, token=self.hall.kiosk_token)

    def call(self, *windows: str) -> list[str]:
        """Each window finishes its ticket (if any) and calls the next, all at once; the
        numbers called, in the order of `windows`."""

        async def one(number: str) -> str:
            client = ApiClient(self.server.base_url, self.tokens[number])
            try:
                current = self.current[number]
                if current is not None:
                    await client.ticket_action(current, "no-show")
                ticket = await client.call_next(self.hall.windows[number])
                assert ticket is not None, f"nobody waits for window {number}"
                self.current[number] = int(ticket["id"])
                return str(ticket["number"])
            finally:
                await client.aclose()

        async def go(_: ApiClient) -> list[str]:
            return list(await asyncio.gather(*(one(n) for n in windows)))

        return self.server.call(go)

    def window(self, number: str, action: str, reason: str | None = None) -> None:
        body = {"reason": reason} if reason else None

        async def go(client: ApiClient) -> None:
            await client.window_action(self.hall.windows[number], action, body)

        self.server.call(go, token=self.tokens[number])

    def recall(self, number: str) -> None:
        ticket = self.current[number]
        assert ticket is not None

        async def go(client: ApiClient) -> None:
            await client.ticket_action(ticket, "recall")

        self.server.call(go, token=self.tokens[number])


def serve_hall(tmp_path: Path) -> Iterator[ThreadedServer]:
    """For a `hall_server` fixture: a running server with hall H1 seeded with its clerks
    (windows 1 and 2, see tests.helpers.seed_hall)."""
    server = ThreadedServer(tmp_path, ManualClock(HALL_OPENING))
    server.start()

    async def seed() -> Seeded:
        admin = ApiClient(server.base_url)
        await admin.login(ADMIN_NO, ADMIN_PASSWORD)
        server.admin = admin
        live = LiveServer(server.base_url, server.clock, server.settings, admin, None)  # type: ignore[arg-type]
        return await seed_hall(live)

    server.hall = server.run(seed())
    try:
        yield server
    finally:
        server.close()
