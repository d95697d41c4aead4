"""The start screen: a prompt, one big button per service, the 绿色通道 entry."""

from __future__ import annotations

from collections.abc import Callable

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
from kiosk_app.controller import KioskController
from kiosk_app.services import Availability, ServiceButton
from kiosk_app.texts import text
from kiosk_app.views.parts import screen_column
from kiosk_app.views.style import KioskSizes


def _passive(label: QLabel) -> QLabel:
    label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)
    return label


class ServiceTile(QPushButton):
    """One service: prefix badge, name, and waiting / wait — or why it cannot be pressed."""

    def __init__(self, sizes: KioskSizes, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("serviceTile")
        self.service_id = 0
        self.status_text = ""
        self._pad = sizes.shell.spacing_px
        self.setMinimumHeight(sizes.tile_min_height_px)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.badge = _passive(named(QLabel(), "badge"))
        self.badge.setFixedSize(sizes.badge_px, sizes.badge_px)
        self.badge.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.badge.setFont(theme.font(sizes.tile_name_px, bold=True))
        self.name = _passive(named(QLabel(), "tileName"))
        self.name.setFont(theme.font(sizes.tile_name_px, bold=True))
        self.status = _passive(named(SpacedLabel(), "tileStatus"))
        self.status.setFont(theme.font(sizes.tile_status_px))
        self.status.setWordWrap(True)
        texts = QVBoxLayout()
        texts.setSpacing(sizes.shell.spacing_px // 3)
        texts.addStretch(1)
        texts.addWidget(self.name)
        texts.addWidget(self.status)
        texts.addStretch(1)
        row = QHBoxLayout(self)
        pad = sizes.shell.spacing_px
        row.setContentsMargins(pad, pad // 2, pad, pad // 2)
        row.setSpacing(pad)
        row.addWidget(self.badge, 0, Qt.AlignmentFlag.AlignVCenter)
        row.addLayout(texts, 1)

    def _fit_status(self) -> None:
        """One line when it fits, else break at the " · " (never inside a phrase)."""
        if not self.isVisible() or self.width() <= self.minimumWidth():
            self.status.setText(self.status_text)  # not laid out yet: resizeEvent fits it
            return
        room = self.width() - self.badge.width() - 4 * self._pad
        fits = self.status.fontMetrics().horizontalAdvance(self.status_text) <= room
        self.status.setText(self.status_text if fits else self.status_text.replace(" · ", "\n"))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_status()

    def show_service(
        self,
        button: ServiceButton,
        *,
        pressable: bool,
        green: bool,
        offline: bool,
        selected: bool = False,
    ) -> None:
        self.service_id = button.service_id
        self.badge.setText(button.prefix)
        self.name.setText(button.name)
        availability = button.availability.value
        status = button.status_text
        if button.availability is Availability.open and offline:
            availability, status = "unreachable", text("service.unreachable")
        on = availability == "open"
        if selected and on:  # read out by the voice: the next touch takes the ticket
            status = text("voice.again_short")
        self.status_text = status
        self._fit_status()
        self.status.setObjectName("tileStatus" if on else "tileClosed")
        self.name.setObjectName("tileName" if on else "tileNameOff")
        self.badge.setObjectName(("badgeGreen" if green else "badge") if on else "badgeOff")
        self.setProperty("availability", availability)
        self.setProperty("green", "true" if green and on else "false")
        self.setProperty("selected", "true" if selected and on else "false")
        self.setEnabled(pressable)
        self.setAccessibleName(f"{button.name}，{status}")
        for widget in (self, self.status, self.name, self.badge):
            widget.style().unpolish(widget)
            widget.style().polish(widget)


# how many columns of tiles: (screen width, screen height, services of the hall) -> columns
Columns = Callable[[int, int, int], int]


def standard_columns(width: int, height: int, services: int) -> int:
    """Portrait: one column up to six services, then two; landscape: two, three or four."""
    portrait = height >= width if width else True
    if portrait:
        return 1 if services <= 6 else 2
    return 2 if services <= 4 else 3 if services <= 9 else 4


class ServicesScreen(QWidget):
    """What both start screens (standard and 长辈版) have: the prompt, a banner, the services
    as tiles in a grid of `columns` columns (or a line saying why there are none), a column
    from top to bottom."""

    pressed = Signal(int)  # service id
    MAX_COLUMNS = 4

    def __init__(
        self,
        controller: KioskController,
        sizes: KioskSizes,
        columns: Columns,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.controller = controller
        self.sizes = sizes
        self._columns = columns
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

    def _column(self) -> QVBoxLayout:
        """The screen's column with the prompt, the banner and the services; the rest below."""
        column = screen_column(self, self.sizes)
        column.addWidget(self.prompt)
        column.addWidget(self.banner)
        column.addLayout(self.grid, 1)
        column.addWidget(self.empty, 1)
        return column

    def columns(self) -> int:
        return self._columns(self.width(), self.height(), len(self.controller.buttons))

    def _show_prompt(self, words: str, *, green: bool) -> None:
        self.prompt.setText(words)
        self.prompt.setObjectName("promptGreen" if green else "prompt")
        self.prompt.style().unpolish(self.prompt)
        self.prompt.style().polish(self.prompt)
        self.banner.setText(self.controller.message)
        self.banner.setVisible(bool(self.controller.message))

    def _show_services(self, shown: list[ServiceButton], *, green: bool) -> None:
        """One tile per service shown (as many tiles as services), then placed in the grid."""
        c = self.controller
        while len(self.tiles) < len(shown):
            tile = ServiceTile(self.sizes, self)
            tile.clicked.connect(lambda _=False, t=tile: self.pressed.emit(t.service_id))
            self.tiles.append(tile)
        while len(self.tiles) > len(shown):
            self.tiles.pop().deleteLater()
        for tile, button in zip(self.tiles, shown, strict=True):
            tile.show_service(
                button,
                pressable=c.can_press(button.service_id),
                green=green,
                offline=not c.server_ok,
                selected=c.selected == button.service_id,
            )
        self._place_tiles()
        self.empty.setText(text("start.loading") if not c.is_loaded else text("start.no_services"))
        self.empty.setVisible(not shown)

    def _place_tiles(self) -> None:
        columns = self.columns()
        for tile in self.tiles:
            self.grid.removeWidget(tile)
        for index, tile in enumerate(self.tiles):
            self.grid.addWidget(tile, index // columns, index % columns)
        for col in range(self.MAX_COLUMNS):
            self.grid.setColumnStretch(col, 1 if col < columns else 0)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._place_tiles()

    def tile(self, service_id: int) -> ServiceTile | None:
        return next((t for t in self.tiles if t.service_id == service_id), None)


class StartScreen(ServicesScreen):
    def __init__(
        self, controller: KioskController, sizes: KioskSizes, parent: QWidget | None = None
    ) -> None:
        super().__init__(controller, sizes, standard_columns, parent)
        pad = sizes.shell.spacing_px
        self.green = self._green_entry()
        self.elderly = self._elderly_entry()  # 长辈版
        entries = QHBoxLayout()
        entries.setSpacing(pad)
        entries.addWidget(self.green, 3)
        entries.addWidget(self.elderly, 2)
        self.appointment = self._appointment_entry()
        self.back = named(QPushButton(text("green.back")), "secondary")
        self.back.setFont(theme.font(sizes.shell.title_px, bold=True))
        self.back.setMinimumHeight(sizes.action_height_px)
        self.back.clicked.connect(controller.close_green)
        column = self._column()
        column.addWidget(self.appointment)
        column.addLayout(entries)
        column.addWidget(self.back)
        controller.changed.connect(self.refresh)
        self.refresh()

    def _green_entry(self) -> QPushButton:
        return self._entry("green", "green.entry", "green.who", "Who", self.controller.open_green)

    def _elderly_entry(self) -> QPushButton:
        """长辈版: larger type, fewer choices, plain words."""
        return self._entry(
            "elderly", "elderly.entry", "elderly.entry_hint", "Hint", self.controller.open_elderly
        )

    def _appointment_entry(self) -> QPushButton:
        """预约取号: above the 绿色通道 entry, shown when a service takes appointments."""
        return self._entry(
            "appointment",
            "appointment.entry",
            "appointment.who",
            "Who",
            self.controller.open_appointment,
        )

    def _entry(
        self, name: str, title_key: str, hint_key: str, hint_name: str, slot: Callable[[], object]
    ) -> QPushButton:
        """A wide entry button of the start screen: its title and a line saying who it is for.
        No keyboard focus: an ID card reader or a QR scanner types here and ends with Enter."""
        sizes = self.sizes
        button = named(QPushButton(), f"{name}Entry")
        button.setMinimumHeight(sizes.action_height_px + sizes.shell.spacing_px)
        title = _passive(named(QLabel(text(title_key)), f"{name}Title"))
        title.setFont(theme.font(sizes.tile_name_px, bold=True))
        hint = _passive(named(QLabel(text(hint_key)), f"{name}{hint_name}"))
        hint.setFont(theme.font(sizes.shell.small_px))
        inner = QVBoxLayout(button)
        inner.setContentsMargins(sizes.shell.spacing_px, 8, sizes.shell.spacing_px, 8)
        inner.setSpacing(4)
        inner.addWidget(title, 0, Qt.AlignmentFlag.AlignCenter)
        inner.addWidget(hint, 0, Qt.AlignmentFlag.AlignCenter)
        button.setAccessibleName(text(title_key))
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.clicked.connect(slot)
        return button

    def refresh(self) -> None:
        c = self.controller
        green = c.green_mode
        self._show_prompt(text("green.title") if green else text("start.prompt"), green=green)
        self._show_services(c.buttons, green=green)
        self.green.setVisible(not green)
        self.elderly.setVisible(not green)
        self.elderly.setEnabled(c.is_loaded)
        self.green.setEnabled(c.server_ok and not c.issuing and bool(c.buttons))
        self.appointment.setVisible(not green and c.appointments.offered)
        self.appointment.setEnabled(c.server_ok and not c.issuing)
        self.back.setVisible(green)
