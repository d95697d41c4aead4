"""The display's window: the header (hall, 重新连接中, clock and date), the hall or window
screen, the notice strip. Sizes follow the window's size (any resolution, fullscreen)."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from app_shell import theme
from app_shell.widgets import ClockHeader, ReconnectMarker, named
from display_app.controller import DisplayController
from display_app.texts import text
from display_app.views.hall import HallScreen
from display_app.views.parts import NoticeStrip
from display_app.views.style import (
    NOTICE_BG,
    NOTICE_TEXT,
    STYLESHEET,
    DisplaySizes,
    is_strip,
)
from display_app.views.window_screen import WindowScreen


class DisplayWindow(QWidget):
    def __init__(self, controller: DisplayController, width: int, height: int) -> None:
        super().__init__()
        self.setObjectName("screen")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(theme.base_stylesheet() + STYLESHEET)
        self.controller = controller
        self.sizes = self._sizes_for(width, height)
        self.header = ClockHeader(text("title"), now=controller.now, sizes=self.sizes.shell())
        self.marker = ReconnectMarker(self.sizes.shell())
        self.header.extra.addWidget(self.marker)
        self.problem = named(QLabel(), "problem")
        self.problem.setWordWrap(True)
        self.problem.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.body: HallScreen | WindowScreen = (
            WindowScreen(controller) if controller.window_mode else HallScreen(controller)
        )
        self.notice = NoticeStrip(
            px=self.sizes.normal_px,
            height=self.sizes.notice_px,
            background=NOTICE_BG,
            colour=NOTICE_TEXT,
        )
        self.notice.hide()
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.header)
        column.addWidget(self.problem)
        column.addWidget(self.body, 1)
        column.addWidget(self.notice)
        self._column = column
        self._pending = False
        controller.changed.connect(self.schedule_refresh)
        self.resize(width, height)
        self.apply_sizes(self.sizes)
        self.refresh()

    def _sizes_for(self, width: int, height: int) -> DisplaySizes:
        return DisplaySizes.for_size(width, height, strip=self.strip_for(width, height))

    def strip_for(self, width: int, height: int) -> bool:
        return self.controller.window_mode and is_strip(width, height)

    @property
    def strip(self) -> bool:
        """A window's strip screen: no header, the window and its call in one row."""
        return self.strip_for(self.width(), self.height())

    def apply_sizes(self, sizes: DisplaySizes) -> None:
        self.sizes = sizes
        strip = self.strip
        self.header.setHidden(strip)
        # the 重新连接中 marker stays in sight: in the header, or above a strip's row
        if strip:
            self._column.insertWidget(0, self.marker, 0, Qt.AlignmentFlag.AlignHCenter)
        else:
            self.header.extra.addWidget(self.marker)
        shell = sizes.shell()
        header = self.header
        header.setFixedHeight(shell.header_px)
        header.title.setFont(theme.font(shell.title_px, bold=True))
        header.clock.setFont(theme.font(shell.title_px, bold=True, mono=True))
        header.date.setFont(theme.font(shell.small_px))
        self.marker.setFont(theme.font(shell.small_px, bold=True))
        self.problem.setFont(theme.font(sizes.normal_px))
        self.notice.set_sizes(sizes.normal_px, sizes.notice_px)
        self.body.set_sizes(sizes)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        sizes = self._sizes_for(self.width(), self.height())
        if sizes != self.sizes or self.header.isHidden() != self.strip:
            self.apply_sizes(sizes)

    @property
    def up_to_date(self) -> bool:
        """Nothing the controller changed is waiting to be shown."""
        return not self._pending

    def schedule_refresh(self) -> None:
        """Many events in one burst (a replay) repaint once."""
        if not self._pending:
            self._pending = True
            QTimer.singleShot(0, self.refresh)

    def refresh(self) -> None:
        self._pending = False
        c = self.controller
        title = c.board.hall_name or text("title")
        self.header.set_title(title)
        self.marker.set_state(c.connection)
        self.problem.setText(c.message)
        self.problem.setVisible(bool(c.message))
        self.notice.set_text("" if self.strip else c.board.notice)  # a strip has no room
        self.body.refresh()
