"""Signing in (工号 + 密码) and choosing the window: widgets only."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app_shell import theme
from app_shell.widgets import named
from client.desk import DeskWindow
from window_client.controller import WindowController
from window_client.sign_in_controller import SignInController
from window_client.texts import text
from window_client.views.style import DeskSizes


def card(sizes: DeskSizes) -> tuple[QWidget, QVBoxLayout]:
    card = named(QWidget(), "card")
    card.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
    column = QVBoxLayout(card)
    pad = sizes.shell.spacing_px * 2
    column.setContentsMargins(pad, pad, pad, pad)
    column.setSpacing(sizes.shell.spacing_px)
    return card, column


class NoticeLabel(QLabel):
    """The last result or refusal, in words; red and framed when something was not done."""

    def __init__(self, sizes: DeskSizes, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("notice")
        self.setWordWrap(True)
        self.setFont(theme.font(sizes.info_px, bold=True))

    def show_notice(self, message: str, failure: bool) -> None:
        self.setObjectName("noticeError" if failure and message else "notice")
        self.setText(message)
        self.style().unpolish(self)
        self.style().polish(self)


def touch_button(label: str, name: str, sizes: DeskSizes, *, bold: bool = True) -> QPushButton:
    """A button of the sign-in pages: body type, at least a touch target high."""
    button = named(QPushButton(label), name)
    button.setFont(theme.font(sizes.shell.body_px, bold=bold))
    button.setMinimumHeight(sizes.shell.touch_min_px)
    return button


def form(sizes: DeskSizes, fields: Sequence[tuple[str, QLineEdit]]) -> QGridLayout:
    """Labelled fields, one a row: the label in bold on the left."""
    grid = QGridLayout()
    grid.setSpacing(sizes.shell.spacing_px)
    for row, (label, field) in enumerate(fields):
        name = QLabel(label)
        name.setFont(theme.font(sizes.shell.body_px, bold=True))
        field.setFont(theme.font(sizes.shell.body_px))
        field.setMinimumHeight(sizes.shell.touch_min_px)
        grid.addWidget(name, row, 0)
        grid.addWidget(field, row, 1)
    return grid


def card_page(page: QWidget, sizes: DeskSizes, heading: str, width: float) -> QVBoxLayout:
    """Lay `page` out as one card in the middle, under its heading (`heading`: a text key),
    `width` widths of a ticket number wide; returns the card's column for the page's fields."""
    box, column = card(sizes)
    box.setFixedWidth(round(sizes.number_px * width))
    title = named(QLabel(text(heading)), "cardTitle")
    title.setFont(theme.font(sizes.shell.title_px, bold=True))
    column.addWidget(title)
    outer = QVBoxLayout(page)
    outer.addStretch(1)
    outer.addWidget(box, 0, Qt.AlignmentFlag.AlignHCenter)
    outer.addStretch(2)
    return column


class SignInPage(QWidget):
    def __init__(
        self, controller: SignInController, sizes: DeskSizes, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.controller = controller
        self.column = card_page(self, sizes, "signin.heading", 4.2)
        self.staff_no = QLineEdit(controller.settings.staff_no or "")
        self.staff_no.setPlaceholderText(text("signin.staff_no"))
        self.password = QLineEdit()
        self.password.setPlaceholderText(text("signin.password"))
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.submit = touch_button(text("signin.submit"), "primary", sizes)
        self.submit.clicked.connect(self.sign_in)
        self.staff_no.returnPressed.connect(self.password.setFocus)
        self.password.returnPressed.connect(self.sign_in)
        self.notice = NoticeLabel(sizes)
        fields = (
            (text("signin.staff_no"), self.staff_no),
            (text("signin.password"), self.password),
        )
        self.column.addLayout(form(sizes, fields))
        self.column.addWidget(self.submit)
        self.column.addWidget(self.notice)
        controller.busy_changed.connect(self._busy)

    def sign_in(self) -> None:
        self.controller.sign_in(self.staff_no.text(), self.password.text())

    def _busy(self, busy: bool) -> None:
        self.submit.setEnabled(not busy)
        self.submit.setText(text("signin.busy") if busy else text("signin.submit"))
        if not busy:
            self.password.clear()

    def focus(self) -> None:
        (self.password if self.staff_no.text() else self.staff_no).setFocus()


class ChoosePage(QWidget):
    """The hall's windows as buttons: one click opens the window and signs the clerk in."""

    def __init__(
        self, controller: WindowController, sizes: DeskSizes, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.controller = controller
        self.sizes = sizes
        self.hello = named(QLabel(), "cardTitle")
        self.hello.setFont(theme.font(sizes.shell.title_px, bold=True))
        prompt = named(QLabel(text("choose.heading")), "muted")
        prompt.setFont(theme.font(sizes.shell.body_px))
        self.grid = QGridLayout()
        self.grid.setSpacing(sizes.shell.spacing_px)
        self.tiles: dict[int, QPushButton] = {}
        self.notice = NoticeLabel(sizes)
        self.sign_out = touch_button(text("choose.sign_out"), "secondary", sizes, bold=False)
        self.sign_out.setMinimumWidth(sizes.number_px * 2)
        self.sign_out.clicked.connect(lambda: controller.sign_out())
        self.password = touch_button(text("choose.password"), "secondary", sizes, bold=False)
        self.password.setMinimumWidth(sizes.number_px * 2)
        self.password.clicked.connect(controller.ask_password_change)
        column = QVBoxLayout(self)
        pad = sizes.shell.spacing_px * 3
        column.setContentsMargins(pad, pad, pad, pad)
        column.setSpacing(sizes.shell.spacing_px)
        column.addWidget(self.hello)
        column.addWidget(prompt)
        column.addLayout(self.grid)
        column.addWidget(self.notice)
        column.addStretch(1)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(self.password)
        bottom.addWidget(self.sign_out)
        column.addLayout(bottom)
        controller.windows_loaded.connect(self.refresh)
        controller.busy_changed.connect(self._busy)

    def refresh(self) -> None:
        c = self.controller
        if c.me is not None:
            self.hello.setText(text("choose.hello", name=c.me.name, staff_no=c.me.staff_no))
        while self.grid.count():
            item = self.grid.takeAt(0)
            if item is not None and item.widget() is not None:
                item.widget().deleteLater()  # type: ignore[union-attr]
        self.tiles.clear()
        preferred = c.preferred_window()
        columns = 3
        for i, window in enumerate(c.windows):
            tile = self._tile(window, preferred)
            self.grid.addWidget(tile, i // columns, i % columns)
            tile.show()
            self.tiles[window.id] = tile
        if not c.windows:
            self.notice.show_notice(text("choose.none"), True)
        if preferred is not None and preferred.id in self.tiles:
            self.tiles[preferred.id].setFocus()

    def _tile(self, window: DeskWindow, preferred: DeskWindow | None) -> QPushButton:
        c = self.controller
        my_id = c.me.staff_id if c.me is not None else None
        services = "、".join(c.service_name(sid) for sid in window.service_ids)
        if window.staff_id == my_id and window.state != "closed":
            state = text("choose.state_mine")
        elif window.staff_id is not None and window.state != "closed":
            state = text("choose.state_taken", name=window.staff_name or window.staff_no)
        else:
            state = text("choose.state_free")
        if window.number == c.settings.window:
            state = f"{state} · {text('choose.this_pc')}"
        tile = named(
            QPushButton(f"{text('choose.window', number=window.number)}   {state}\n{services}"),
            "windowTile",
        )
        tile.setFont(theme.font(self.sizes.shell.body_px, bold=True))
        tile.setMinimumHeight(round(self.sizes.button_height_px * 1.3))
        tile.setProperty("preferred", preferred is not None and preferred.id == window.id)
        tile.setAutoDefault(True)  # Enter on the focused window opens it
        taken = window.staff_id not in (None, my_id) and window.state != "closed"
        tile.setEnabled(not taken)
        tile.clicked.connect(lambda: c.open_window(window.id))
        return tile

    def _busy(self, busy: bool) -> None:
        if busy:
            for tile in self.tiles.values():
                tile.setEnabled(False)
        elif self.controller.phase == "choose":
            self.refresh()
