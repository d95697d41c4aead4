"""The ticket on screen: after issuing (confirmation) and when the printer failed (the whole
ticket with its QR code, what to do, and 重新打印)."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app_shell import theme
from app_shell.timefmt import datetime_text, wait_text
from app_shell.widgets import QrCode, SpacedLabel, named
from kiosk_app.controller import KioskController, Screen
from kiosk_app.elderly import windows_text
from kiosk_app.printing.flow import PrintState
from kiosk_app.printing.status import PrinterState
from kiosk_app.texts import text
from kiosk_app.views.parts import action_button, action_row, screen_column
from kiosk_app.views.phone import PhonePanel
from kiosk_app.views.style import KioskSizes

FAULT_TEXT = {
    PrinterState.offline: "fault.offline",
    PrinterState.paper_out: "fault.paper_out",
    PrinterState.cover_open: "fault.cover_open",
    PrinterState.error: "fault.error",
    PrinterState.none: "fault.none",
}


def _label(name: str, px: int, *, bold: bool = False, mono: bool = False) -> QLabel:
    label = named(SpacedLabel(), name)
    label.setFont(theme.font(px, bold=bold, mono=mono))
    label.setWordWrap(True)
    return label


class TicketScreen(QWidget):
    def __init__(
        self,
        controller: KioskController,
        sizes: KioskSizes,
        parent: QWidget | None = None,
        *,
        elderly: bool = False,
    ) -> None:
        super().__init__(parent)
        self.controller = controller
        self.elderly = elderly  # 长辈版: plain words, the windows spelled out
        s = sizes
        pad = s.shell.spacing_px
        self.heading = _label("okHeading", s.shell.title_px, bold=True)
        self.heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.fault_text = _label("faultText", s.info_px, bold=True)
        self.fault_text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.caption = _label("muted", s.info_px)
        self.caption.setText(text("elderly.ticket_number" if elderly else "confirm.number"))
        self.number = _label("number", s.number_px, bold=True)
        self.number.setFont(theme.number_font(s.number_px))
        self.number.setWordWrap(False)
        self.green = _label("greenMark", s.info_px, bold=True)
        self.green.setText(text("green.mark"))
        self.appointment = _label("appointmentMark", s.info_px, bold=True)
        self.service = _label("info", s.info_px, bold=True)
        self.windows = _label("info", s.info_px, bold=True)
        self.ahead = _label("info", s.info_px)
        self.wait = _label("info", s.info_px)
        self.issued = _label("muted", s.shell.small_px)
        self.qr = QrCode(side_px=s.qr_px)
        self.scan = _label("muted", s.shell.small_px)
        self.scan.setText(text("confirm.scan"))
        self.scan.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.print_line = _label("info", s.info_px, bold=True)
        self.print_line.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.countdown = _label("muted", s.shell.small_px)
        self.countdown.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.reprint = action_button(text("fault.reprint"), "primary", s)
        done = text("elderly.done" if elderly else "confirm.done")
        self.done = action_button(done, "secondary", s)
        self.reprint.clicked.connect(controller.reprint)
        # 短信提醒 (opt-in): the offer, the keypad in place of the ticket, the masked number
        self.sms_offer = named(QPushButton(text("sms.offer")), "secondary")
        self.sms_offer.setFont(theme.font(s.info_px, bold=True))
        self.sms_offer.setMinimumHeight(s.action_height_px)
        self.sms_offer.clicked.connect(controller.phone.start)
        self.sms_done = _label("info", s.info_px, bold=True)
        self.sms_done.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.phone_panel = PhonePanel(controller.phone, sizes)
        self.done.clicked.connect(controller.back_to_start)

        self.number.setMinimumHeight(self.number.fontMetrics().height())  # never clipped
        self.heading.setMinimumHeight(self.heading.fontMetrics().height() + pad)
        number_box = QVBoxLayout()
        number_box.setSpacing(pad // 2)
        number_box.addStretch(1)
        number_box.addWidget(self.caption, 0, Qt.AlignmentFlag.AlignHCenter)
        number_box.addWidget(self.number, 0, Qt.AlignmentFlag.AlignHCenter)
        number_box.addWidget(self.green, 0, Qt.AlignmentFlag.AlignHCenter)
        number_box.addWidget(self.appointment, 0, Qt.AlignmentFlag.AlignHCenter)
        number_box.addStretch(1)
        info_box = QVBoxLayout()
        info_box.setSpacing(pad // 2)
        info_box.addStretch(1)
        for line in (self.service, self.windows, self.ahead, self.wait, self.issued):
            line.setAlignment(Qt.AlignmentFlag.AlignCenter)
            info_box.addWidget(line)
        info_box.addStretch(1)
        code = QVBoxLayout()
        code.setSpacing(pad // 2)
        code.addStretch(1)
        code.addWidget(self.qr, 0, Qt.AlignmentFlag.AlignHCenter)
        code.addWidget(self.scan)
        code.addStretch(1)
        self.card = named(QWidget(), "ticketCard")
        self.card.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.body = QBoxLayout(QBoxLayout.Direction.TopToBottom, self.card)
        self.body.setContentsMargins(pad * 2, pad, pad * 2, pad)
        self.body.setSpacing(pad)
        self.body.addLayout(number_box, 3)
        self.body.addLayout(info_box, 2)
        self.body.addLayout(code, 3)
        column = screen_column(self, s)
        column.addWidget(self.heading)
        column.addWidget(self.fault_text)
        column.addWidget(self.card, 1)
        column.addWidget(self.phone_panel, 1)
        column.addWidget(self.print_line)
        column.addWidget(self.sms_done)
        column.addWidget(self.sms_offer)
        column.addLayout(action_row(s, self.reprint, self.done))
        column.addWidget(self.countdown)
        self._tick = QTimer(self)
        self._tick.timeout.connect(self._show_countdown)
        self._tick.start(500)
        controller.changed.connect(self.refresh)
        self.refresh()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        landscape = self.width() > self.height()
        self.body.setDirection(
            QBoxLayout.Direction.LeftToRight if landscape else QBoxLayout.Direction.TopToBottom
        )
        # number, words, QR code: 长辈版's longer sentences need the widest column side by side
        stretches = (3, 5, 2) if landscape and self.elderly else (3, 2, 3)
        for index, stretch in enumerate(stretches):
            self.body.setStretch(index, stretch)

    def refresh(self) -> None:
        c = self.controller
        ticket = c.ticket
        if ticket is None:
            return
        fault = c.screen is Screen.fault and c.fault is not None
        if fault and c.fault is not PrinterState.none:
            assert c.fault is not None
            self.heading.setObjectName("faultHeading")
            self.heading.setText(text("fault.heading"))
            self.fault_text.setText(text(FAULT_TEXT.get(c.fault, "fault.error")))
        else:
            self.heading.setObjectName("okHeading")
            self.heading.setText("✓ " + text("confirm.heading"))
            if fault:
                self.fault_text.setText(text("fault.none"))
        self.fault_text.setObjectName(
            "faultText" if fault and c.fault is not PrinterState.none else "info"
        )
        self.fault_text.style().unpolish(self.fault_text)
        self.fault_text.style().polish(self.fault_text)
        self.heading.style().unpolish(self.heading)
        self.heading.style().polish(self.heading)
        self.fault_text.setVisible(fault)
        self.number.setText(ticket.number)
        self.green.setVisible(ticket.green)
        self.appointment.setText(text("appointment.mark", slot=ticket.slot_text))
        self.appointment.setVisible(ticket.slot is not None)
        plain = self.elderly
        self.service.setText(
            text(
                "elderly.ticket_service" if plain else "confirm.service",
                service=ticket.service_name,
            )
        )
        self.windows.setText(
            text("elderly.ticket_windows", windows=windows_text(ticket.window_numbers))
        )
        self.windows.setVisible(plain and bool(ticket.window_numbers))
        self.ahead.setText(
            text("elderly.ticket_ahead" if plain else "confirm.ahead", ahead=ticket.ahead)
        )
        self.wait.setText(text("confirm.wait", wait=wait_text(ticket.estimated_wait_minutes)))
        self.issued.setText(text("confirm.issued", time=datetime_text(ticket.issued_at)))
        if self.qr.data != ticket.public_url:
            self.qr.set_data(ticket.public_url)
        printing = c.print_state is PrintState.printing
        if printing:
            line = (
                text("fault.reprinting") if c.screen is Screen.fault else text("confirm.printing")
            )
        elif c.print_state is PrintState.printed:
            take = "elderly.ticket_take" if self.elderly else "confirm.take"
            line = text("fault.reprinted") if c.screen is Screen.fault else text(take)
        else:
            line = text("fault.photo")
        self.print_line.setText(line)
        self.reprint.setVisible(c.screen is Screen.fault and c.printer.configured)
        self.reprint.setEnabled(not printing)
        self.done.setEnabled(not printing)
        phone = c.phone
        self.card.setVisible(not phone.open)
        self.phone_panel.setVisible(phone.open)
        self.phone_panel.refresh()
        self.sms_offer.setVisible(phone.offered and not phone.open)
        self.sms_done.setText(text("sms.done", phone=phone.masked) if phone.masked else "")
        self.sms_done.setVisible(bool(phone.masked))
        self.done.setVisible(not phone.open)
        self.print_line.setVisible(not phone.open)
        self._show_countdown()

    def _show_countdown(self) -> None:
        seconds = self.controller.seconds_left()
        self.countdown.setText(text("confirm.returning", seconds=seconds) if seconds else "")
