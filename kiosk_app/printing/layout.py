"""The printed ticket in ESC/POS bytes, for 58 mm and 80 mm paper.

    (hall name, bold)
    ------------------------------
                A012                  <- double width and height, bold
          【绿色通道】                 <- green channel only
        【预约】10:00–10:30            <- an appointment's ticket: its slot
    业务：户籍办理
    前面等候：5 人
    预计等候：约 15分钟
    取号时间：2026-11-26 09:05
             ▣ QR ▣                   <- native QR of the ticket's page /t/{public_token}
          扫码查看排队进度
    过号请到窗口说明，可重新排队…      <- the hall's no-show rule (or a configured notice), wrapped
    (feed, cut)

A ticket taken in 长辈版 is printed larger, with the service and the windows spelled out:
the number four times as wide and tall (`GS ! 0x33`), 办理：… / 请到：3号、5号窗口 / 前面还有
3 人 twice as wide and tall (`GS ! 0x11`, which enlarges Chinese characters too, where
`ESC !` enlarges only Latin ones), then the rest at the normal size.

Chinese goes out in the printer's Chinese mode: `FS &`, the GB18030 bytes, `FS .`, one
line at a time. The layout is built on python-escpos' `Dummy` printer, then sent in one go.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from escpos.printer import Dummy

from app_shell.timefmt import datetime_text, wait_text
from kiosk_app.elderly import windows_text
from kiosk_app.texts import text
from kiosk_app.ticket import IssuedTicket

FS_CHINESE_ON = b"\x1c\x26"  # FS &
FS_CHINESE_OFF = b"\x1c\x2e"  # FS .
SIZE_NORMAL = b"\x1d!\x00"  # GS ! : every character, Chinese ones too, at 1x1
SIZE_DOUBLE = b"\x1d!\x11"  # 2x2
SIZE_QUAD = b"\x1d!\x33"  # 4x4


@dataclass(frozen=True)
class Paper:
    width_mm: int
    columns: int  # font A, one column = one half-width character
    qr_module_dots: int

    @classmethod
    def of(cls, width_mm: int) -> Paper:
        if width_mm == 58:
            return cls(58, 32, 5)
        if width_mm == 80:
            return cls(80, 48, 6)
        raise ValueError(f"paper width {width_mm} mm: 58 or 80")


def display_width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def wrap_columns(s: str, columns: int) -> list[str]:
    """Split `s` into lines of at most `columns` columns (a Chinese character takes two)."""
    lines: list[str] = []
    for paragraph in s.splitlines() or [""]:
        line, width = "", 0
        for ch in paragraph:
            w = display_width(ch)
            if width + w > columns:
                lines.append(line)
                line, width = "", 0
            line += ch
            width += w
        lines.append(line)
    return lines


class TicketLayout:
    """Builds the bytes of one ticket (or a test ticket) for a paper width."""

    def __init__(self, paper_mm: int, notice: str | None = None) -> None:
        self.paper = Paper.of(paper_mm)
        self.notice = notice or text("ticket.notice")

    def _line(self, p: Dummy, s: str) -> None:
        """One line of text; in Chinese mode when it has non-ASCII characters."""
        if s.isascii():
            p._raw(s.encode("ascii") + b"\n")
        else:
            p._raw(FS_CHINESE_ON + s.encode("gb18030") + FS_CHINESE_OFF + b"\n")

    def render(self, ticket: IssuedTicket) -> bytes:
        if ticket.elderly:
            return self.render_elderly(ticket)
        p = self._head(ticket)
        cols = self.paper.columns
        p.set(align="center", bold=True, double_width=True, double_height=True)
        self._line(p, ticket.number)
        if ticket.green:
            self._line(p, text("ticket.green"))
        if ticket.slot is not None:
            p.set(align="center", bold=True, double_width=False, double_height=True)
            self._line(p, text("ticket.appointment", slot=ticket.slot_text))
        p.set(align="left", bold=False, normal_textsize=True)
        service = text("ticket.service", service=ticket.service_name)
        ahead = text("ticket.ahead", ahead=ticket.ahead)
        self._lines(p, [service, ahead, *self._when(ticket)], cols)
        self._qr(p, ticket)
        p.set(align="left")
        return self._end(p)

    def render_elderly(self, ticket: IssuedTicket) -> bytes:
        """长辈版: larger type; what to do and where, in words."""
        p = self._head(ticket)
        cols = self.paper.columns
        p._raw(SIZE_DOUBLE)
        self._line(p, text("elderly.ticket_number"))
        p.set(bold=True)
        p._raw(SIZE_QUAD)
        self._line(p, ticket.number)
        p._raw(SIZE_DOUBLE)
        if ticket.green:
            self._line(p, text("ticket.green"))
        p.set(align="left")
        big = [
            text("ticket.elderly_service", service=ticket.service_name),
            text("ticket.elderly_ahead", ahead=ticket.ahead),
        ]
        if ticket.window_numbers:
            big.insert(
                1, text("ticket.elderly_windows", windows=windows_text(ticket.window_numbers))
            )
        self._lines(p, big, cols // 2)
        p.set(bold=False)
        p._raw(SIZE_NORMAL)
        self._lines(p, self._when(ticket), cols)
        self._qr(p, ticket)
        p.set(bold=True, double_height=True)
        self._line(p, text("ticket.elderly_listen"))
        p.set(align="left", bold=False, normal_textsize=True)
        return self._end(p)

    def _head(self, ticket: IssuedTicket) -> Dummy:
        """A new ticket: the hall's name, large, and a rule under it."""
        p = Dummy()
        cols = self.paper.columns
        p.hw("INIT")
        p.set(align="center", bold=True, double_height=True)
        self._lines(p, [ticket.hall_name], cols // 2 * 2)
        p.set(align="center", bold=False, normal_textsize=True)
        self._line(p, "-" * cols)
        return p

    def _lines(self, p: Dummy, lines: Sequence[str], columns: int) -> None:
        """Each line wrapped to `columns`."""
        for line in lines:
            for wrapped in wrap_columns(line, columns):
                self._line(p, wrapped)

    @staticmethod
    def _when(ticket: IssuedTicket) -> list[str]:
        """The expected wait and when the ticket was issued."""
        return [
            text("ticket.wait", wait=wait_text(ticket.estimated_wait_minutes)),
            text("ticket.issued", time=datetime_text(ticket.issued_at)),
        ]

    def _qr(self, p: Dummy, ticket: IssuedTicket) -> None:
        """The ticket's QR code (its page on a phone) and the line asking to scan it."""
        p.set(align="center")
        p.ln()
        p.qr(ticket.public_url, native=True, size=self.paper.qr_module_dots)
        self._line(p, text("ticket.scan"))

    def _end(self, p: Dummy) -> bytes:
        """The hall's notice, the cut, and the bytes of the whole ticket."""
        self._lines(p, [self.notice], self.paper.columns)
        p.cut()
        output: bytes = p.output
        return output
