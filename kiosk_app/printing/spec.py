"""Where the printer is, from its setting:

tcp://192.168.1.50:9100     network printer (port 9100 when omitted)
usb:0416:5011               USB, vendor and product id in hex
serial:/dev/ttyUSB0         serial port (9600 baud); serial:/dev/ttyUSB0@19200 for another
file:/dev/usb/lp0           a device file or a plain file (bytes are appended)
none                        no printer: every ticket is shown on screen
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from kiosk_app.texts import text

Kind = Literal["tcp", "usb", "serial", "file", "none"]


class PrinterSpecError(ValueError):
    """The printer setting cannot be understood; the message is Chinese."""


@dataclass(frozen=True)
class PrinterSpec:
    kind: Kind
    host: str = ""
    port: int = 9100
    vendor_id: int = 0
    product_id: int = 0
    path: str = ""
    baudrate: int = 9600

    @property
    def can_report_status(self) -> bool:
        """Printers we can ask `DLE EOT` (a file has no one to answer)."""
        return self.kind in ("tcp", "usb", "serial")

    def __str__(self) -> str:
        match self.kind:
            case "tcp":
                return f"tcp://{self.host}:{self.port}"
            case "usb":
                return f"usb:{self.vendor_id:04x}:{self.product_id:04x}"
            case "serial":
                return f"serial:{self.path}@{self.baudrate}"
            case "file":
                return f"file:{self.path}"
        return "none"


def parse_spec(raw: str) -> PrinterSpec:
    value = raw.strip()

    def bad(detail: str) -> PrinterSpecError:
        return PrinterSpecError(text("printer.bad_spec", spec=raw, detail=detail))

    if value.lower() in ("", "none"):
        return PrinterSpec("none")
    if value.startswith("tcp://"):
        match = re.fullmatch(r"tcp://([A-Za-z0-9.\-]+|\[[0-9A-Fa-f:]+\])(?::(\d{1,5}))?/?", value)
        if not match:
            raise bad("应为 tcp://主机:端口")
        port = int(match.group(2) or 9100)
        if not 0 < port < 65536:
            raise bad("端口应在 1–65535 之间")
        return PrinterSpec("tcp", host=match.group(1).strip("[]"), port=port)
    if value.startswith("usb:"):
        match = re.fullmatch(r"usb:(?:0x)?([0-9A-Fa-f]{1,4}):(?:0x)?([0-9A-Fa-f]{1,4})", value)
        if not match:
            raise bad("应为 usb:厂商ID:产品ID（十六进制，如 usb:0416:5011）")
        return PrinterSpec(
            "usb", vendor_id=int(match.group(1), 16), product_id=int(match.group(2), 16)
        )
    if value.startswith("serial:"):
        match = re.fullmatch(r"serial:([^@]+)(?:@(\d{3,7}))?", value)
        if not match:
            raise bad("应为 serial:/dev/ttyUSB0 或 serial:/dev/ttyUSB0@19200")
        return PrinterSpec("serial", path=match.group(1), baudrate=int(match.group(2) or 9600))
    if value.startswith("file:"):
        path = value[len("file:") :]
        if not path:
            raise bad("应为 file:路径")
        return PrinterSpec("file", path=path)
    raise bad("未知的打印机类型")
