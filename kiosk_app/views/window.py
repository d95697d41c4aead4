"""The kiosk's window: the header (hall, date, clock, 重新连接中) over one of its screens."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent, QMouseEvent
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app_shell import theme
from app_shell.widgets import ClockHeader, ReconnectMarker, named
from kiosk_app.controller import KioskController, Screen
from kiosk_app.help_request import HelpState
from kiosk_app.texts import text
from kiosk_app.views.appointment import AppointmentScreen
from kiosk_app.views.elderly import ElderlyStartScreen
from kiosk_app.views.start import StartScreen
from kiosk_app.views.style import STYLESHEET, KioskSizes
from kiosk_app.views.ticket import TicketScreen

_E = QEvent.Type
# a touch or a mouse button going down (a double click's second press is a DblClick)
PRESSES = frozenset({_E.MouseButtonPress, _E.MouseButtonDblClick, _E.TouchBegin})
ENDS = frozenset({_E.MouseButtonRelease, _E.TouchEnd, _E.TouchCancel})
POINTER = PRESSES | ENDS | {_E.MouseMove, _E.TouchUpdate}


HELP_TEXT = {
    HelpState.none: "help.button",
    HelpState.asking: "help.asking",
    HelpState.asked: "help.asked",
    HelpState.taken: "help.taken",
}


class HelpFooter(QWidget):
    """呼叫帮办 at the bottom of every screen (within reach from a wheelchair), with what it
    does in words; it says when the staff have been told and when someone is on the way."""

    def __init__(
        self, controller: KioskController, sizes: KioskSizes, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.controller = controller
        self.setObjectName("helpFooter")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.hint = named(QLabel(text("help.hint")), "helpHint")
        self.hint.setFont(theme.font(sizes.shell.small_px))
        self.button = named(QPushButton(text("help.button")), "helpButton")
        self.button.setFont(theme.font(sizes.help_px, bold=True))
        self.button.setMinimumSize(sizes.help_px * 8, sizes.help_px * 2 + sizes.shell.spacing_px)
        self.button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.button.clicked.connect(controller.ask_for_help)
        row = QHBoxLayout(self)
        pad = sizes.shell.spacing_px
        row.setContentsMargins(pad * 2, pad // 2, pad * 2, pad // 2)
        row.addWidget(self.hint, 1)
        row.addWidget(self.button)

    def refresh(self) -> None:
        state = self.controller.help
        self.button.setText(text(HELP_TEXT[state]))
        self.hint.setText(text("help.hint_asked" if state is not HelpState.none else "help.hint"))
        self.button.setProperty("state", state.value)
        self.button.style().unpolish(self.button)
        self.button.style().polish(self.button)


class IdleScreen(QWidget):
    """After inactivity: the hall, a large clock, 请触摸屏幕取号."""

    def __init__(
        self, controller: KioskController, sizes: KioskSizes, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.touch = named(QLabel(text("idle.touch")), "idleTouch")
        self.touch.setFont(theme.font(sizes.tile_name_px * 2, bold=True))
        self.hint = named(QLabel(text("idle.hint")), "muted")
        self.hint.setFont(theme.font(sizes.shell.body_px))
        column = QVBoxLayout(self)
        column.addStretch(2)
        column.addWidget(self.touch, 0, Qt.AlignmentFlag.AlignCenter)
        column.addSpacing(sizes.shell.spacing_px)
        column.addWidget(self.hint, 0, Qt.AlignmentFlag.AlignCenter)
        column.addStretch(3)


class KioskWindow(QWidget):
    def __init__(self, controller: KioskController, width: int, height: int) -> None:
        super().__init__()
        self.setObjectName("screen")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(theme.base_stylesheet() + STYLESHEET)  # not only the app-wide one
        self.controller = controller
        sizes = KioskSizes.for_size(width, height)
        self.header = ClockHeader(text("title"), now=controller.now, sizes=sizes.shell)
        self.marker = ReconnectMarker(sizes.shell)
        self.header.extra.addWidget(self.marker)
        self.footer = HelpFooter(controller, sizes)  # 呼叫帮办, under every screen
        self.help = self.footer.button
        self.start_screen = StartScreen(controller, sizes)
        self.start_screen.pressed.connect(controller.press)
        self.ticket_screen = TicketScreen(controller, sizes)
        self.idle_screen = IdleScreen(controller, sizes)
        big = KioskSizes.for_size(width, height, elderly=True)  # 长辈版
        self.elderly_screen = ElderlyStartScreen(controller, big)
        self.elderly_screen.pressed.connect(controller.press)
        self.elderly_ticket_screen = TicketScreen(controller, big, elderly=True)
        self.appointment_screen = AppointmentScreen(controller, sizes)
        self.stack = QStackedWidget()
        for screen in (
            self.start_screen,
            self.ticket_screen,
            self.idle_screen,
            self.elderly_screen,
            self.elderly_ticket_screen,
            self.appointment_screen,
        ):
            # a hidden page must not make the window taller than the screen
            screen.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
            self.stack.addWidget(screen)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.header)
        column.addWidget(self.stack, 1)
        column.addWidget(self.footer)
        controller.changed.connect(self.refresh)
        controller.screen_changed.connect(lambda _: self.refresh())
        self.resize(width, height)
        self.refresh()
        self._gesture = False  # a touch or button is down
        self._blocked = False  # and what it does must go no further
        app = QApplication.instance()
        if app is not None:  # every touch anywhere wakes the kiosk and extends its time-outs
            app.installEventFilter(self)

    def refresh(self) -> None:
        c = self.controller
        self.header.set_title(c.hall_name or text("title"))
        self.marker.set_state(c.connection)
        self.footer.refresh()
        start = self.elderly_screen if c.elderly else self.start_screen
        ticket = (
            self.elderly_ticket_screen
            if c.ticket is not None and c.ticket.elderly
            else self.ticket_screen
        )
        screen = {
            Screen.loading: start,
            Screen.start: start,
            Screen.confirm: ticket,
            Screen.fault: ticket,
            Screen.idle: self.idle_screen,
            Screen.appointment: self.appointment_screen,
        }[c.screen]
        self.stack.setCurrentWidget(screen)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Sees every touch before any widget does (the window's, then the widget's copy of
        it). The controller decides once per touch, when it goes down, whether it may act:
        the touch that wakes the kiosk, or one that lands right after the screen changed,
        reaches no button, neither its press nor its release."""
        kind = event.type()
        if kind is _E.KeyPress and isinstance(event, QKeyEvent):
            return self._typed(event)
        if kind not in POINTER:
            return False
        if kind in PRESSES and not self._gesture:
            self._gesture = True
            self._blocked = not self.controller.finger_down()
        blocked = self._gesture and self._blocked
        if kind in ENDS and (
            kind is not _E.MouseButtonRelease
            or (isinstance(event, QMouseEvent) and event.buttons() == Qt.MouseButton.NoButton)
        ):
            self._gesture = False
        return blocked

    def _typed(self, event: QKeyEvent) -> bool:
        """An ID card reader or a QR scanner types like a keyboard: its first key on the start
        (or idle) screen opens 预约取号 and goes into its field, the rest follow there."""
        c = self.controller
        key = event.text()
        if c.screen not in (Screen.start, Screen.idle) or not key.isalnum():
            return False
        c.touched()  # wakes the idle screen
        if not c.open_appointment():
            return False
        c.appointments.key(key.upper())
        return True
