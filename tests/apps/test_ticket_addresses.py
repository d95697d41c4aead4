"""Addresses and words on the ticket (issue 22 item 11): the test print's QR code points where
real tickets' do (the server's public address), a loopback one is warned about, and the
footer follows the hall's no-show rule (过号重排 or 过号需重新取号)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from pytestqt.qtbot import QtBot

from server.cli.admin import public_address_warning
from tests.apps.conftest import ThreadedServer
from tests.apps.printer_double import TcpTestPrinter
from tests.apps.test_kiosk_printing import chinese_lines, issue

GOVQUEUE = str(Path(sys.executable).with_name("govqueue"))
HALL_NETWORK = "http://192.168.1.10:8000"


def run_test_print(server: str, token: str, out: Path) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("GOVQUEUE_")}
    printer = ["--printer", f"file:{out}", "--test-print"]
    return subprocess.run(
        [GOVQUEUE, "kiosk", "--server", server, "--token", token, *printer],
        text=True,
        capture_output=True,
        timeout=60,
        env=clean,
    )


def qr_address(job: bytes) -> str:
    start = job.index(b"1P0") + 3  # GS ( k … store the QR's data
    return job[start : job.index(b"\x1d", start)].decode()


def test_the_test_print_qr_points_where_real_tickets_do(
    app_server: ThreadedServer, tmp_path: Path
) -> None:
    assert app_server.hall is not None
    token = app_server.hall.kiosk_token
    app_server.settings.public_base_url = HALL_NETWORK  # GOVQUEUE_PUBLIC_BASE_URL
    done = run_test_print(app_server.base_url, token, tmp_path / "a.bin")
    assert done.returncode == 0, done.stderr
    assert qr_address((tmp_path / "a.bin").read_bytes()) == f"{HALL_NETWORK}/t/sample"
    assert f"二维码地址：{HALL_NETWORK}/t/sample" in done.stdout and "本机地址" not in done.stdout
    # Without it: the address the kiosk reached the server at — here a loopback one, said so.
    app_server.settings.public_base_url = None
    done = run_test_print(app_server.base_url, token, tmp_path / "b.bin")
    assert qr_address((tmp_path / "b.bin").read_bytes()) == f"{app_server.base_url}/t/sample"
    assert "是本机地址，手机扫码打不开" in done.stdout and "GOVQUEUE_PUBLIC_BASE_URL" in done.stdout
    assert app_server.events("device.status") == []  # a test print reports no health


def test_admin_apply_warns_about_a_loopback_public_address() -> None:
    warning = public_address_warning("http://127.0.0.1:8000")
    assert warning is not None and "本机地址" in warning
    assert public_address_warning("http://localhost:8000") is not None
    assert public_address_warning(HALL_NETWORK) is None
    assert public_address_warning(None) is None


def set_requeue(server: ThreadedServer, allowed: bool) -> dict[str, Any]:
    assert server.hall is not None
    path = f"/admin/halls/{server.hall.hall_id}"
    changed: dict[str, Any] = server.call(
        lambda c: c.request("PATCH", path, json={"no_show_requeue": allowed})
    )
    return changed


def test_the_ticket_footer_follows_the_halls_no_show_rule(
    qtbot: QtBot, app_server: ThreadedServer, kiosks: Any, tcp_printer: TcpTestPrinter
) -> None:
    hall = app_server.hall
    assert hall is not None
    kiosk = kiosks(printer=tcp_printer.spec)
    issue(qtbot, kiosk, hall.services["A"])
    text = "".join(chinese_lines(tcp_printer.last_job()))
    assert "过号请到窗口说明，可重新排队" in text and "过号请重新取号" not in text
    assert set_requeue(app_server, False)["no_show_requeue"] is False
    second = kiosks(printer=tcp_printer.spec)  # a kiosk started after the change
    issue(qtbot, second, hall.services["A"])
    text = "".join(chinese_lines(tcp_printer.last_job()))
    assert "过号请重新取号" in text and "可重新排队" not in text
