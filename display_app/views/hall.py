"""The hall screen (综合屏): the latest call very large, the calls before it, the waiting
counts per service. The header and the notice strip are the window's (views/window.py)."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app_shell import theme
from app_shell.timefmt import HALL_ZONE, local
from app_shell.widgets import named
from display_app.board import Call
from display_app.controller import DisplayController
from display_app.texts import text
from display_app.views.parts import LINE_EM, FitLabel
from display_app.views.style import DisplaySizes


def slot_text(slot: tuple[datetime, datetime]) -> str:
    """An appointment's slot in the hall's time: 10:00–10:30."""
    start, end = (local(t, HALL_ZONE) for t in slot)
    return f"{start:%H:%M}–{end:%H:%M}"


def restyle(widget: QWidget, name: str, value: object) -> None:
    """Set a dynamic property the stylesheet selects on, and apply it."""
    if widget.property(name) != value:
        widget.setProperty(name, value)
        widget.style().unpolish(widget)
        widget.style().polish(widget)
        for child in widget.findChildren(QWidget):
            child.style().unpolish(child)
            child.style().polish(child)


class CurrentCall(QFrame):
    """The newest call: number, then → window, both in the huge size."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("currentCall")
        self.number = FitLabel(bold=True, mono=True)
        self.where = FitLabel(bold=True)
        self.detail = named(QLabel(), "callDetail")
        for label in (self.number, self.where, self.detail):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        column = QVBoxLayout(self)
        column.addStretch(1)
        column.addWidget(self.number)
        column.addWidget(self.where)
        column.addSpacing(8)
        column.addWidget(self.detail)
        column.addStretch(1)
        self._column = column
        self._sizes: DisplaySizes | None = None
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Ignored)

    def set_sizes(self, sizes: DisplaySizes) -> None:
        self._sizes = sizes
        self.detail.setFont(theme.font(sizes.normal_px))
        self._column.setContentsMargins(*(sizes.gap_px,) * 4)
        self._fit_height()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_height()

    def _fit_height(self) -> None:
        """The two huge lines as large as the panel's height allows, at most `huge_px`."""
        if self._sizes is None:
            return
        s = self._sizes
        room = self.height() - 2 * s.gap_px - 8 - round(s.normal_px * 1.3)
        px = s.huge_px if room <= 0 else min(s.huge_px, int(room / 2 / LINE_EM))
        self.number.set_max_px(px)
        self.where.set_max_px(px)

    def show_call(self, call: Call | None, fresh: bool) -> None:
        if call is None:
            self.number.setText(text("call.none"))
            self.where.setText("")
            self.detail.setText(text("call.none_hint"))
        else:
            self.number.setText(call.number)
            self.where.setText(text("call.arrow", window=call.window_number))
            # 字幕: the call as it is said, for those who cannot hear it, then the service
            detail = f"{call.subtitle} · {call.service_name}"
            if call.slot is not None:
                detail = f"{text('call.appointment', slot=slot_text(call.slot))} · {detail}"
            if call.recall:
                detail = f"{text('call.recall')} · {detail}"
            if call.rejoined:
                detail = f"{text('call.rejoined')} · {detail}"
            self.detail.setText(detail)
        restyle(self, "fresh", bool(fresh and call is not None))


class RecentCalls(QFrame):
    """The calls before the newest, newest first, smaller and in plain colours."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        self.title = named(QLabel(text("recent.title")), "sectionTitle")
        self.grid = QGridLayout()
        self.rows: list[tuple[QLabel, QLabel]] = []
        column = QVBoxLayout(self)
        column.addWidget(self.title)
        column.addLayout(self.grid)
        column.addStretch(1)
        self._column = column
        self._sizes: DisplaySizes | None = None
        self._calls: list[Call] = []
        self.capacity = 0  # rows that fit the card's height
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Ignored)

    def set_sizes(self, sizes: DisplaySizes) -> None:
        self._sizes = sizes
        self.title.setFont(theme.font(sizes.normal_px))
        self._column.setContentsMargins(sizes.gap_px * 2, sizes.gap_px, sizes.gap_px * 2, 0)
        self.grid.setVerticalSpacing(round(sizes.gap_px * 0.4))
        self.grid.setHorizontalSpacing(sizes.gap_px * 2)
        for number, window in self.rows:
            self._style_row(number, window)
        self._update_capacity()

    def _style_row(self, number: QLabel, window: QLabel) -> None:
        assert self._sizes is not None
        number.setFont(theme.font(self._sizes.large_px, mono=True))
        window.setFont(theme.font(self._sizes.large_px))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._update_capacity()

    def _update_capacity(self) -> None:
        if self._sizes is None:
            return
        s = self._sizes
        room = self.height() - s.gap_px - round(s.normal_px * 1.4)
        row = round(s.large_px * 1.17) + round(s.gap_px * 0.4)
        capacity = max(1, room // row) if room > 0 else 1
        if capacity != self.capacity:
            self.capacity = capacity
            self.show_calls(self._calls)

    def show_calls(self, calls: list[Call]) -> None:
        self._calls = list(calls)
        calls = calls[: self.capacity] if self.capacity else calls
        while len(self.rows) < len(calls):
            number = named(QLabel(), "recentNumber")
            window = named(QLabel(), "recentWindow")
            row = len(self.rows)
            self.grid.addWidget(number, row, 0)
            self.grid.addWidget(window, row, 1)
            self.rows.append((number, window))
            if self._sizes is not None:
                self._style_row(number, window)
        for i, (number, window) in enumerate(self.rows):
            call = calls[i] if i < len(calls) else None
            number.setText(call.number if call else "")
            key = "recent.row_appointment" if call and call.slot else "recent.row_window"
            window.setText(text(key, window=call.window_number) if call else "")
            number.setVisible(call is not None)
            window.setVisible(call is not None)

    def texts(self) -> list[str]:
        return [f"{n.text()} {w.text()}" for n, w in self.rows if n.isVisible()]


class WaitingCounts(QFrame):
    """等候人数 per service, in one or two rows along the bottom."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        self.title = named(QLabel(text("counts.title")), "sectionTitle")
        self.grid = QGridLayout()
        self.cells: list[tuple[QLabel, QLabel]] = []
        row = QHBoxLayout(self)
        row.addWidget(self.title)
        row.addLayout(self.grid, 1)
        self._row = row
        self._sizes: DisplaySizes | None = None
        self._shown: list[tuple[int, str, int]] = []

    def set_sizes(self, sizes: DisplaySizes) -> None:
        self._sizes = sizes
        self.title.setFont(theme.font(sizes.normal_px))
        self._row.setContentsMargins(
            sizes.gap_px * 2, sizes.gap_px // 2, sizes.gap_px, sizes.gap_px // 2
        )
        self._row.setSpacing(sizes.gap_px * 2)
        self.grid.setHorizontalSpacing(sizes.gap_px)
        self.grid.setVerticalSpacing(sizes.gap_px // 3)
        for name, value in self.cells:
            name.setFont(theme.font(sizes.normal_px))
            value.setFont(theme.font(sizes.normal_px, bold=True))

    def show_counts(self, counts: list[tuple[int, str, int]]) -> None:
        """(service id, name, waiting) in the hall's order."""
        if counts == self._shown:
            return
        self._shown = list(counts)
        for name, value in self.cells:
            self.grid.removeWidget(name)
            self.grid.removeWidget(value)
            name.deleteLater()
            value.deleteLater()
        self.cells = []
        per_row = max(1, min(4, -(-len(counts) // 2))) if len(counts) > 4 else max(1, len(counts))
        for i, (_, service, waiting) in enumerate(counts):
            name = named(QLabel(service), "countName")
            value = named(QLabel(text("counts.value", count=waiting)), "countValue")
            value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            row, col = divmod(i, per_row)
            self.grid.addWidget(name, row, col * 2)
            self.grid.addWidget(value, row, col * 2 + 1)
            self.cells.append((name, value))
        if self._sizes is not None:
            self.set_sizes(self._sizes)

    def texts(self) -> list[str]:
        return [f"{n.text()} {v.text()}" for n, v in self.cells]


class HallScreen(QWidget):
    def __init__(self, controller: DisplayController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.current = CurrentCall()
        self.recent = RecentCalls()
        self.counts = WaitingCounts()
        self.subtitle = self.current.detail  # 字幕 (issue 29): in the call's own panel
        top = QHBoxLayout()
        top.addWidget(self.current, 13)
        top.addWidget(self.recent, 7)
        column = QVBoxLayout(self)
        column.addLayout(top, 1)
        column.addWidget(self.counts)
        self._top, self._column = top, column

    def set_sizes(self, sizes: DisplaySizes) -> None:
        self._top.setSpacing(sizes.gap_px)
        self._column.setSpacing(sizes.gap_px)
        self._column.setContentsMargins(*(sizes.gap_px,) * 4)
        for part in (self.current, self.recent, self.counts):
            part.set_sizes(sizes)

    def refresh(self) -> None:
        c = self.controller
        self.current.show_call(c.board.latest, c.highlighted)
        self.recent.show_calls(c.recent())
        self.counts.show_counts([(s.service_id, s.name, s.waiting) for s in c.board.counts()])
