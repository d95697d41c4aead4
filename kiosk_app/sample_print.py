"""`govqueue kiosk --test-print`: a sample ticket to the configured printer, for installers."""

from __future__ import annotations

import httpx

from app_shell.exits import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from app_shell.timefmt import now_utc
from client.addresses import is_loopback_url
from client.replies import DeviceMeOut
from kiosk_app.printing.device import PrinterFault, TicketPrinter
from kiosk_app.printing.layout import TicketLayout
from kiosk_app.printing.spec import PrinterSpecError, parse_spec
from kiosk_app.printing.status import PrinterState
from kiosk_app.settings import KioskSettings
from kiosk_app.texts import text
from kiosk_app.ticket import IssuedTicket, ticket_notice


def hall_address(settings: KioskSettings) -> tuple[str, DeviceMeOut | None]:
    """The address real tickets' QR codes use, and what the server says of this kiosk, when
    the server answers (`GET /devices/me`: GOVQUEUE_PUBLIC_BASE_URL, else the address this
    kiosk reaches it at); `--server` otherwise. Reads only: a test reports no health."""
    if not settings.device_token:
        return settings.server, None
    try:
        answer = httpx.get(
            settings.server + "/api/v1/devices/me",
            headers={"Authorization": f"Bearer {settings.device_token}"},
            timeout=3.0,
        )
        me = DeviceMeOut.model_validate_json(answer.content) if answer.status_code == 200 else None
    except (httpx.HTTPError, ValueError):  # pydantic's ValidationError is a ValueError
        me = None
    return (me.public_base_url or settings.server if me is not None else settings.server), me


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
    address, me = hall_address(settings)
    ticket = sample_ticket(address)
    notice = ticket_notice(settings, me) if me is not None else settings.ticket_notice
    data = TicketLayout(settings.paper, notice).render(ticket)
    try:
        state = printer.send(data)
    except PrinterFault as fault:
        return EXIT_FAILED, text("test.failed", detail=fault.state.label)
    message = text("test.sent", printer=spec, paper=settings.paper)
    if state is PrinterState.paper_low:
        message += " " + state.label + "。"
    message += "\n" + text("test.address", url=ticket.public_url)
    if is_loopback_url(address):
        message += "\n" + text("test.loopback", url=address)
    return EXIT_OK, message
