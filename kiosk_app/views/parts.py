"""Pieces several kiosk screens are built of: a screen's column, the big action buttons and
a row of them, a keypad."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app_shell import theme
from app_shell.widgets import named
from kiosk_app.views.style import KioskSizes


def screen_column(screen: QWidget, sizes: KioskSizes) -> QVBoxLayout:
    """A full screen's column: the kiosk's margins and spacing."""
    pad = sizes.shell.spacing_px
    column = QVBoxLayout(screen)
    column.setContentsMargins(pad * 2, pad, pad * 2, pad * 2)
    column.setSpacing(pad)
    return column


def action_button(label: str, name: str, sizes: KioskSizes, *, focus: bool = True) -> QPushButton:
    """A screen's action (确认, 返回, 重新打印 …): title type, the action height. Without
    `focus` it never takes the keyboard focus (a card reader's keys stay in the field)."""
    button = named(QPushButton(label), name)
    button.setFont(theme.font(sizes.shell.title_px, bold=True))
    button.setMinimumHeight(sizes.action_height_px)
    if not focus:
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    return button


def big_button(label: str, name: str, sizes: KioskSizes) -> QPushButton:
    """长辈版's actions: as wide as their row gives, never the keyboard focus."""
    button = action_button(label, name, sizes, focus=False)
    button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
    return button


def action_row(sizes: KioskSizes, *buttons: QWidget) -> QHBoxLayout:
    """Actions side by side, left to right."""
    row = QHBoxLayout()
    row.setSpacing(sizes.shell.spacing_px * 2)
    for button in buttons:
        row.addWidget(button)
    return row


def keypad_entry(
    column: QVBoxLayout, words: Sequence[QWidget], keys: QGridLayout, actions: QHBoxLayout
) -> None:
    """A keypad entry from top to bottom: its words (title, hint, what was typed, the message
    …), the keys taking the room left, the actions."""
    for widget in words:
        column.addWidget(widget)
    column.addLayout(keys, 1)
    column.addLayout(actions)


def keypad(
    keys: Sequence[str],
    sizes: KioskSizes,
    press: Callable[[str], object],
    *,
    label: Callable[[str], str],
    font: Callable[[str], QFont],
    focus: bool = True,
) -> tuple[QGridLayout, dict[str, QPushButton]]:
    """Three keys a row, as large as the room allows; `press(key)` on a touch."""
    grid = QGridLayout()
    grid.setSpacing(sizes.shell.spacing_px // 2)
    buttons: dict[str, QPushButton] = {}
    for index, key in enumerate(keys):
        button = named(QPushButton(label(key)), "key")
        button.setFont(font(key))
        button.setMinimumHeight(sizes.action_height_px)
        button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        if not focus:
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.clicked.connect(lambda _=False, k=key: press(k))
        grid.addWidget(button, index // 3, index % 3)
        buttons[key] = button
    return grid, buttons
