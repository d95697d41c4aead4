"""The 预约取号 screen: what to do, the field (a card reader or a QR scanner types into it
like a keyboard), a large keypad, 确认取号 and 返回; a refusal in words, with a normal ticket
offered when the appointment can no longer be used."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QLabel, QLineEdit, QWidget

from app_shell import theme
from app_shell.widgets import named
from kiosk_app.appointment import MAX_INPUT
from kiosk_app.controller import KioskController
from kiosk_app.texts import text
from kiosk_app.views.parts import action_button, action_row, keypad, keypad_entry, screen_column
from kiosk_app.views.style import KioskSizes

KEYS = ("1", "2", "3", "4", "5", "6", "7", "8", "9", "X", "0", "back")


class AppointmentScreen(QWidget):
    def __init__(
        self, controller: KioskController, sizes: KioskSizes, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.controller = controller
        self.flow = controller.appointments
        s = sizes
        self.heading = named(QLabel(text("appointment.title")), "appointmentHeading")
        self.heading.setFont(theme.font(s.shell.title_px, bold=True))
        self.heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint = named(QLabel(text("appointment.hint")), "info")
        self.hint.setFont(theme.font(s.info_px))
        self.hint.setWordWrap(True)
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.field = named(QLineEdit(), "appointmentInput")
        self.field.setFont(theme.number_font(s.tile_name_px))
        self.field.setMaxLength(MAX_INPUT)
        self.field.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.field.setPlaceholderText(text("appointment.placeholder"))
        self.field.setMinimumHeight(s.action_height_px)
        self.field.textEdited.connect(self.flow.set_entry)
        self.field.returnPressed.connect(lambda: self.flow.submit(self.field.text()))
        self.message = named(QLabel(), "banner")
        self.message.setFont(theme.font(s.info_px, bold=True))
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.normal = action_button("", "primary", s)
        self.normal.clicked.connect(self.flow.take_normal)
        keys, self.keys = keypad(  # no focus: the field keeps the reader's keys
            KEYS,
            s,
            self.flow.key,
            label=lambda key: text("appointment.delete") if key == "back" else key,
            font=lambda _key: theme.number_font(s.tile_name_px),
            focus=False,
        )
        self.confirm = action_button(text("appointment.confirm"), "primary", s, focus=False)
        self.back = action_button(text("appointment.back"), "secondary", s, focus=False)
        self.confirm.clicked.connect(lambda: self.flow.submit())
        self.back.clicked.connect(controller.close_appointment)
        words = (self.heading, self.hint, self.field, self.message, self.normal)
        keypad_entry(screen_column(self, s), words, keys, action_row(s, self.back, self.confirm))
        self.flow.changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        flow = self.flow
        if self.field.text() != flow.entry:
            self.field.setText(flow.entry)
        self.message.setText(flow.message)
        self.message.setVisible(bool(flow.message))
        if flow.offer is not None:
            self.normal.setText(text("appointment.normal", service=flow.offer[1]))
        self.normal.setVisible(flow.offer is not None)
        busy = flow.checking
        for button in (*self.keys.values(), self.confirm, self.back):
            button.setEnabled(not busy)
        self.confirm.setEnabled(not busy and bool(flow.entry))

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.field.setFocus()  # a card reader's or a scanner's keys land here
