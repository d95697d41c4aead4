"""Widgets every app uses: the header with hall name, date and clock; the 重新连接中 marker;
a QR code. Widgets only — no network, no state beyond what they show."""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

import qrcode
from PySide6.QtCore import QRectF, QSize, Qt, QTimer
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from app_shell import theme
from app_shell.feed import ConnectionState
from app_shell.texts import text
from app_shell.timefmt import clock_text, date_text, now_utc

W = TypeVar("W", bound=QWidget)


def named(widget: W, name: str) -> W:
    """`widget` with its objectName set (the shared and the app stylesheets select on it)."""
    widget.setObjectName(name)
    return widget


# Lines of a wrapped text are this much further apart than the CJK face's own spacing (1.17
# of its size): 1.17 × 1.15 ≈ 1.35, over the 1.3 of MIIT's 适老化 rules
LINE_HEIGHT_PERCENT = 115


class SpacedLabel(QLabel):
    """A label whose lines, when it wraps, are at least 1.3 font sizes apart. `text()` is the
    plain text it was given; `html()` what it renders."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.RichText)
        self._plain = ""
        self.setText(text)

    def setText(self, text: str) -> None:
        self._plain = text
        body = html.escape(text).replace("\n", "<br>")
        super().setText(f'<div style="line-height:{LINE_HEIGHT_PERCENT}%">{body}</div>')

    def text(self) -> str:
        return self._plain

    def html(self) -> str:
        return super().text()


class ClockHeader(QWidget):
    """Title on the left (the hall's name), date and a ticking clock on the right."""

    def __init__(
        self,
        title: str = "",
        *,
        now: Callable[[], datetime] = now_utc,
        sizes: theme.Sizes = theme.SIZES,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("header")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setFixedHeight(sizes.header_px)
        self._now = now
        self.title = named(QLabel(title), "headerTitle")
        self.title.setFont(theme.font(sizes.title_px, bold=True))
        self.date = named(QLabel(), "headerDate")
        self.date.setFont(theme.font(sizes.small_px))
        self.clock = named(QLabel(), "headerClock")
        self.clock.setFont(theme.font(sizes.title_px, bold=True, mono=True))
        self.extra = QHBoxLayout()  # room for a marker next to the title
        right = QVBoxLayout()
        right.setSpacing(0)
        right.addWidget(self.clock, alignment=Qt.AlignmentFlag.AlignRight)
        right.addWidget(self.date, alignment=Qt.AlignmentFlag.AlignRight)
        row = QHBoxLayout(self)
        row.setContentsMargins(sizes.spacing_px * 2, 0, sizes.spacing_px * 2, 0)
        row.addWidget(self.title, 1)
        row.addLayout(self.extra)
        row.addLayout(right)
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.tick)
        self._timer.start(1000)
        self.tick()

    def set_title(self, title: str) -> None:
        self.title.setText(title)

    def tick(self) -> None:
        moment = self._now()
        self.clock.setText(clock_text(moment))
        self.date.setText(date_text(moment))


class ReconnectMarker(QLabel):
    """Says 重新连接中 (or 正在连接服务器…) while the feed is not live; hidden otherwise.

    A screen that is not live must never look live: bind it to FeedBridge.state_changed.
    """

    def __init__(self, sizes: theme.Sizes = theme.SIZES, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reconnecting")
        self.setFont(theme.font(sizes.small_px, bold=True))
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hide()

    def set_state(self, state: ConnectionState) -> None:
        if state is ConnectionState.connected or state is ConnectionState.stopped:
            self.hide()
            return
        key = {
            ConnectionState.connecting: "conn.connecting",
            ConnectionState.reconnecting: "conn.reconnecting",
            ConnectionState.refused: "conn.reconnecting",
        }[state]
        self.setText("⟳ " + text(key) if state is ConnectionState.reconnecting else text(key))
        self.show()


class QrCode(QWidget):
    """A QR code drawn from its modules (crisp at any size, photographable from the screen)."""

    def __init__(
        self, data: str = "", *, side_px: int = 320, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._modules: list[list[bool]] = []
        self._side = side_px
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.setFixedSize(side_px, side_px)
        self.set_data(data)

    @property
    def modules(self) -> list[list[bool]]:
        return self._modules

    def set_data(self, data: str) -> None:
        self.data = data
        if data:
            code = qrcode.QRCode(border=4, error_correction=qrcode.constants.ERROR_CORRECT_M)
            code.add_data(data)
            code.make(fit=True)
            self._modules = [list(row) for row in code.get_matrix()]
        else:
            self._modules = []
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(self._side, self._side)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#FFFFFF"))
        if not self._modules:
            return
        count = len(self._modules)
        cell = min(self.width(), self.height()) / count
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor("#000000"))
        for y, row in enumerate(self._modules):
            for x, dark in enumerate(row):
                if dark:
                    painter.drawRect(QRectF(x * cell, y * cell, cell + 0.5, cell + 0.5))
        painter.end()
