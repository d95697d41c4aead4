"""A device's health on the server (issue 22 item 4): a diagnostic run never reports it, a
running device says it again every `health_report_s` and when its feed comes back."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

from pytestqt.qtbot import QtBot

from app_shell.bridge import AsyncRunner
from client.rest import ApiClient
from tests.apps.conftest import ThreadedServer
from tests.apps.kiosk_helpers import make_kiosk

GOVQUEUE = str(Path(sys.executable).with_name("govqueue"))


def run_app(*args: str, token: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("GOVQUEUE_")}
    env = {**clean, "QT_QPA_PLATFORM": "offscreen", "GOVQUEUE_DEVICE_TOKEN": token}
    return subprocess.run([GOVQUEUE, *args], text=True, capture_output=True, timeout=90, env=env)


def devices(server: ThreadedServer) -> dict[str, dict[str, Any]]:
    assert server.hall is not None
    hall_id = server.hall.hall_id

    async def read(client: ApiClient) -> list[dict[str, Any]]:
        listed: list[dict[str, Any]] = await client.request("GET", f"/halls/{hall_id}/devices")
        return listed

    return {d["label"]: d for d in server.call(read)}


def test_diagnostic_runs_never_report_the_devices_health(
    app_server: ThreadedServer, tmp_path: Path
) -> None:
    """`kiosk --screenshot --printer none` and `display --screenshot` with the real devices'
    tokens: pictures are taken, and the console still knows nothing about those devices."""
    assert app_server.hall is not None
    hall = app_server.hall
    pad = app_server.call(
        lambda admin: admin.admin_create(
            "devices",
            {
                "hall_id": hall.hall_id,
                "kind": "window",
                "window_id": hall.windows["1"],
                "label": "1号窗口评价器",
            },
        )
    )
    server = ("--server", app_server.base_url)
    runs = [
        (["kiosk", *server, "--printer", "none"], hall.kiosk_token),
        (["display", *server, "--voice", "off"], hall.display_token),
        (["window", "--evaluator", *server], pad["token"]),
    ]
    for n, (args, token) in enumerate(runs):
        shot = tmp_path / f"{n}.png"
        done = run_app(*args, "--screenshot", str(shot), token=token)
        assert done.returncode == 0, done.stderr
        assert shot.exists()
    for label in ("1号取号机", "大厅主屏", "1号窗口评价器"):
        device = devices(app_server)[label]
        assert device["status"] is None and device["last_seen_at"] is None, device
        assert device["online"] is None
    assert app_server.events("device.status") == []


def test_a_running_kiosk_says_it_is_alive_every_interval(
    qtbot: QtBot, runner: AsyncRunner, app_server: ThreadedServer
) -> None:
    kiosk = make_kiosk(qtbot, runner, app_server, health_report_s=0.2)
    try:
        qtbot.waitUntil(lambda: kiosk.controller.health.reports >= 1, timeout=10_000)
        first = devices(app_server)["1号取号机"]
        assert first["printer"] == "none" and first["version"]
        seen = app_server.clock.now()
        assert first["last_seen_at"].startswith(seen.isoformat()[:19])
        # nothing changes on the kiosk; the server's clock moves on; it is seen again
        app_server.clock.advance(90)
        later = (seen + timedelta(seconds=90)).isoformat()[:19]
        qtbot.waitUntil(
            lambda: (devices(app_server)["1号取号机"]["last_seen_at"] or "").startswith(later),
            timeout=10_000,
        )
        assert len(app_server.events("device.status")) == 1  # heartbeats make no event
    finally:
        kiosk.controller.stop()
        kiosk.window.close()


def test_a_kiosk_reports_again_when_its_feed_comes_back(
    qtbot: QtBot, runner: AsyncRunner, app_server: ThreadedServer
) -> None:
    kiosk = make_kiosk(qtbot, runner, app_server)  # the default interval: a minute
    try:
        qtbot.waitUntil(lambda: kiosk.controller.health.reports == 1, timeout=10_000)
        app_server.stop()
        app_server.clock.advance(30)
        back = app_server.clock.now().isoformat()[:19]
        app_server.start()
        qtbot.waitUntil(lambda: kiosk.controller.health.reports == 2, timeout=30_000)
        assert devices(app_server)["1号取号机"]["last_seen_at"].startswith(back)
    finally:
        kiosk.controller.stop()
        kiosk.window.close()
