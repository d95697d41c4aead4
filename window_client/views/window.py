"""The window client's window: the header (window, state, clerk, 重新连接中, clock) over the
sign-in, window-choice or desk page."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLabel, QSizePolicy, QStackedWidget, QVBoxLayout, QWidget

from app_shell import theme
from app_shell.feed import ConnectionState
from app_shell.widgets import ClockHeader, ReconnectMarker, named
from window_client.actions import Action
from window_client.controller import WindowController
from window_client.present import staff_line, window_state, window_title
from window_client.sign_in_controller import Phase
from window_client.texts import text
from window_client.views.desk import DeskPage
from window_client.views.dialogs import ask
from window_client.views.password import PasswordPage
from window_client.views.sign_in import ChoosePage, SignInPage
from window_client.views.style import STYLESHEET, DeskSizes

log = logging.getLogger(__name__)


def take_keyboard(window: QWidget) -> None:
    """Make `window` the one that gets the keys (on X without a window manager Qt then sets
    the input focus itself)."""
    window.raise_()
    window.activateWindow()


class WindowClientWindow(QWidget):
    def __init__(self, controller: WindowController, width: int, height: int) -> None:
        super().__init__()
        self.setObjectName("screen")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(theme.base_stylesheet() + STYLESHEET)
        self.controller = controller
        self.sizes = sizes = DeskSizes.for_size(width, height)
        self.header = ClockHeader(text("title"), now=controller.now, sizes=sizes.shell)
        # the window's state in words; a paused window's in a chip of its own (a label's padding
        # is fixed when it is first styled, so the chip is a second label, not a restyle)
        self.state = named(QLabel(), "headerState")
        self.paused = named(QLabel(), "headerPaused")
        for label in (self.state, self.paused):
            label.setFont(theme.font(sizes.shell.body_px, bold=True))
        self.paused.hide()
        self.staff = named(QLabel(), "headerStaff")
        self.staff.setFont(theme.font(sizes.shell.body_px))
        self.marker = ReconnectMarker(sizes.shell)
        self.header.extra.addWidget(self.paused, 0, Qt.AlignmentFlag.AlignVCenter)
        for widget in (self.state, self.staff, self.marker):
            self.header.extra.addWidget(widget, 0, Qt.AlignmentFlag.AlignVCenter)
            self.header.extra.addSpacing(sizes.shell.spacing_px * 2)
        self.sign_in = SignInPage(controller, sizes)
        self.password = PasswordPage(controller, sizes)
        self.choose = ChoosePage(controller, sizes)
        self.desk = DeskPage(controller, sizes)
        self.desk.asked.connect(self.ask)
        self.stack = QStackedWidget()
        for page in (self.sign_in, self.password, self.choose, self.desk):
            page.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
            self.stack.addWidget(page)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.header)
        column.addWidget(self.stack, 1)
        self.dialog: QDialog | None = None
        controller.phase_changed.connect(lambda _: self.refresh())
        controller.changed.connect(self.refresh)
        controller.connection.connect(self.marker.set_state)
        controller.notice.connect(self._notice)
        self.resize(width, height)
        self.refresh()

    def ask(self, action: Action) -> None:
        dialog = ask(self, self.controller, self.sizes, action, then=self._follow)
        if dialog is not None:
            self._follow(dialog)

    def _follow(self, dialog: QDialog) -> None:
        """A dialog is open: it has the keyboard until it closes."""
        self.dialog = dialog
        log.info("dialog: %s", dialog.windowTitle())
        dialog.finished.connect(self._dialog_closed)
        take_keyboard(dialog)

    def _dialog_closed(self) -> None:
        """The keyboard comes back to the desk after every dialog: without a window manager
        nobody else gives it back, and F1 would do nothing until a click."""
        log.info("dialog closed")
        if self.dialog is not None and self.dialog.isVisible():
            return  # a second dialog followed the first (办结's outcome): it keeps the keyboard
        self.dialog = None
        take_keyboard(self)

    def _notice(self, message: str, failure: bool) -> None:
        for page in (self.sign_in, self.password, self.choose):
            page.notice.show_notice(message, failure)

    def refresh(self) -> None:
        c = self.controller
        page = {
            Phase.sign_in: self.sign_in,
            Phase.password: self.password,
            Phase.choose: self.choose,
            Phase.desk: self.desk,
        }[c.phase]
        if self.stack.currentWidget() is not page:
            self.stack.setCurrentWidget(page)
            if page is self.sign_in:
                self.sign_in.focus()
            elif page is self.password:
                self.password.shown()
            if self.dialog is not None and page is not self.desk:
                self.dialog.reject()
        window = c.model.window if c.model and c.phase is Phase.desk else None
        self.header.set_title(window_title(window) or text("title"))
        paused = window is not None and window.state == "paused"
        for label, shown in ((self.paused, paused), (self.state, not paused)):
            label.setText(window_state(window) if shown else "")
            label.setVisible(shown)
        self.staff.setText(staff_line(window))
        if c.phase is not Phase.desk:
            self.marker.set_state(ConnectionState.connected)
