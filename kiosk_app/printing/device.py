"""Sending a ticket to the printer, with its status checked before and after.

Blocking: call it off the GUI thread. One job at a time (a lock), one connection per job.

    printer = TicketPrinter(parse_spec("tcp://192.168.1.50:9100"))
    printer.check()            -> PrinterState (asks DLE EOT where the printer answers)
    printer.send(data)         -> PrinterState after printing, or raises PrinterFault
"""

from __future__ import annotations

import contextlib
import functools
import logging
import socket
import threading
from typing import Any

from escpos.escpos import Escpos
from escpos.exceptions import DeviceNotFoundError
from escpos.exceptions import Error as EscposError

from kiosk_app.printing.spec import PrinterSpec
from kiosk_app.printing.status import DLE_EOT, PrinterState, state_from_replies
from kiosk_app.texts import text

log = logging.getLogger(__name__)
STATUS_REPLY_TIMEOUT_S = 0.8


class PrinterFault(Exception):
    """The ticket could not be printed (or not completely); `state` says why."""

    def __init__(self, state: PrinterState, detail: str = "") -> None:
        super().__init__(f"{state.value}: {detail}" if detail else state.value)
        self.state = state
        self.detail = detail


@functools.cache
def _network_printer(network: type[Any]) -> type[Any]:
    """python-escpos's Network printer whose open() closes its socket when the printer does
    not answer (the library drops it open: a ResourceWarning and an fd left to the garbage
    collector at every try while a printer is off)."""

    class ClosingNetwork(network):  # type: ignore[misc]
        def open(self, raise_not_found: bool = True) -> None:
            if self._device:
                self.close()
            try:
                self.device = socket.create_connection((self.host, self.port), self.timeout)
            except OSError as error:  # create_connection closed its socket
                raise DeviceNotFoundError(
                    f"Could not open socket for {self.host}:\n{error}"
                ) from error

    return ClosingNetwork


def _open_device(spec: PrinterSpec, timeout_s: float) -> Escpos:
    """The python-escpos printer object for `spec`, opened."""
    from escpos import printer as backends

    device: Any
    match spec.kind:
        case "tcp":
            device = _network_printer(backends.Network)(spec.host, spec.port, timeout=timeout_s)
        case "usb":
            if not backends.Usb.is_usable():
                raise PrinterFault(
                    PrinterState.offline,
                    text("printer.missing_library", kind="USB", package="pyusb"),
                )
            device = backends.Usb(spec.vendor_id, spec.product_id, timeout=int(timeout_s * 1000))
        case "serial":
            if not backends.Serial.is_usable():
                raise PrinterFault(
                    PrinterState.offline,
                    text("printer.missing_library", kind="串口", package="pyserial"),
                )
            device = backends.Serial(spec.path, baudrate=spec.baudrate, timeout=timeout_s)
        case "file":
            device = backends.File(spec.path)
        case _:
            raise PrinterFault(PrinterState.none)
    device.open()
    return device


class TicketPrinter:
    def __init__(self, spec: PrinterSpec, *, timeout_s: float = 3.0) -> None:
        self.spec = spec
        self.timeout_s = timeout_s
        self._lock = threading.Lock()

    @property
    def configured(self) -> bool:
        return self.spec.kind != "none"

    def check(self) -> PrinterState:
        """The printer's state now (opens a connection for it)."""
        if not self.configured:
            return PrinterState.none
        with self._lock:
            try:
                device = _open_device(self.spec, self.timeout_s)
            except PrinterFault as fault:
                return fault.state
            except (EscposError, OSError) as exc:
                log.debug("printer %s offline: %s", self.spec, exc)  # the controller says it once
                return PrinterState.offline
            try:
                return self._status(device)
            except PrinterFault as fault:
                return fault.state
            finally:
                self._close(device)

    def send(self, data: bytes) -> PrinterState:
        """Print `data` (a whole ticket). Raises PrinterFault when it is not printed whole."""
        if not self.configured:
            raise PrinterFault(PrinterState.none)
        with self._lock:
            try:
                device = _open_device(self.spec, self.timeout_s)
            except (EscposError, OSError) as exc:
                raise PrinterFault(PrinterState.offline, str(exc)) from exc
            try:
                before = self._status(device)
                if not before.can_print:
                    raise PrinterFault(before)
                try:
                    device._raw(data)
                except (EscposError, OSError) as exc:
                    raise PrinterFault(PrinterState.error, f"mid-print: {exc}") from exc
                try:
                    after = self._status(device)
                except PrinterFault as fault:  # the connection died while printing
                    raise PrinterFault(PrinterState.error, f"mid-print: {fault.detail}") from fault
                if not after.can_print:
                    raise PrinterFault(after, "after printing")
                return after
            finally:
                self._close(device)

    # --- status ----------------------------------------------------------------------------
    def _status(self, device: Escpos) -> PrinterState:
        if not self.spec.can_report_status:
            return PrinterState.unknown
        sock = getattr(device, "device", None) if self.spec.kind == "tcp" else None
        if isinstance(sock, socket.socket):
            sock.settimeout(STATUS_REPLY_TIMEOUT_S)

        def query(n: int) -> int | None:
            try:
                device._raw(DLE_EOT + bytes([n]))
                reply = device._read()
            except TimeoutError:
                return None
            except (EscposError, OSError) as exc:
                raise PrinterFault(PrinterState.offline, str(exc)) from exc
            if not reply and self.spec.kind == "tcp":  # end of stream: the printer hung up
                raise PrinterFault(PrinterState.offline, "connection closed")
            return reply[-1] if reply else None

        try:
            return state_from_replies(query)
        finally:
            if isinstance(sock, socket.socket):
                sock.settimeout(self.timeout_s)

    @staticmethod
    def _close(device: Escpos) -> None:
        with contextlib.suppress(Exception):
            device.close()
