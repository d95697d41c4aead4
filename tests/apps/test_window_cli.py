"""`govqueue window`: --screenshot of the clerk's client and of the rating pad as a real
process, and bad settings refused in Chinese (in-process: they stop before any window)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from click.testing import Result
from PySide6.QtGui import QImage
from typer.testing import CliRunner

from server.cli.main import app
from tests.apps.conftest import ThreadedServer
from tests.apps.window_helpers import staffed_fixture  # noqa: F401 (fixture)

GOVQUEUE = str(Path(sys.executable).with_name("govqueue"))


def window(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("GOVQUEUE_")}
    return subprocess.run(
        [GOVQUEUE, "window", *args],
        text=True,
        capture_output=True,
        timeout=90,
        env={**clean, "QT_QPA_PLATFORM": "offscreen", **(env or {})},
    )


def in_process(*args: str) -> Result:
    """The command inside the test process: quick, for refusals made before any window opens."""
    unset: dict[str, str | None] = {k: None for k in os.environ if k.startswith("GOVQUEUE_")}
    return CliRunner().invoke(app, ["window", *args], env=unset)


def colours(path: Path, size: tuple[int, int]) -> int:
    image = QImage(str(path))
    assert (image.width(), image.height()) == size
    return len({image.pixel(x, y) for x in range(0, size[0], 7) for y in range(0, size[1], 7)})


def test_screenshots_of_both_modes(staffed: ThreadedServer, tmp_path: Path) -> None:
    assert staffed.hall is not None
    desk = tmp_path / "desk.png"
    result = window("--server", staffed.base_url, "--screenshot", str(desk))
    assert result.returncode == 0, result.stderr
    assert "截图已保存" in result.stdout
    assert colours(desk, (1366, 768)) > 10  # header, sign-in form, Chinese text
    pad = tmp_path / "pad.png"
    result = window(
        "--evaluator",
        "--server",
        staffed.base_url,
        "--size",
        "1024x600",
        "--screenshot",
        str(pad),
        env={"GOVQUEUE_DEVICE_TOKEN": staffed.hall.window_device_tokens["2"]},
    )
    assert result.returncode == 0, result.stderr
    assert colours(pad, (1024, 600)) > 10


def test_bad_settings_and_an_unreachable_server_are_said_in_chinese(tmp_path: Path) -> None:
    no_token = in_process("--evaluator", "--server", "http://127.0.0.1:9")
    assert no_token.exit_code == 2 and "缺少设备令牌" in no_token.stderr
    bad_reasons = tmp_path / "apps.toml"
    bad_reasons.write_text('[window]\npause_reasons = ["会议", "会议"]\n', encoding="utf-8")
    refused = in_process("--config", str(bad_reasons), "--screenshot", str(tmp_path / "x.png"))
    assert refused.exit_code == 2 and "原因不能重复" in refused.stderr
    # a server that does not answer needs the real start-up: a process
    away = window(
        "--server",
        "http://127.0.0.1:9",
        "--screenshot",
        str(tmp_path / "never.png"),
        env={"GOVQUEUE_SCREENSHOT_TIMEOUT_S": "2"},
    )
    assert away.returncode == 1 and "截图失败" in away.stderr and "无法连接服务器" in away.stderr
