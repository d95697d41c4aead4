"""长辈版's start screen: at most four large services (the hall's 常用业务 first), 更多业务 and
上一页 between pages, the 绿色通道, and the way back to the standard screen. Plain words."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app_shell import theme
from app_shell.widgets import SpacedLabel, named
from kiosk_app import elderly
from kiosk_app.controller import KioskController
from kiosk_app.texts import text
from kiosk_app.views.start import ServiceTile
from kiosk_app.views.style import KioskSizes


def big_button(label: str, name: str, sizes: KioskSizes) -> QPushButton:
    button = named(QPushButton(label), name)
    button.setFont(theme.font(sizes.shell.title_px, bold=True))
    button.setMinimumHeight(sizes.action_height_px)
    button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
    button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    return button


class ElderlyStartScreen(QWidget):
    pressed = Signal(int)  # service id

    def __init__(
        self, controller: KioskController, sizes: KioskSizes, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.controller = controller
        self.sizes = sizes
        self.tiles: list[ServiceTile] = []
        pad = sizes.shell.spacing_px
        self.prompt = named(QLabel(), "prompt")
        self.prompt.setFont(theme.font(sizes.shell.title_px, bold=True))
        self.prompt.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.banner = named(SpacedLabel(), "banner")
        self.banner.setFont(theme.font(sizes.shell.body_px, bold=True))
        self.banner.setWordWrap(True)
        self.banner.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.banner.hide()
        self.grid = QGridLayout()
        self.grid.setSpacing(pad)
        self.empty = named(SpacedLabel(), "muted")
        self.empty.setFont(theme.font(sizes.shell.body_px))
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
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
        actions = QHBoxLayout()
        actions.setSpacing(pad * 2)
        actions.addWidget(self.green)
        actions.addWidget(self.back)
        actions.addWidget(self.standard)
        column = QVBoxLayout(self)
        column.setContentsMargins(pad * 2, pad, pad * 2, pad * 2)
        column.setSpacing(pad)
        column.addWidget(self.prompt)
        column.addWidget(self.banner)
        column.addLayout(self.grid, 1)
        column.addWidget(self.empty, 1)
        column.addLayout(pages)
        column.addSpacing(pad)
        column.addLayout(actions)
        controller.changed.connect(self.refresh)
        self.refresh()

    def columns(self) -> int:
        return 2 if self.width() > self.height() else 1

    def refresh(self) -> None:
        c = self.controller
        green = c.green_mode
        self.prompt.setText(text("elderly.green_prompt") if green else text("elderly.prompt"))
        self.prompt.setObjectName("promptGreen" if green else "prompt")
        self.prompt.style().unpolish(self.prompt)
        self.prompt.style().polish(self.prompt)
        self.banner.setText(c.message)
        self.banner.setVisible(bool(c.message))
        shown = c.page_buttons()
        while len(self.tiles) < len(shown):
            tile = ServiceTile(self.sizes, self)
            tile.clicked.connect(lambda _=False, t=tile: self.pressed.emit(t.service_id))
            self.tiles.append(tile)
        while len(self.tiles) > len(shown):
            self.tiles.pop().deleteLater()
        for tile, button in zip(self.tiles, shown, strict=True):
            tile.show_service(
                replace(button, status_text=elderly.status_text(button)),
                pressable=c.can_press(button.service_id),
                green=green,
                offline=not c.server_ok,
                selected=c.selected == button.service_id,
            )
        self._place_tiles()
        self.empty.setText(text("start.loading") if not c.is_loaded else text("start.no_services"))
        self.empty.setVisible(not shown)
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
        columns = self.columns()
        for tile in self.tiles:
            self.grid.removeWidget(tile)
        for index, tile in enumerate(self.tiles):
            self.grid.addWidget(tile, index // columns, index % columns)
        for col in range(2):
            self.grid.setColumnStretch(col, 1 if col < columns else 0)
        rows = (elderly.PER_PAGE + columns - 1) // columns
        for row in range(elderly.PER_PAGE):  # a short last page keeps the tiles' size
            self.grid.setRowStretch(row, 1 if row < rows else 0)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._place_tiles()

    def tile(self, service_id: int) -> ServiceTile | None:
        return next((t for t in self.tiles if t.service_id == service_id), None)
