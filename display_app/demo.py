"""`govqueue demo --display`: the hall screen on the simulated day, in its own process (Qt
wants the main thread, which the demo's server and scheduler use).

Without a screen (no DISPLAY) the display process says so at once and the demo goes on
without it, as it always did.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path
from typing import Protocol

from rich.console import Console

STARTUP_S = 30.0  # at most this long for the screen to show the hall before the day begins
READY = "大厅显示屏已显示"  # the line the display prints once it shows the hall


class DemoHallLike(Protocol):
    """What the demo's `on_ready` hands over (server.demo.run.DemoHall)."""

    @property
    def base_url(self) -> str: ...

    @property
    def display_token(self) -> str: ...


class DemoDisplay:
    def __init__(self, console: Console, log_file: Path) -> None:
        self.console, self.log_file = console, log_file
        self.process: subprocess.Popen[bytes] | None = None
        self.showing = False

    def command(self, hall: DemoHallLike) -> list[str]:
        script = Path(sys.executable).with_name("govqueue")
        launcher = (
            [str(script), "display"]
            if script.exists()  # else the display's own command, without the rest of govqueue
            else [
                sys.executable,
                "-c",
                "import typer; from display_app.cli import display; typer.run(display)",
            ]
        )
        return [*launcher, "--server", hall.base_url]

    async def open(self, hall: DemoHallLike) -> None:
        """Start the hall screen (`showing` tells whether it could: no screen here)."""
        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "GOVQUEUE_DEVICE_TOKEN": hall.display_token}  # not on argv
        env.pop("GOVQUEUE_CONFIG", None)
        with self.log_file.open("wb") as log:
            self.process = subprocess.Popen(
                self.command(hall), env=env, stdout=log, stderr=subprocess.STDOUT
            )
        loop = asyncio.get_running_loop()
        deadline = loop.time() + STARTUP_S
        while loop.time() < deadline and self.process.poll() is None and not self._ready():
            await asyncio.sleep(0.1)
        if self.process.poll() is not None:
            said = self.log_file.read_text(encoding="utf-8", errors="replace").strip()
            last = said.splitlines()[-1] if said else f"退出码 {self.process.returncode}"
            self.console.print(f"未能打开大厅显示屏（{last}），演示照常进行。", soft_wrap=True)
            self.process = None
            return
        self.console.print(
            f"大厅显示屏已打开（日志 {self.log_file}）。叫号语音每次约 10 秒，"
            "高倍速下语音会落后于屏幕；用 --speed 20 可以听到每一次叫号。",
            soft_wrap=True,
        )
        self.showing = True

    def _ready(self) -> bool:
        return READY in self.log_file.read_text(encoding="utf-8", errors="replace")

    def close(self) -> None:
        """End the screen with the demo (its server is gone)."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        self.process = None
