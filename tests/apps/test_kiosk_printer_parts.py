"""The printer's pure parts: its setting, its status replies, a file printer, buttons' words."""

from __future__ import annotations

import gc
import socket
import warnings
from datetime import UTC, datetime
from pathlib import Path

import pytest

from client.replies import ServiceStatusOut
from kiosk_app.printing.device import PrinterFault, TicketPrinter
from kiosk_app.printing.layout import TicketLayout
from kiosk_app.printing.spec import PrinterSpec, PrinterSpecError, parse_spec
from kiosk_app.printing.status import PrinterState, state_from_replies
from kiosk_app.sample_print import sample_ticket
from kiosk_app.services import Availability, closed_text, service_button
from tests.apps.printer_double import PrinterCondition


@pytest.mark.parametrize(
    ("raw", "spec"),
    [
        ("tcp://192.168.1.50:9100", PrinterSpec("tcp", host="192.168.1.50", port=9100)),
        ("tcp://printer.local", PrinterSpec("tcp", host="printer.local", port=9100)),
        ("usb:0416:5011", PrinterSpec("usb", vendor_id=0x0416, product_id=0x5011)),
        ("usb:0x04b8:0x0e15", PrinterSpec("usb", vendor_id=0x04B8, product_id=0x0E15)),
        ("serial:/dev/ttyUSB0", PrinterSpec("serial", path="/dev/ttyUSB0", baudrate=9600)),
        ("serial:/dev/ttyS1@19200", PrinterSpec("serial", path="/dev/ttyS1", baudrate=19200)),
        ("file:/dev/usb/lp0", PrinterSpec("file", path="/dev/usb/lp0")),
        ("none", PrinterSpec("none")),
        ("", PrinterSpec("none")),
    ],
)
def test_printer_settings_are_understood(raw: str, spec: PrinterSpec) -> None:
    assert parse_spec(raw) == spec


@pytest.mark.parametrize(
    "raw", ["lpt1", "tcp://", "tcp://host:99999", "usb:12345:1", "usb:vendor", "file:", "serial:"]
)
def test_bad_printer_settings_say_what_is_accepted(raw: str) -> None:
    with pytest.raises(PrinterSpecError, match="可用 tcp://主机:9100"):
        parse_spec(raw)


@pytest.mark.parametrize(
    ("condition", "state"),
    [
        (PrinterCondition(), PrinterState.ok),
        (PrinterCondition(paper_low=True), PrinterState.paper_low),
        (PrinterCondition(paper_out=True), PrinterState.paper_out),
        (PrinterCondition(cover_open=True), PrinterState.cover_open),
        (PrinterCondition(error=True), PrinterState.error),
        (PrinterCondition(answers_status=False), PrinterState.unknown),
    ],
)
def test_status_replies_name_the_fault(condition: PrinterCondition, state: PrinterState) -> None:
    def query(n: int) -> int | None:
        return condition.reply(n) if condition.answers_status else None

    assert state_from_replies(query) is state
    assert state_from_replies(lambda n: 0xFF) is PrinterState.unknown  # not a status byte


def test_a_file_printer_gets_the_whole_ticket(tmp_path: Path) -> None:
    target = tmp_path / "lp0"
    printer = TicketPrinter(parse_spec(f"file:{target}"))
    data = TicketLayout(80).render(sample_ticket("http://10.0.0.5:8000"))
    assert printer.send(data) is PrinterState.unknown  # a file cannot answer DLE EOT
    assert target.read_bytes() == data
    assert printer.check() is PrinterState.unknown
    missing = TicketPrinter(parse_spec(f"file:{tmp_path}/no/such/dir/lp0"))
    with pytest.raises(PrinterFault) as fault:
        missing.send(data)
    assert fault.value.state is PrinterState.offline
    with pytest.raises(PrinterFault):
        TicketPrinter(parse_spec("none")).send(data)


def test_each_state_has_chinese_words_and_a_health_level() -> None:
    for state in PrinterState:
        assert state.label and not state.label.isascii()
        assert state.health in ("ok", "warning", "error")
    assert PrinterState.paper_out.health == "error" and PrinterState.paper_low.health == "warning"


NINE = datetime(2026, 11, 26, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai


def test_closed_services_say_when_they_open() -> None:
    assert closed_text([["13:30", "17:00"]], NINE) == "未到取号时间 · 下午 13:30 开始"
    assert (
        closed_text([["08:00", "08:30"], ["10:00", "11:00"]], NINE)
        == "已停止取号 · 上午 10:00 开始"
    )
    assert closed_text([["06:00", "08:00"]], NINE) == "今日取号已结束"
    assert closed_text([], NINE) == "已停止取号"  # open all day, yet closed (e.g. a holiday)


def test_service_button_words() -> None:
    base = ServiceStatusOut(  # a service as GET /halls/{id}/services replies it
        id=1,
        hall_id=1,
        name="户籍办理",
        prefix="A",
        daily_limit=None,
        target_wait_minutes=20,
        target_handle_minutes=15,
        hours=[],
        enabled=True,
        waiting=4,
        estimated_wait_minutes=18,
        open_now=True,
        issued_today=0,
        remaining_today=None,
    )
    button = service_button(base, NINE)
    assert button.pressable and button.status_text == "等候 4 人 · 约 18分钟"
    off = base.model_copy(update={"enabled": False})
    assert service_button(off, NINE).availability is Availability.disabled
    full = service_button(base.model_copy(update={"remaining_today": 0, "open_now": False}), NINE)
    assert full.availability is Availability.full and not full.pressable


def test_a_printer_that_does_not_answer_leaves_no_socket_open() -> None:
    """Each print or check while the printer is off tries to connect: the socket of a refused
    try is closed at once (python-escpos's own Network dropped it open)."""
    with socket.socket() as taken:  # a port nobody listens on
        taken.bind(("127.0.0.1", 0))
        port = taken.getsockname()[1]
    printer = TicketPrinter(parse_spec(f"tcp://127.0.0.1:{port}"), timeout_s=1.0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert printer.check() is PrinterState.offline
        with pytest.raises(PrinterFault) as fault:
            printer.send(b"A001")
        gc.collect()
    assert fault.value.state is PrinterState.offline
    assert [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)] == []
