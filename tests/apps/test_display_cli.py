"""`govqueue display` as a real process: --screenshot, --test-voice, the voice pack, bad options."""

from __future__ import annotations

import os
import subprocess
import sys
import wave
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from tests.apps.conftest import ThreadedServer
from tests.apps.display_helpers import Clerks, serve_hall

GOVQUEUE = str(Path(sys.executable).with_name("govqueue"))


@pytest.fixture
def hall_server(tmp_path: Path) -> Iterator[ThreadedServer]:
    yield from serve_hall(tmp_path)


def display(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("GOVQUEUE_")}
    return subprocess.run(
        [GOVQUEUE, "display", *args],
        text=True,
        capture_output=True,
        timeout=90,
        env={**clean, "QT_QPA_PLATFORM": "offscreen", **(env or {})},
    )


def test_screenshot_renders_the_screen_after_its_data_loaded(
    hall_server: ThreadedServer, tmp_path: Path
) -> None:
    hall = hall_server.hall
    assert hall is not None
    clerks = Clerks(hall_server, ("1",))
    clerks.issue("A", 1)
    clerks.call("1")
    shot = tmp_path / "hall.png"
    result = display(
        "--server",
        hall_server.base_url,
        "--size",
        "1280x720",
        "--screenshot",
        str(shot),
        env={"GOVQUEUE_DEVICE_TOKEN": hall.display_token},
    )
    assert result.returncode == 0, result.stderr
    assert "截图已保存" in result.stdout
    image = QImage(str(shot))
    assert (image.width(), image.height()) == (1280, 720)
    # the current call's panel (steady blue: the call is older than its highlight) is there
    blues = sum(
        1
        for x in range(0, 1280, 16)
        for y in range(0, 720, 16)
        if image.pixelColor(x, y).name() == "#0b3d91"
    )
    assert blues > 400


def test_test_voice_writes_a_sample_call(tmp_path: Path) -> None:
    out = tmp_path / "sample.wav"
    result = display("--test-voice", "--to", str(out), "--repeats", "1")
    assert result.returncode == 0, result.stderr
    assert "示例叫号已写入" in result.stdout and "espeak" in result.stdout
    with wave.open(str(out)) as wav:
        seconds = wav.getnframes() / wav.getframerate()
    assert 3.0 < seconds < 12.0
    # no sound card here: playing says so and fails, pointing to --to
    played = display("--test-voice")
    assert played.returncode == 1 and "没有可用的声音设备" in played.stderr


def test_a_voice_pack_is_made_and_used(tmp_path: Path) -> None:
    pack = tmp_path / "voice"
    made = display("--make-voice-pack", str(pack))
    assert made.returncode == 0, made.stderr
    assert "已生成语音包" in made.stdout and (pack / "chuangkou_banli.wav").is_file()
    out = tmp_path / "pack.wav"
    said = display(
        "--test-voice", "--voice", "pack", "--voice-pack", str(pack), "--to", str(out)
    )
    assert said.returncode == 0, said.stderr
    assert "pack" in said.stdout and out.stat().st_size > 50_000


def test_bad_options_are_refused_in_chinese(tmp_path: Path) -> None:
    no_token = display("--server", "http://127.0.0.1:9")
    assert no_token.returncode == 2 and "缺少设备令牌" in no_token.stderr
    no_window = display("--token", "gqd_x", "--mode", "window")
    assert no_window.returncode == 2 and "窗口屏需要窗口号" in no_window.stderr
    bad_mode = display("--token", "gqd_x", "--mode", "lobby")
    assert bad_mode.returncode == 2 and "设置有误：mode" in bad_mode.stderr
    no_pack = display("--token", "gqd_x", "--voice", "pack", "--voice-pack", str(tmp_path / "x"))
    assert no_pack.returncode == 2 and "找不到语音包文件夹" in no_pack.stderr
    bad_volume = display("--test-voice", "--volume", "300", "--to", str(tmp_path / "v.wav"))
    assert bad_volume.returncode == 2 and "设置有误：volume" in bad_volume.stderr
