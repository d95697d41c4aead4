"""`govqueue demo --display`: the hall screen opens on the demo's hall in its own process;
without a screen the demo goes on without it."""

from __future__ import annotations

import asyncio
import io
import time
from pathlib import Path

import pytest
import typer
from rich.console import Console
from typer.testing import CliRunner

from display_app.demo import DemoDisplay
from server.cli import demo
from server.cli.main import app, open_hall_screen
from tests.apps.conftest import ThreadedServer


class Hall:
    def __init__(self, base_url: str, display_token: str) -> None:
        self.base_url, self.display_token = base_url, display_token


def test_the_demo_opens_the_hall_screen_and_closes_it(
    hall_server: ThreadedServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert hall_server.hall is not None
    hall = Hall(hall_server.base_url, hall_server.hall.display_token)
    out = io.StringIO()
    screen = DemoDisplay(Console(file=out, width=200), tmp_path / "display.log")
    asyncio.run(screen.open(hall))  # QT_QPA_PLATFORM=offscreen: a "screen" exists
    assert screen.showing and "大厅显示屏已打开" in out.getvalue()
    # the day starts once the screen shows the hall (it says so on its output)
    log = (tmp_path / "display.log").read_text(encoding="utf-8")
    assert "大厅显示屏已显示 H1 政务服务中心（综合屏）" in log
    process = screen.process
    assert process is not None
    # the screen loaded the hall: it told the server it works (no sound card: a warning)
    deadline = time.monotonic() + 20
    while not hall_server.events("device.status") and time.monotonic() < deadline:
        time.sleep(0.2)
    [status] = hall_server.events("device.status")
    assert status["kind"] == "display" and status["status"] == "warning"
    assert "没有声音设备" in status["detail"]
    screen.close()
    assert process.poll() is not None
    # no screen at all: said in one line, and the demo goes on
    for name in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY"):
        monkeypatch.delenv(name, raising=False)
    out = io.StringIO()
    headless = DemoDisplay(Console(file=out, width=200), tmp_path / "display2.log")
    asyncio.run(headless.open(hall))
    assert not headless.showing and headless.process is None
    assert "未能打开大厅显示屏（没有可用的显示器" in out.getvalue()


def test_govqueue_demo_display_is_the_hall_display_and_the_server_alone_has_none() -> None:
    assert app.info.context_settings == {"obj": {demo.HALL_SCREEN: open_hall_screen}}
    screen = open_hall_screen(Console(file=io.StringIO()), Path("display.log"))  # opens nothing
    assert isinstance(screen, DemoDisplay) and screen.process is None
    server_only = typer.Typer()
    demo.register(server_only)  # its one command: `demo` itself
    result = CliRunner().invoke(server_only, ["--display", "--speed", "0"])
    assert result.exit_code == 2
    assert "这个命令不带大厅显示屏" in result.output
