"""`govqueue kiosk --elderly` as a real process: on a virtual 1080×1920 screen tapped with
xdotool (更多业务, 上一页, a service: the ticket printed large to a TCP printer), and with
`--screenshot` (the 长辈版 start screen saved).

Where the buttons are is read off the same kiosk built offscreen at the same size against the
same server (the same hall, services and fonts: the same layout)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from PySide6.QtGui import QImage

from kiosk_app.printing.layout import SIZE_QUAD
from tests.apps.conftest import ThreadedServer
from tests.apps.kiosk_helpers import centre
from tests.apps.printer_double import TcpTestPrinter
from tests.apps.test_kiosk_cli import kiosk as kiosk_command
from tests.apps.test_kiosk_elderly import elderly_hall
from tests.apps.test_kiosk_printing import chinese_lines
from tests.apps.x11 import AppProcess, VirtualScreen, needs_x

SETTLE_S = 0.6 + 0.4  # the kiosk ignores touches for 0.6 s after its screen changed (on purpose)


@needs_x
def test_a_real_elderly_kiosk_tapped_on_its_screen(
    app_server: ThreadedServer, kiosks: Any, tcp_printer: TcpTestPrinter, tmp_path: Path
) -> None:
    token, _, ids = elderly_hall(app_server)
    model = kiosks(size=(1080, 1920), token=token, elderly=True)  # offscreen: where things are
    w = model.window
    screen_ = w.elderly_screen
    points = {
        "more": centre(w, screen_.more),
        "previous": centre(w, screen_.previous),
        "A": centre(w, screen_.tile(ids["A"])),
    }
    model.controller.stop()
    with (
        VirtualScreen(1080, 1920) as screen,
        AppProcess.device(
            screen,
            tmp_path,
            "kiosk",
            app_server.base_url,
            token,
            "--printer",
            tcp_printer.spec,
            "--size",
            "1080x1920",
            "--elderly",
        ) as kiosk,
    ):
        kiosk.wait_for_log(r"this kiosk starts in 长辈版")
        kiosk.wait_for_log(r"screen loading -> start")
        x, y, width, height = screen.window_geometry("自助取号机")
        assert (width, height) == (1080, 1920)

        def tap(name: str) -> None:
            time.sleep(SETTLE_S)
            screen.tap(x + points[name].x(), y + points[name].y())

        tap("more")
        kiosk.wait_for_log(r"长辈版 page 2")
        tap("previous")
        kiosk.wait_for_log(r"长辈版 page 1")
        tap("A")
        kiosk.wait_for_log(r"ticket A004 issued \(户籍办理\)")
        kiosk.wait_for_log(r"ticket A004 printed")
        job = tcp_printer.last_job()
        assert SIZE_QUAD + b"A004" in job.replace(b"\x1bE\x01", b"")
        assert "请到：3号、5号窗口" in chinese_lines(job)


def test_elderly_screenshot_saves_the_elderly_start_screen(
    app_server: ThreadedServer, tmp_path: Path
) -> None:
    token, _, _ = elderly_hall(app_server)
    shot, log = tmp_path / "elderly.png", tmp_path / "kiosk.log"
    result = kiosk_command(
        "--server",
        app_server.base_url,
        "--token",
        token,
        "--elderly",
        "--screenshot",
        str(shot),
        "--log-file",
        str(log),
    )
    assert result.returncode == 0, result.stderr
    assert "截图已保存" in result.stdout
    image = QImage(str(shot))
    assert (image.width(), image.height()) == (1080, 1920)
    assert "this kiosk starts in 长辈版" in log.read_text(encoding="utf-8")


@needs_x
def test_a_real_kiosk_with_voice_guidance_takes_a_ticket_at_the_second_touch(
    app_server: ThreadedServer, kiosks: Any, tcp_printer: TcpTestPrinter, tmp_path: Path
) -> None:
    """`--voice espeak` on a machine without a sound card: the first touch on a service reads
    it out (the log says so, and that nothing can be heard), the second takes the ticket."""
    token, _, ids = elderly_hall(app_server)
    model = kiosks(size=(1080, 1920), token=token)
    where = centre(model.window, model.window.start_screen.tile(ids["B"]))
    model.controller.stop()
    with (
        VirtualScreen(1080, 1920) as screen,
        AppProcess.device(
            screen,
            tmp_path,
            "kiosk",
            app_server.base_url,
            token,
            "--printer",
            tcp_printer.spec,
            "--size",
            "1080x1920",
            "--voice",
            "espeak",
        ) as kiosk,
    ):
        kiosk.wait_for_log(r"voice guidance on")
        kiosk.wait_for_log(r"screen loading -> start")
        x, y, _, _ = screen.window_geometry("自助取号机")
        time.sleep(SETTLE_S)
        screen.tap(x + where.x(), y + where.y())
        kiosk.wait_for_log(rf"service {ids['B']} read out")
        kiosk.wait_for_log(r"没有可用的声音设备", anywhere=True)
        assert not tcp_printer.printed()
        time.sleep(SETTLE_S)
        screen.tap(x + where.x(), y + where.y())
        kiosk.wait_for_log(r"ticket B002 issued \(社保医保\)")
        kiosk.wait_for_log(r"ticket B002 printed")
