"""How the kiosk, the hall display and the rating pad learn who they are (app_shell/device_start.py):
`GET /devices/me`, asked again while the server cannot be reached, known once it answers."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from app_shell.bridge import AsyncRunner
from app_shell.device_start import DeviceIdentity
from client.kinds import DeviceKind
from client.replies import DeviceMeOut
from client.rest import ApiClient
from tests.apps.conftest import ThreadedServer


@pytest.fixture
def api(app_server: ThreadedServer, runner: AsyncRunner) -> Iterator[ApiClient]:
    assert app_server.hall is not None
    client = ApiClient(app_server.base_url, app_server.hall.kiosk_token)
    yield client
    runner.submit(client.aclose()).result(5)


def test_asked_again_until_the_server_answers_then_known_once(
    qtbot: QtBot, app_server: ThreadedServer, runner: AsyncRunner, api: ApiClient
) -> None:
    identity = DeviceIdentity(runner, api, retry_ms=100, what="kiosk")
    reasons: list[str] = []
    known: list[DeviceMeOut] = []
    identity.unknown.connect(reasons.append)
    identity.known.connect(known.append)
    app_server.stop()
    identity.ask()
    qtbot.waitUntil(lambda: len(reasons) >= 2, timeout=10_000)  # asked again by itself
    assert "无法连接服务器" in reasons[0] and identity.me is None
    app_server.start()
    qtbot.waitUntil(lambda: bool(known), timeout=15_000)
    assert app_server.hall is not None
    assert (known[0].kind, known[0].hall_id) == (DeviceKind.kiosk, app_server.hall.hall_id)
    assert identity.me == known[0] and not identity._again.isActive()
    identity.ask()  # known: nothing more is asked
    identity.stop()
    assert len(known) == 1


def test_a_refusal_stays_when_only_an_unreachable_server_is_asked_again(
    qtbot: QtBot, app_server: ThreadedServer, runner: AsyncRunner
) -> None:
    stranger = ApiClient(app_server.base_url, "gqd_not-a-device-token")
    identity = DeviceIdentity(
        runner, stranger, retry_ms=100, what="pad", only_when_unreachable=True
    )
    reasons: list[str] = []
    identity.unknown.connect(reasons.append)
    identity.ask()
    qtbot.waitUntil(lambda: bool(reasons), timeout=10_000)
    assert identity.me is None and not identity._again.isActive()  # the pad shows the refusal
    runner.submit(stranger.aclose()).result(5)
