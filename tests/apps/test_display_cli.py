"""`govqueue display` as a real process: --screenshot, --test-voice, the voice pack, bad options."""

from __future__ import annotations

import os
import subprocess
import sys
import wave
from pathlib import Path

from click.testing import Result
from PySide6.QtGui import QImage
from typer.testing import CliRunner

from display_app.voice.pack import check_pack, clip_names
from server.cli.main import app
from tests.apps.conftest import ThreadedServer
from tests.apps.display_helpers import Clerks

GOVQUEUE = str(Path(sys.executable).with_name("govqueue"))


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


def in_process(*args: str) -> Result:
    """The command run inside the test process: quick, for what needs no window."""
    unset: dict[str, str | None] = {k: None for k in os.environ if k.startswith("GOVQUEUE_")}
    return CliRunner().invoke(app, ["display", *args], env=unset)


def test_test_voice_writes_a_sample_call(tmp_path: Path) -> None:
    out = tmp_path / "sample.wav"
    result = in_process("--test-voice", "--to", str(out), "--repeats", "1")
    assert result.exit_code == 0, result.output
    assert "示例叫号已写入" in result.stdout and "espeak" in result.stdout
    with wave.open(str(out)) as wav:
        seconds = wav.getnframes() / wav.getframerate()
    assert 3.0 < seconds < 12.0


def test_test_voice_without_a_sound_card_says_so(qapp: object) -> None:
    played = in_process("--test-voice")
    assert played.exit_code == 1 and "没有可用的声音设备" in played.stderr


def test_a_voice_pack_is_made_and_used(tmp_path: Path) -> None:
    pack = tmp_path / "voice"
    made = in_process("--make-voice-pack", str(pack))
    assert made.exit_code == 0, made.output
    assert "已生成语音包" in made.stdout and check_pack(pack).complete
    listing = (pack / "说明.txt").read_text(encoding="utf-8")
    assert listing.count(".wav") == len(clip_names()) and "chuangkou_banli.wav\t窗口办理" in listing
    out = tmp_path / "pack.wav"
    said = in_process(
        "--test-voice", "--voice", "pack", "--voice-pack", str(pack), "--to", str(out)
    )
    assert said.exit_code == 0, said.output
    assert "pack" in said.stdout and out.stat().st_size > 50_000


def test_bad_options_are_refused_in_chinese(tmp_path: Path) -> None:
    for args, says in (
        (["--server", "http://127.0.0.1:9"], "缺少设备令牌"),
        (["--token", "gqd_x", "--mode", "window"], "窗口屏需要窗口号"),
        (["--token", "gqd_x", "--mode", "lobby"], "设置有误：mode"),
        (["--token", "gqd_x", "--voice", "pack"], "请用 --voice-pack 指定语音包文件夹"),
        (
            ["--token", "gqd_x", "--voice", "pack", "--voice-pack", str(tmp_path / "no")],
            "找不到语音包",
        ),
        (["--test-voice", "--volume", "300", "--to", str(tmp_path / "v.wav")], "设置有误：volume"),
    ):
        result = in_process(*args)
        assert result.exit_code == 2 and says in result.stderr, (args, result.output)
