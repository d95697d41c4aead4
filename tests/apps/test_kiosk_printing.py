"""Printing through a TCP printer the test listens as: the exact ESC/POS bytes, printer
faults that keep the ticket valid and on screen, and reprinting that never issues again."""

from __future__ import annotations

import re
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from kiosk_app.controller import Screen
from kiosk_app.printing.flow import PrintState
from kiosk_app.printing.layout import (
    FS_CHINESE_OFF,
    FS_CHINESE_ON,
    TicketLayout,
    display_width,
    wrap_columns,
)
from kiosk_app.printing.status import PrinterState
from tests.apps.conftest import ThreadedServer
from tests.apps.kiosk_helpers import Kiosk, tap
from tests.apps.printer_double import TcpTestPrinter

CUT = b"\x1dV\x00"


def chinese_lines(job: bytes) -> list[str]:
    """The text sent in the printer's Chinese mode (FS & … FS .), decoded as GB18030."""
    pattern = re.escape(FS_CHINESE_ON) + b"(.*?)" + re.escape(FS_CHINESE_OFF)
    return [m.group(1).decode("gb18030") for m in re.finditer(pattern, job, re.S)]


def native_qr_data(job: bytes) -> str:
    """The data of the native QR 'store' command: GS ( k pL pH 49 80 48 data."""
    at = job.index(b"\x1d(k")
    while job[at + 5 : at + 7] != b"1P":
        at = job.index(b"\x1d(k", at + 1)
    length = job[at + 3] + 256 * job[at + 4] - 3
    return job[at + 8 : at + 8 + length].decode("utf-8")


def issue(qtbot: QtBot, kiosk: Kiosk, service_id: int) -> None:
    tap(qtbot, kiosk, kiosk.window.start_screen.tile(service_id))
    qtbot.waitUntil(
        lambda: (
            kiosk.controller.ticket is not None
            and kiosk.controller.print_state not in (None, PrintState.printing)
        ),
        timeout=10_000,
    )


def issued_count(server: ThreadedServer) -> int:
    assert server.hall is not None
    hall_id = server.hall.hall_id
    return sum(s["issued_today"] for s in server.call(lambda c: c.services(hall_id)))


@pytest.mark.parametrize("paper", [58, 80])
def test_the_printer_receives_the_ticket_in_gb18030_with_native_qr_and_cut(
    qtbot: QtBot, app_server: ThreadedServer, kiosks: Any, tcp_printer: TcpTestPrinter, paper: int
) -> None:
    hall = app_server.hall
    assert hall is not None
    kiosk = kiosks(printer=tcp_printer.spec, paper=paper)
    issue(qtbot, kiosk, hall.services["A"])
    assert kiosk.controller.print_state is PrintState.printed
    assert kiosk.controller.screen is Screen.confirm
    ticket = kiosk.controller.ticket
    assert ticket is not None
    job = tcp_printer.last_job()
    assert job.startswith(b"\x1b@")  # initialise
    assert job.endswith(CUT)
    lines = chinese_lines(job)
    assert lines[0] == "H1 政务服务中心"
    for expected in (
        "业务：户籍办理",
        "前面等候：0 人",
        "预计等候：无需等候",
        "取号时间：2026-11-26 09:00",
        "扫码查看排队进度",
    ):
        assert expected in lines, (expected, lines)
    assert "".join(lines).endswith("过号请到窗口说明，可重新排队；请留意叫号。")
    assert b"\x1b!\x30\x1bE\x01\x1ba\x01A001\n" in job  # double width+height, bold, centred
    assert native_qr_data(job) == ticket.public_url
    assert ticket.public_url.startswith(app_server.base_url + "/t/")
    columns = 32 if paper == 58 else 48
    assert all(display_width(line) <= columns for line in lines)
    assert issued_count(app_server) == 1
    # the confirmation returns to the start screen by itself
    qtbot.waitUntil(lambda: kiosk.controller.screen is Screen.start, timeout=15_000)
    assert kiosk.controller.ticket is None


def test_green_channel_ticket_is_marked_and_issued_with_priority(
    qtbot: QtBot, app_server: ThreadedServer, kiosks: Any, tcp_printer: TcpTestPrinter
) -> None:
    hall = app_server.hall
    assert hall is not None
    kiosk = kiosks(printer=tcp_printer.spec)
    tap(qtbot, kiosk, kiosk.window.start_screen.green)
    assert kiosk.controller.green_mode
    assert "绿色通道" in kiosk.window.start_screen.prompt.text()
    issue(qtbot, kiosk, hall.services["B"])
    assert kiosk.controller.ticket is not None and kiosk.controller.ticket.green
    assert "【绿色通道】" in chinese_lines(tcp_printer.last_job())
    assert kiosk.window.ticket_screen.green.isVisibleTo(kiosk.window.ticket_screen)
    records = app_server.call(
        lambda c: c.request("GET", "/stats/tickets", params={"hall_id": hall.hall_id})
    )
    assert [t["priority"] for t in records["items"]] == ["green"]


def test_no_printer_listening_shows_the_ticket_and_reprint_works_when_it_is_back(
    qtbot: QtBot, app_server: ThreadedServer, kiosks: Any
) -> None:
    hall = app_server.hall
    assert hall is not None
    printer = TcpTestPrinter().start()
    port = printer.port
    printer.stop()  # nothing listens there now
    kiosk = kiosks(printer=f"tcp://127.0.0.1:{port}")
    qtbot.waitUntil(lambda: kiosk.controller.printer_state is PrinterState.offline, timeout=5000)
    issue(qtbot, kiosk, hall.services["A"])
    c = kiosk.controller
    assert (c.screen, c.print_state, c.fault) == (
        Screen.fault,
        PrintState.failed,
        PrinterState.offline,
    )
    screen = kiosk.window.ticket_screen
    assert kiosk.window.stack.currentWidget() is screen
    assert screen.number.text() == "A001"
    assert screen.qr.data == c.ticket.public_url if c.ticket else False
    assert screen.qr.modules  # a real QR matrix on screen
    assert "打印机未连接" in screen.fault_text.text() and "扫码保存" in screen.fault_text.text()
    assert screen.reprint.isVisible() and screen.reprint.isEnabled()
    assert "号码已有效" in screen.heading.text()
    qtbot.waitUntil(lambda: bool(app_server.events("device.status")), timeout=5000)
    # the printer comes back; 重新打印 prints the same ticket, never a new one
    back = TcpTestPrinter(port=port).start()
    try:
        tap(qtbot, kiosk, screen.reprint)
        qtbot.waitUntil(lambda: c.print_state is PrintState.printed, timeout=10_000)
        assert "A001" in back.last_job().decode("latin-1")
        assert issued_count(app_server) == 1
        assert "已重新打印" in screen.print_line.text()
        qtbot.waitUntil(lambda: len(app_server.events("device.status")) >= 2, timeout=5000)
        states = [e["printer"] for e in app_server.events("device.status")]
        assert states[0] == "offline" and states[-1] == "ok"
        first = app_server.events("device.status")[0]
        assert first["status"] == "error" and first["label"] == "1号取号机"
        assert first["kind"] == "kiosk" and first["detail"] == "打印机未连接"
    finally:
        back.stop()


@pytest.mark.parametrize(
    ("condition", "state", "words"),
    [
        ({"paper_out": True}, PrinterState.paper_out, "打印机缺纸"),
        ({"cover_open": True}, PrinterState.cover_open, "打印机盖未关好"),
        ({"hang_up_after": 40}, PrinterState.error, "打印机故障"),
    ],
)
def test_printer_faults_keep_the_ticket_valid_and_on_screen(
    qtbot: QtBot,
    app_server: ThreadedServer,
    kiosks: Any,
    tcp_printer: TcpTestPrinter,
    condition: dict[str, Any],
    state: PrinterState,
    words: str,
) -> None:
    hall = app_server.hall
    assert hall is not None
    for key, value in condition.items():
        setattr(tcp_printer.condition, key, value)
    kiosk = kiosks(printer=tcp_printer.spec)
    issue(qtbot, kiosk, hall.services["B"])
    assert kiosk.controller.fault is state
    assert kiosk.controller.screen is Screen.fault
    assert words in kiosk.window.ticket_screen.fault_text.text()
    assert kiosk.window.ticket_screen.number.text() == "B001"
    public = app_server.call(
        lambda c: c.public_ticket(kiosk.controller.ticket.public_url.rsplit("/", 1)[1])  # type: ignore[union-attr]
    )
    assert public["number"] == "B001" and public["status"] == "waiting"  # still valid
    if state is not PrinterState.error:
        assert all(job == b"" for job in tcp_printer.jobs)  # checked before printing: nothing sent
    # the fault cleared: reprint works and still only one ticket exists
    tcp_printer.condition.paper_out = tcp_printer.condition.cover_open = False
    tcp_printer.condition.hang_up_after = None
    assert kiosk.controller.reprint()
    assert not kiosk.controller.reprint()  # a second press while printing does nothing
    qtbot.waitUntil(lambda: kiosk.controller.print_state is PrintState.printed, timeout=10_000)
    assert issued_count(app_server) == 1
    assert tcp_printer.last_job().endswith(CUT)


def test_paper_low_prints_and_is_reported_as_a_warning(
    qtbot: QtBot, app_server: ThreadedServer, kiosks: Any, tcp_printer: TcpTestPrinter
) -> None:
    hall = app_server.hall
    assert hall is not None
    tcp_printer.condition.paper_low = True
    kiosk = kiosks(printer=tcp_printer.spec)
    issue(qtbot, kiosk, hall.services["A"])
    assert kiosk.controller.print_state is PrintState.printed
    qtbot.waitUntil(lambda: bool(app_server.events("device.status")), timeout=5000)
    assert app_server.events("device.status")[-1]["printer"] == "paper_low"
    assert app_server.events("device.status")[-1]["status"] == "warning"


def test_wrapping_counts_chinese_characters_as_two_columns() -> None:
    assert wrap_columns("过号请重新取号，请留意叫号。", 10) == [
        "过号请重新",
        "取号，请留",
        "意叫号。",
    ]
    assert wrap_columns("abc", 2) == ["ab", "c"]
    with pytest.raises(ValueError, match="58 or 80"):
        TicketLayout(76)
