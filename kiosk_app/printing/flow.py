"""Printing a ticket at the kiosk: the ESC/POS bytes sent off the GUI thread, the outcome
(printed, or the fault the screen shows instead), reprinting the same ticket, and the
printer watched between tickets and reported to the server (device health).

The controller owns it and decides what the screens do: `began`, `printed` and `failed`
tell it (on the GUI thread, in this order of the state changes).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from enum import StrEnum
from typing import Protocol

from PySide6.QtCore import QObject, Signal

from app_shell.bridge import AsyncRunner, Operation
from app_shell.health import HealthReporter
from kiosk_app import guidance
from kiosk_app.printing.device import PrinterFault, TicketPrinter
from kiosk_app.printing.layout import TicketLayout
from kiosk_app.printing.status import PrinterState
from kiosk_app.ticket import IssuedTicket

log = logging.getLogger(__name__)


class PrintState(StrEnum):
    printing = "printing"
    printed = "printed"
    failed = "failed"


class Kiosk(Protocol):
    """What printing needs of the kiosk's controller (which owns it)."""

    runner: AsyncRunner
    printer: TicketPrinter
    health: HealthReporter
    hall_id: int | None

    def say(self, phrase: guidance.Guide | None, *, passing: bool = False) -> None: ...


class TicketPrinting(QObject):
    began = Signal()  # a ticket is on its way to the printer
    printed = Signal()
    failed = Signal()  # not printed: the ticket is on screen (`fault` says why)

    def __init__(
        self,
        kiosk: Kiosk,
        layout: TicketLayout,
        changed: Callable[[], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.kiosk = kiosk
        self.layout = layout  # the hall's notice comes with the device's identity
        self.notify = changed  # the views show it again
        self.ticket: IssuedTicket | None = None
        self.state: PrintState | None = None
        configured = kiosk.printer.configured
        self.printer_state = PrinterState.unknown if configured else PrinterState.none
        self.fault: PrinterState | None = None
        self._checking = False

    @property
    def busy(self) -> bool:
        return self.state is PrintState.printing

    def clear(self) -> None:
        """The ticket screen left: nothing printed, no fault."""
        self.ticket, self.state, self.fault = None, None, None

    def print(self, ticket: IssuedTicket) -> None:
        """Print `ticket` (again, for a reprint: never another one)."""
        self.ticket = ticket
        printer = self.kiosk.printer
        if not printer.configured:
            self._failed(PrinterFault(PrinterState.none))
            return
        self.state = PrintState.printing
        self.began.emit()
        data = self.layout.render(ticket)
        Operation(
            self.kiosk.runner, lambda: asyncio.to_thread(printer.send, data), parent=self
        ).success(self._printed).failure(self._failed).run_in_background()

    def _printed(self, state: PrinterState) -> None:
        log.info("ticket %s printed", self.ticket.number if self.ticket else "?")
        self.state = PrintState.printed
        self.printer_is(state)
        self.fault = None  # reprinted after a fault: the ticket stays on screen a little
        self.printed.emit()

    def _failed(self, error: BaseException) -> None:
        configured = self.kiosk.printer.configured
        state = error.state if isinstance(error, PrinterFault) else PrinterState.error
        if not isinstance(error, PrinterFault):
            log.error("printing failed", exc_info=error)
        elif configured:
            log.warning(
                "ticket %s not printed (printer %s: %s); shown on screen",
                self.ticket.number if self.ticket else "?",
                state.value,
                state.label,
            )
        self.state = PrintState.failed
        if configured:
            self.kiosk.say(guidance.fault(state))
        self.fault = state
        self.printer_is(state)
        self.failed.emit()

    def check(self) -> None:
        """Ask the printer how it is (not while it prints, one question at a time)."""
        if self._checking or self.busy:
            return
        self._checking = True

        def done() -> None:
            self._checking = False

        printer = self.kiosk.printer
        Operation(self.kiosk.runner, lambda: asyncio.to_thread(printer.check), parent=self).success(
            self.printer_is
        ).finally_(done).run_in_background()

    def printer_is(self, state: PrinterState) -> None:
        if state is not self.printer_state:
            level = logging.INFO if state.health == "ok" else logging.WARNING
            log.log(level, "printer %s: %s (%s)", self.kiosk.printer.spec, state.value, state.label)
        self.printer_state = state
        self.notify()
        if self.kiosk.hall_id is not None:
            self.kiosk.health.set_health(state.health, printer=state.value, detail=state.label)
