"""Real app processes on a virtual X screen (Xvfb), touched with xdotool, as in a hall.

Offscreen widget tests cannot show what a real screen does without a window manager (which
window has the keyboard, what `--fullscreen` covers) nor how X delivers a tap. These helpers
start an Xvfb display, a `govqueue` app on it with its own log file, and drive it:

    with VirtualScreen(1080, 1920) as screen:
        with AppProcess.device(screen, tmp_path, "kiosk", url, token) as app:
            app.wait_for_log("services loaded")
            screen.tap(540, 580)

The tests wait on the app's log (what it says it did) and on the server, never on a fixed
time. They are skipped only where Xvfb or xdotool is missing (`bash dev.sh setup` installs
both). Xvfb picks a free display number itself (-displayfd).
"""

from __future__ import annotations

import os
import re
import select
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

import pytest

GOVQUEUE = str(Path(sys.executable).with_name("govqueue"))
HAVE_X = bool(shutil.which("Xvfb") and shutil.which("xdotool"))
needs_x = pytest.mark.skipif(not HAVE_X, reason="Xvfb and xdotool are not installed")
X_WAIT_S = 30.0  # generous: the machine may be busy
# the kiosk ignores touches for 0.6 s after its screen changed (on purpose: tap_settle_ms)
KIOSK_SETTLE_S = 0.6 + 0.4


class VirtualScreen:
    """An Xvfb display of the given size (no window manager, like a kiosk's own X)."""

    def __init__(self, width: int, height: int) -> None:
        self.width, self.height = width, height
        self.number = 0
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def display(self) -> str:
        return f":{self.number}"

    def __enter__(self) -> VirtualScreen:
        # Xvfb picks a free display number itself and writes it to a pipe once it listens
        # (-displayfd): two tests starting screens at once (pytest-xdist workers, another
        # checkout's suite, a chroot sharing this machine's abstract X sockets) can never
        # take the same number, which looking for a free lock file first could.
        read_end, write_end = os.pipe()
        try:
            proc = subprocess.Popen(
                [
                    "Xvfb",
                    "-displayfd",
                    str(write_end),
                    "-screen",
                    "0",
                    f"{self.width}x{self.height}x24",
                    "-nolisten",
                    "tcp",
                ],
                pass_fds=(write_end,),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            os.close(write_end)
            write_end = -1
            number = self._number_from(read_end, proc)
        finally:
            os.close(read_end)
            if write_end >= 0:
                os.close(write_end)
        deadline = time.monotonic() + X_WAIT_S
        while proc.poll() is None and time.monotonic() < deadline:
            if self._answers(number):
                self.number, self.proc = number, proc
                return self
            time.sleep(0.05)
        proc.kill()
        proc.wait(10)
        raise RuntimeError(f"Xvfb :{number} did not answer in {X_WAIT_S:g} s")

    @staticmethod
    def _number_from(read_end: int, proc: subprocess.Popen[bytes]) -> int:
        """The display number Xvfb writes ("12\n") when it is ready for clients."""
        said = b""
        deadline = time.monotonic() + X_WAIT_S
        while not said.endswith(b"\n"):
            left = deadline - time.monotonic()
            ready, _, _ = select.select([read_end], [], [], max(left, 0))
            chunk = os.read(read_end, 16) if ready else b""
            if not chunk:
                proc.kill()
                proc.wait(10)
                raise RuntimeError(f"Xvfb named no display (exit {proc.returncode})")
            said += chunk
        return int(said)

    @staticmethod
    def _answers(number: int) -> bool:
        result = subprocess.run(
            ["xdotool", "getdisplaygeometry"],
            env={**os.environ, "DISPLAY": f":{number}"},
            capture_output=True,
            check=False,
        )
        return result.returncode == 0

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self.proc is not None:
            _end(self.proc, grace_s=10)

    def xdotool(self, *args: str) -> str:
        result = subprocess.run(
            ["xdotool", *args],
            env={**os.environ, "DISPLAY": self.display},
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        )
        return result.stdout

    def tap(self, x: int, y: int, *, times: int = 1, gap_ms: int = 80) -> None:
        """A finger on (x, y) of the screen; `times` taps `gap_ms` apart (a double tap)."""
        self.xdotool("mousemove", str(x), str(y))
        self.xdotool("click", "--repeat", str(times), "--delay", str(gap_ms), "1")

    def key(self, *keys: str) -> None:
        self.xdotool("key", *keys)

    def type_text(self, text: str) -> None:
        self.xdotool("type", "--delay", "30", text)

    def window_geometry(self, name: str) -> tuple[int, int, int, int]:
        """(x, y, width, height) of the visible window whose title contains `name`."""
        ids = self.xdotool("search", "--onlyvisible", "--name", name).split()
        assert ids, f"no visible window named {name!r}"
        out = self.xdotool("getwindowgeometry", "--shell", ids[-1])
        values = dict(line.split("=", 1) for line in out.split())
        return int(values["X"]), int(values["Y"]), int(values["WIDTH"]), int(values["HEIGHT"])

    def focused_window_name(self) -> str:
        result = subprocess.run(
            ["xdotool", "getwindowfocus", "getwindowname"],
            env={**os.environ, "DISPLAY": self.display},
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        return result.stdout.strip()

    def save(self, path: Path) -> Path:
        """The whole screen as a PNG (Qt in a process of its own on this display)."""
        script = (
            "import sys\n"
            "from PySide6.QtGui import QGuiApplication\n"
            "app = QGuiApplication(sys.argv[:1])\n"
            "sys.exit(0 if app.primaryScreen().grabWindow(0).save(sys.argv[1]) else 1)\n"
        )
        env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
        subprocess.run(
            [sys.executable, "-c", script, str(path)],
            env={**env, "DISPLAY": self.display},
            timeout=60,
            check=True,
        )
        return path


@dataclass
class AppProcess:
    """A `govqueue` app on a virtual screen (or offscreen: no screen), with its own log file."""

    proc: subprocess.Popen[str]
    log_file: Path
    output: Path
    seen: int = field(default=0)

    @classmethod
    def start(
        cls,
        screen: VirtualScreen | None,
        folder: Path,
        command: str,
        *args: str,
        env: dict[str, str] | None = None,
        name: str | None = None,
    ) -> AppProcess:
        name = name or command
        log_file = folder / f"{name}.log"
        output = folder / f"{name}.out"
        clean = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith("GOVQUEUE_") and k not in ("QT_QPA_PLATFORM", "QT_IM_MODULE")
        }
        with output.open("w") as out:
            proc = subprocess.Popen(
                [GOVQUEUE, command, *args, "--log-file", str(log_file)],
                env={
                    **clean,
                    # no screen: Qt's offscreen platform, the app runs all the same
                    **({"DISPLAY": screen.display} if screen else {"QT_QPA_PLATFORM": "offscreen"}),
                    "XDG_CONFIG_HOME": str(folder),
                    **(env or {}),
                },
                stdout=out,
                stderr=subprocess.STDOUT,
                text=True,
            )
        return cls(proc, log_file, output)

    @classmethod
    def device(
        cls,
        screen: VirtualScreen | None,
        folder: Path,
        command: str,
        server_url: str,
        token: str,
        *args: str,
        env: dict[str, str] | None = None,
    ) -> AppProcess:
        """A device app (kiosk, display, rating pad) of the server at `server_url`, signed in
        with its device `token`; use it in a `with` block: the app is stopped at its end."""
        return cls.start(
            screen, folder, command, "--server", server_url, "--token", token, *args, env=env
        )

    def __enter__(self) -> AppProcess:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def log_text(self) -> str:
        return self.log_file.read_text(encoding="utf-8") if self.log_file.exists() else ""

    def wait_for_log(
        self, pattern: str, *, timeout: float = X_WAIT_S, anywhere: bool = False
    ) -> str:
        """The first log line after the ones already waited for (or, `anywhere`, in the whole
        log) that matches `pattern` (a regular expression); fails when the app ends or says
        nothing of it in time."""
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while True:
            lines = self.log_text().splitlines()
            for index in range(0 if anywhere else self.seen, len(lines)):
                if regex.search(lines[index]):
                    self.seen = max(self.seen, index + 1)
                    return lines[index]
            if self.proc.poll() is not None:
                raise AssertionError(
                    f"the app ended ({self.proc.returncode}) before logging {pattern!r}:\n"
                    + self.log_text()
                    + self.output.read_text(errors="replace")
                )
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"no log line {pattern!r} in {timeout:g} s:\n{self.log_text()}"
                )
            time.sleep(0.05)

    def stop(self) -> None:
        if self.proc.poll() is None:
            _end(self.proc, grace_s=15)


def _end(proc: subprocess.Popen[Any], *, grace_s: float) -> None:
    """SIGTERM, `grace_s` to end by itself, then SIGKILL."""
    proc.terminate()
    try:
        proc.wait(grace_s)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)
