"""`govqueue kiosk --test-print`: a sample ticket to the configured printer, for installers."""

from __future__ import annotations

from app_shell.exits import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from app_shell.timefmt import now_utc
from kiosk_app.printing.device import PrinterFault, TicketPrinter
from kiosk_app.printing.layout import TicketLayout
from kiosk_app.printing.spec import PrinterSpecError, parse_spec
from kiosk_app.printing.status import PrinterState
from kiosk_app.settings import KioskSettings
from kiosk_app.texts import text
from kiosk_app.ticket import IssuedTicket


def sample_ticket(server: str) -> IssuedTicket:
    return IssuedTicket(
        ticket_id=0,
        number="A001",
        service_name=text("test.service"),
        hall_name=text("test.hall"),
        ahead=3,
        estimated_wait_minutes=12,
        issued_at=now_utc(),
        public_url=f"{server}/t/sample",
        green=False,
    )


def test_print(settings: KioskSettings) -> tuple[int, str]:
    """(exit code, Chinese message)."""
    try:
        spec = parse_spec(settings.printer)
    except PrinterSpecError as exc:
        return EXIT_USAGE, str(exc)
    if spec.kind == "none":
        return EXIT_USAGE, text("test.none")
    printer = TicketPrinter(spec, timeout_s=settings.printer_timeout_s)
    data = TicketLayout(settings.paper, settings.ticket_notice).render(
        sample_ticket(settings.server)
    )
    try:
        state = printer.send(data)
    except PrinterFault as fault:
        return EXIT_FAILED, text("test.failed", detail=fault.state.label)
    message = text("test.sent", printer=spec, paper=settings.paper)
    if state is PrinterState.paper_low:
        message += " " + state.label + "。"
    return EXIT_OK, message
