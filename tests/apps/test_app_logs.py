"""Each app's log (issue 22, item 8): a rotating file in a documented place (or --log-file),
saying which program and versions ran, without tokens. What the apps write into it as they
run: below for the kiosk and the display (a printer failure, two server outages, a call); the
window client's actions and reconnects in test_window_focus_x11.py and its refusals in
test_window_desk.py; the pad's ratings and keyboard in test_window_pad_keyboard_x11.py; the
kiosk's touches and tickets in test_kiosk_taps_x11.py."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from app_shell.logs import default_log_file, start_logging, state_dir, stop_logging
from client.rest import ApiClient
from tests.apps.conftest import ThreadedServer
from tests.apps.printer_double import TcpTestPrinter
from tests.apps.window_helpers import staffed_fixture  # noqa: F401 (fixture)
from tests.apps.x11 import AppProcess

GOVQUEUE = str(Path(sys.executable).with_name("govqueue"))


def run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("GOVQUEUE_")}
    return subprocess.run(
        [GOVQUEUE, *args],
        text=True,
        capture_output=True,
        timeout=90,
        env={**clean, "QT_QPA_PLATFORM": "offscreen", **env},
    )


def test_the_default_place_follows_xdg_and_the_file_rotates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # start_logging replaces them
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    assert state_dir() == tmp_path / "state" / "govqueue"
    monkeypatch.delenv("XDG_STATE_HOME")
    assert default_log_file("kiosk") == Path.home() / ".local/state/govqueue/kiosk.log"
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    try:
        path = start_logging("kiosk", None, max_bytes=2000, backups=2)
        assert path == tmp_path / "state" / "govqueue" / "kiosk.log"
        for n in range(200):
            logging.getLogger("kiosk_app.controller").info("line %d of a long day", n)
    finally:
        stop_logging()
    folder = path.parent
    assert sorted(p.name for p in folder.iterdir()) == ["kiosk.log", "kiosk.log.1", "kiosk.log.2"]
    assert all(p.stat().st_size <= 2000 for p in folder.iterdir())
    assert "line 199 of a long day" in path.read_text(encoding="utf-8")


def test_a_log_that_cannot_be_written_does_not_stop_the_app(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    try:
        assert start_logging("kiosk", blocker / "kiosk.log") is None
    finally:
        stop_logging()
    assert "无法写入日志文件" in capsys.readouterr().err


def test_each_app_logs_its_start_where_the_docs_say(
    staffed: ThreadedServer, tmp_path: Path
) -> None:
    hall = staffed.hall
    assert hall is not None
    state = tmp_path / "state"
    env = {"XDG_STATE_HOME": str(state)}
    runs = {
        "kiosk": ("kiosk", "--token", hall.kiosk_token),
        "display": ("display", "--token", hall.display_token),
        "window": ("window",),
        "evaluator": ("window", "--evaluator", "--token", hall.window_device_tokens["2"]),
    }
    for name, args in runs.items():
        shot = tmp_path / f"{name}.png"
        result = run(*args, "--server", staffed.base_url, "--screenshot", str(shot), env=env)
        assert result.returncode == 0, result.stderr
        log = (state / "govqueue" / f"{name}.log").read_text(encoding="utf-8")
        assert " starting: govqueue 0.1.0, Python 3.11" in log, log
        assert ", PySide6 6." in log and ", Qt 6." in log
        assert f"server={staffed.base_url}" in log
        assert f"a screenshot run: the screen goes to {shot}" in log
        assert "截图已保存" in log
        for token in (hall.kiosk_token, hall.display_token, *hall.window_device_tokens.values()):
            assert token not in log
    # --log-file puts it elsewhere
    elsewhere = tmp_path / "logs" / "kiosk-1.log"
    result = run(
        "kiosk",
        "--token",
        hall.kiosk_token,
        "--server",
        staffed.base_url,
        "--screenshot",
        str(tmp_path / "again.png"),
        "--log-file",
        str(elsewhere),
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert "自助取号机 starting" in elsewhere.read_text(encoding="utf-8")


def test_a_printer_failure_and_two_server_outages_are_in_the_logs(
    app_server: ThreadedServer, tcp_printer: TcpTestPrinter, tmp_path: Path
) -> None:
    """What stayed out of the logs on the field trial's first day: a kiosk and a hall display
    running (offscreen, as processes) through a printer that goes off and a server that goes
    away twice."""
    hall = app_server.hall
    assert hall is not None
    common = ("--server", app_server.base_url)
    kiosk = AppProcess.start(
        None,
        tmp_path,
        "kiosk",
        *common,
        "--token",
        hall.kiosk_token,
        "--printer",
        tcp_printer.spec,
        env={"GOVQUEUE_PRINTER_CHECK_SECONDS": "5"},
    )
    display = AppProcess.start(
        None, tmp_path, "display", *common, "--token", hall.display_token, "--voice", "off"
    )
    apps = (kiosk, display)
    try:
        for app in apps:
            app.wait_for_log(r"live feed connected", anywhere=True)
        kiosk.wait_for_log(rf"printer {tcp_printer.spec}: ok \(打印机正常\)", anywhere=True)
        tcp_printer.stop()  # the printer's cable is pulled
        kiosk.wait_for_log(rf"WARNING .* printer {tcp_printer.spec}: offline \(打印机未连接\)")
        for _ in range(2):  # the server goes away, and comes back, twice
            app_server.stop()
            for app in apps:
                app.wait_for_log(r"WARNING app_shell.feed: live feed lost: reconnecting")
            app_server.start()
            for app in apps:
                app.wait_for_log(r"INFO app_shell.feed: live feed connected")
        app_server.call(lambda c: c.issue_ticket(hall.services["A"]), token=hall.kiosk_token)
        call_a_ticket(app_server)
        display.wait_for_log(r"call of A001 to window 1 shown")
        for app in apps:
            assert " starting: govqueue " in app.log_text()
    finally:
        for app in apps:
            app.stop()


def call_a_ticket(server: ThreadedServer) -> None:
    hall = server.hall
    assert hall is not None

    async def work(admin: ApiClient) -> None:
        await admin.window_action(hall.windows["1"], "open")
        await admin.call_next(hall.windows["1"])

    server.call(work)
