"""短信提醒's keypad on the ticket screen: the 11-digit mobile number in large type, keys
0-9, 删除 and 清空, then 取消 and 确认 (sizes of the appointment keypad, UI.md)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QVBoxLayout, QWidget

from app_shell import theme
from app_shell.widgets import SpacedLabel, named
from kiosk_app.phone_entry import DIGITS, PhoneEntry
from kiosk_app.texts import text
from kiosk_app.views.parts import action_button, action_row, keypad, keypad_entry
from kiosk_app.views.style import KioskSizes

KEYS = ("1", "2", "3", "4", "5", "6", "7", "8", "9", "clear", "0", "delete")


def shown_digits(digits: str) -> str:
    """138 1234 5678 as it is typed, the places still to fill as ＿."""
    padded = digits + "＿" * (DIGITS - len(digits))
    return f"{padded[:3]} {padded[3:7]} {padded[7:]}"


class PhonePanel(QWidget):
    def __init__(self, entry: PhoneEntry, sizes: KioskSizes, parent: QWidget | None = None):
        super().__init__(parent)
        self.entry = entry
        s = sizes
        pad = s.shell.spacing_px
        self.title = named(SpacedLabel(text("sms.title")), "info")
        self.title.setFont(theme.font(s.info_px, bold=True))
        self.hint = named(SpacedLabel(text("sms.hint")), "muted")
        self.hint.setFont(theme.font(s.shell.small_px))
        self.field = named(SpacedLabel(), "number")
        self.field.setFont(theme.number_font(s.tile_name_px + s.tile_name_px // 2))
        self.message = named(SpacedLabel(), "faultText")
        self.message.setFont(theme.font(s.info_px, bold=True))
        self.message.setWordWrap(True)
        for label in (self.title, self.hint, self.field, self.message):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        keys, self.keys = keypad(
            KEYS,
            s,
            entry.key,
            label=lambda key: text(f"sms.{key}") if key in ("clear", "delete") else key,
            font=lambda key: (
                theme.number_font(s.tile_name_px)
                if key.isdigit()
                else theme.font(s.tile_name_px, bold=True)
            ),
        )
        self.confirm = action_button(text("sms.confirm"), "primary", s)
        self.cancel = action_button(text("sms.cancel"), "secondary", s)
        self.confirm.clicked.connect(lambda: entry.confirm())
        self.cancel.clicked.connect(entry.cancel)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(pad // 2)
        words = (self.title, self.hint, self.field, self.message)
        keypad_entry(column, words, keys, action_row(s, self.cancel, self.confirm))

    def refresh(self) -> None:
        e = self.entry
        self.field.setText(shown_digits(e.digits))
        self.message.setText(text("sms.sending") if e.sending else e.message)
        self.message.setVisible(e.sending or bool(e.message))
        for button in (*self.keys.values(), self.confirm, self.cancel):
            button.setEnabled(not e.sending)
