"""The printer's state from its real-time status replies (`DLE EOT n`, ESC/POS).

    DLE EOT 1  printer status     bit 3: offline
    DLE EOT 2  offline cause      bit 2: cover open, bit 5: stopped at paper end, bit 6: error
    DLE EOT 3  error cause        bit 3: cutter error, bit 5: unrecoverable, bit 6: auto-recoverable
    DLE EOT 4  paper sensor       bits 2+3: paper near end, bits 5+6: paper end

A valid reply byte has bits 1 and 4 set and bits 0 and 7 clear (`b & 0x93 == 0x12`).
A printer that does not answer (many cheap ones, a file) is `unknown`: we print anyway.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from kiosk_app.texts import text

DLE_EOT = b"\x10\x04"


class PrinterState(StrEnum):
    ok = "ok"
    paper_low = "paper_low"  # still prints; the supervisor should bring paper
    paper_out = "paper_out"
    cover_open = "cover_open"
    offline = "offline"  # not reachable (no answer on the wire, cable, power)
    error = "error"  # cutter jam, head too hot, failed mid-print …
    unknown = "unknown"  # reachable but does not answer status queries
    none = "none"  # no printer configured

    @property
    def can_print(self) -> bool:
        return self in (PrinterState.ok, PrinterState.paper_low, PrinterState.unknown)

    @property
    def health(self) -> str:
        """The device.status level: ok, warning or error."""
        if self in (PrinterState.ok, PrinterState.unknown):
            return "ok"
        if self in (PrinterState.paper_low, PrinterState.none):
            return "warning"
        return "error"

    @property
    def label(self) -> str:
        return text(f"printer.{self.value}")


def valid_reply(byte: int) -> bool:
    return byte & 0x93 == 0x12


def state_from_replies(query: Callable[[int], int | None]) -> PrinterState:
    """Ask the printer (query(n) sends DLE EOT n and returns the reply byte or None)."""
    status = query(1)
    if status is None or not valid_reply(status):
        return PrinterState.unknown
    paper = query(4)
    paper_out = paper is not None and valid_reply(paper) and paper & 0x60 == 0x60
    paper_low = paper is not None and valid_reply(paper) and paper & 0x0C == 0x0C
    if status & 0x08:  # offline: why?
        cause = query(2)
        if cause is not None and valid_reply(cause):
            if cause & 0x04:
                return PrinterState.cover_open
            if cause & 0x20 or paper_out:
                return PrinterState.paper_out
            if cause & 0x40:
                return PrinterState.error
        return PrinterState.paper_out if paper_out else PrinterState.error
    if paper_out:
        return PrinterState.paper_out
    return PrinterState.paper_low if paper_low else PrinterState.ok
