"""`govqueue kiosk` as a real process: --screenshot, --test-print, and bad options."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtGui import QImage

from tests.apps.conftest import ThreadedServer
from tests.apps.printer_double import TcpTestPrinter

GOVQUEUE = str(Path(sys.executable).with_name("govqueue"))


def kiosk(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("GOVQUEUE_")}
    return subprocess.run(
        [GOVQUEUE, "kiosk", *args],
        text=True,
        capture_output=True,
        timeout=60,
        env={**clean, "QT_QPA_PLATFORM": "offscreen", **(env or {})},
    )


def test_screenshot_renders_the_loaded_start_screen(
    app_server: ThreadedServer, tmp_path: Path
) -> None:
    assert app_server.hall is not None
    shot = tmp_path / "kiosk.png"
    result = kiosk(
        "--server",
        app_server.base_url,
        "--size",
        "1920x1080",
        "--screenshot",
        str(shot),
        env={"GOVQUEUE_DEVICE_TOKEN": app_server.hall.kiosk_token},
    )
    assert result.returncode == 0, result.stderr
    assert "截图已保存" in result.stdout
    image = QImage(str(shot))
    assert (image.width(), image.height()) == (1920, 1080)
    colours = {image.pixel(x, y) for x in range(0, 1920, 7) for y in range(0, 1080, 7)}
    assert len(colours) > 20  # header, tiles, Chinese text: not a blank window


def test_screenshot_fails_with_a_message_when_the_server_is_unreachable(tmp_path: Path) -> None:
    shot = tmp_path / "never.png"
    result = kiosk(
        "--server",
        "http://127.0.0.1:9",
        "--token",
        "gqd_x",
        "--screenshot",
        str(shot),
        env={"GOVQUEUE_SCREENSHOT_TIMEOUT_S": "2"},
    )
    assert result.returncode == 1
    assert "截图失败" in result.stderr and "无法连接服务器" in result.stderr
    assert not shot.exists()


def test_bad_options_are_refused_in_chinese() -> None:
    no_token = kiosk("--server", "http://127.0.0.1:9")
    assert no_token.returncode == 2 and "缺少设备令牌" in no_token.stderr
    bad_printer = kiosk("--token", "gqd_x", "--printer", "lpt1", "--test-print")
    assert bad_printer.returncode == 2 and "打印机设置“lpt1”无效" in bad_printer.stderr
    bad_paper = kiosk("--token", "gqd_x", "--paper", "57", "--test-print")
    assert bad_paper.returncode == 2 and "设置有误：paper" in bad_paper.stderr
    bad_size = kiosk("--token", "gqd_x", "--size", "big")
    assert bad_size.returncode == 2 and "窗口尺寸" in bad_size.stderr


def test_test_print_sends_a_sample_ticket_or_says_what_is_wrong(
    tcp_printer: TcpTestPrinter,
) -> None:
    ok = kiosk("--printer", tcp_printer.spec, "--paper", "58", "--test-print")
    assert ok.returncode == 0, ok.stderr
    assert "测试号票已发送" in ok.stdout
    job = tcp_printer.last_job()
    assert len(tcp_printer.printed()) == 1
    assert "打印测试".encode("gb18030") in job and job.endswith(b"\x1dV\x00")
    tcp_printer.condition.paper_out = True
    out = kiosk("--printer", tcp_printer.spec, "--test-print")
    assert out.returncode == 1 and "测试打印失败：打印机缺纸" in out.stderr
    port = tcp_printer.port
    tcp_printer.stop()
    offline = kiosk("--printer", f"tcp://127.0.0.1:{port}", "--test-print")
    assert offline.returncode == 1 and "打印机未连接" in offline.stderr
    none = kiosk("--test-print")
    assert none.returncode == 2 and "未配置打印机" in none.stderr
