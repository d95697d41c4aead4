"""Small widgets of the display: a label whose text always fits its width, and the scrolling
notice strip."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt, QTimer
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

from app_shell import theme

LINE_EM = 1.1


class FitLabel(QLabel):
    """A one-line label drawn at `max_px`, or smaller when the text would not fit its width
    (a long window name never gets cut off)."""

    def __init__(
        self,
        text: str = "",
        *,
        max_px: int = 100,
        bold: bool = False,
        mono: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(text, parent)
        self._max_px, self._bold, self._mono = max_px, bold, mono
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self._fit()

    def set_max_px(self, px: int) -> None:
        self._max_px = px
        self._fit()

    def setText(self, text: str) -> None:
        if text != self.text():
            super().setText(text)
            self._fit()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    @property
    def px(self) -> int:
        return self.font().pixelSize()

    def _fit(self) -> None:
        font = theme.font(self._max_px, bold=self._bold, mono=self._mono)
        width = QFontMetricsF(font).horizontalAdvance(self.text() or " ")
        room = self.width() - self.contentsMargins().left() - self.contentsMargins().right()
        px = self._max_px
        if room > 0 and width > room:
            px = max(8, int(self._max_px * room / width * 0.97))
            font = theme.font(px, bold=self._bold, mono=self._mono)
        if font != self.font():
            self.setFont(font)
        # glyphs (digits, capitals, CJK) fill about 1.1 em; the font's line height is 1.17
        self.setFixedHeight(round(self._max_px * LINE_EM))


class NoticeStrip(QWidget):
    """The hall notice along the bottom: still when it fits, otherwise scrolling from right to
    left (`speed_px_s`), starting with its beginning in view."""

    FRAME_MS = 33

    def __init__(
        self,
        *,
        px: int,
        height: int,
        background: str,
        colour: str,
        speed_px_s: float = 120.0,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("noticeStrip")
        self._text = ""
        self._background, self._colour = QColor(background), QColor(colour)
        self._speed = speed_px_s
        self._offset = 0.0
        self._timer = QTimer(self)
        self._timer.setInterval(self.FRAME_MS)
        self._timer.timeout.connect(self._step)
        self.set_sizes(px, height)

    def set_sizes(self, px: int, height: int) -> None:
        self._font = theme.font(px)
        self._margin = px
        self.setFixedHeight(height)
        self.update()

    @property
    def text(self) -> str:
        return self._text

    @property
    def scrolling(self) -> bool:
        return self._timer.isActive()

    def set_text(self, text: str) -> None:
        text = " ".join(text.split())  # one line
        if text == self._text:
            return
        self._text = text
        self._offset = 0.0
        self.setVisible(bool(text))
        self._update_timer()
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(400, self.height())

    def _text_width(self) -> float:
        return QFontMetricsF(self._font).horizontalAdvance(self._text)

    def _update_timer(self) -> None:
        overflow = bool(self._text) and self._text_width() > self.width() - 2 * self._margin
        if overflow and self.isVisible():
            if not self._timer.isActive():
                self._timer.start()
        else:
            self._timer.stop()
            self._offset = 0.0

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._update_timer()

    def showEvent(self, event: object) -> None:
        self._update_timer()

    def hideEvent(self, event: object) -> None:
        self._timer.stop()

    def _step(self) -> None:
        self._offset += self._speed * self.FRAME_MS / 1000
        # once the text has left on the left, it comes back in from the right
        if self._offset > self._text_width() + self._margin:
            self._offset = -float(self.width() - self._margin)
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), self._background)
        painter.setPen(self._colour)
        painter.setFont(self._font)
        width = self._text_width()
        if not self._timer.isActive() and width <= self.width() - 2 * self._margin:
            x = (self.width() - width) / 2
        else:
            x = self._margin - self._offset
        rect = QRectF(x, 0, width + 2, self.height())
        painter.drawText(
            rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, self._text
        )
        painter.end()
