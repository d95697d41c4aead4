"""长辈版's start screen: at most four large services (the hall's 常用业务 first), 更多业务 and
上一页 between pages, the 绿色通道, and the way back to the standard screen. Plain words."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from app_shell import theme
from app_shell.widgets import named
from kiosk_app import elderly
from kiosk_app.controller import KioskController
from kiosk_app.texts import text
from kiosk_app.views.parts import action_row, big_button
from kiosk_app.views.start import ServicesScreen
from kiosk_app.views.style import KioskSizes


def elderly_columns(width: int, height: int, services: int) -> int:
    """Two large tiles a row on a landscape screen, one on a portrait one."""
    return 2 if width > height else 1


class ElderlyStartScreen(ServicesScreen):
    MAX_COLUMNS = 2

    def __init__(
        self, controller: KioskController, sizes: KioskSizes, parent: QWidget | None = None
    ) -> None:
        super().__init__(controller, sizes, elderly_columns, parent)
        pad = sizes.shell.spacing_px
        self.previous = big_button(text("elderly.previous"), "secondary", sizes)
        self.previous.clicked.connect(lambda: controller.turn_page(-1))
        self.more = big_button(text("elderly.more"), "secondary", sizes)
        self.more.clicked.connect(lambda: controller.turn_page(1))
        self.page_label = named(QLabel(), "pageLabel")
        self.page_label.setFont(theme.font(sizes.shell.small_px))
        self.page_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        pages = QHBoxLayout()
        pages.setSpacing(pad)
        pages.addWidget(self.previous, 2)
        pages.addWidget(self.page_label, 1)
        pages.addWidget(self.more, 2)
        self.green = big_button(text("elderly.green"), "greenEntry", sizes)
        self.green.clicked.connect(controller.open_green)
        self.back = big_button(text("green.back"), "secondary", sizes)
        self.back.clicked.connect(controller.close_green)
        self.standard = big_button(text("elderly.standard"), "secondary", sizes)
        self.standard.clicked.connect(controller.close_elderly)
        column = self._column()
        column.addLayout(pages)
        column.addSpacing(pad)
        column.addLayout(action_row(sizes, self.green, self.back, self.standard))
        controller.changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        c = self.controller
        green = c.green_mode
        words = text("elderly.green_prompt") if green else text("elderly.prompt")
        self._show_prompt(words, green=green)
        shown = [replace(b, status_text=elderly.status_text(b)) for b in c.page_buttons()]
        self._show_services(shown, green=green)
        count = len(c.pages())
        self.previous.setVisible(count > 1)
        self.more.setVisible(count > 1)
        self.page_label.setVisible(count > 1)
        self.previous.setEnabled(c.page > 0)
        self.more.setEnabled(c.page < count - 1)
        self.page_label.setText(text("elderly.page", page=c.page + 1, pages=max(count, 1)))
        self.green.setVisible(not green)
        self.green.setEnabled(c.server_ok and not c.issuing and bool(shown))
        self.back.setVisible(green)
        self.standard.setVisible(not green)

    def _place_tiles(self) -> None:
        super()._place_tiles()
        rows = (elderly.PER_PAGE + self.columns() - 1) // self.columns()
        for row in range(elderly.PER_PAGE):  # a short last page keeps the tiles' size
            self.grid.setRowStretch(row, 1 if row < rows else 0)
