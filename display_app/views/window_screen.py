"""The window screen (窗口屏): one window's number, services and staff, and what it is doing
now — calling or serving a number, 暂停服务 with the reason, or 已下班."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from app_shell import theme
from app_shell.widgets import named
from display_app.board import WindowBoard
from display_app.controller import DisplayController
from display_app.texts import text
from display_app.views.hall import restyle
from display_app.views.parts import LINE_EM, FitLabel
from display_app.views.style import DisplaySizes


def window_state_texts(window: WindowBoard | None) -> tuple[str, str, str]:
    """(state for the style, the big line, the line under it) of a window."""
    if window is None:
        return "idle", "", ""
    if window.state == "closed":
        return "closed", text("window.closed"), text("window.closed_hint")
    if window.state == "paused":
        reason = (
            text("window.paused_reason", reason=window.pause_reason)
            if window.pause_reason
            else text("window.paused_no_reason")
        )
        return "paused", text("window.paused"), reason
    if window.current_number and window.current_status == "serving":
        return (
            "serving",
            text("window.serving", number=window.current_number),
            text("window.serving_hint"),
        )
    if window.current_number:
        return (
            "calling",
            text("window.calling", number=window.current_number),
            text("window.calling_hint"),
        )
    return "idle", text("window.waiting"), text("window.waiting_hint")


class StaffCard(QFrame):
    """The window's name, the clerk's photo placeholder, name and 工号, the services."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        self.name = named(FitLabel(bold=True), "windowName")
        self.photo = named(QLabel(text("window.photo")), "photo")
        self.photo.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.staff = named(QLabel(), "staffName")
        self.staff_no = named(QLabel(), "muted")
        self.services = named(QLabel(), "muted")
        self.services.setWordWrap(True)
        person = QVBoxLayout()
        person.addWidget(self.staff)
        person.addWidget(self.staff_no)
        person.addStretch(1)
        who = QHBoxLayout()
        who.addWidget(self.photo)
        who.addLayout(person, 1)
        column = QVBoxLayout(self)
        column.addWidget(self.name)
        column.addStretch(1)
        column.addLayout(who)
        column.addStretch(1)
        column.addWidget(self.services)
        self._column, self._who = column, who

    def set_sizes(self, sizes: DisplaySizes) -> None:
        self.name.set_max_px(sizes.large_px)
        self.staff.setFont(theme.font(sizes.large_px, bold=True))
        for label in (self.staff_no, self.services, self.photo):
            label.setFont(theme.font(sizes.normal_px))
        photo = 2.0 if sizes.strip else 3.2  # the photo's height, in `large` lines
        self.photo.setFixedSize(round(sizes.large_px * photo * 0.75), round(sizes.large_px * photo))
        self.services.setHidden(sizes.strip)
        self._column.setContentsMargins(*(sizes.gap_px * 2,) * 4)
        self._column.setSpacing(sizes.gap_px)
        self._who.setSpacing(sizes.gap_px)

    def show_window(self, window: WindowBoard | None, services: list[str]) -> None:
        if window is None:
            for label in (self.name, self.staff, self.staff_no, self.services):
                label.setText("")
            return
        self.name.setText(text("window.name", window=window.number))
        present = bool(window.staff_name) and window.state != "closed"
        self.staff.setText(window.staff_name or "" if present else text("window.no_staff"))
        self.staff_no.setText(
            text("window.staff_no", staff_no=window.staff_no) if present and window.staff_no else ""
        )
        self.photo.setVisible(present)
        self.services.setText(
            text("window.services", services="、".join(services))
            if services
            else text("window.no_services")
        )


class WindowState(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("windowState")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Ignored)
        self.big = FitLabel(bold=True, mono=True)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        for label in (self.big, self.hint):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        column = QVBoxLayout(self)
        column.addStretch(1)
        column.addWidget(self.big)
        column.addWidget(self.hint)
        column.addStretch(1)
        self._column = column
        self._sizes: DisplaySizes | None = None

    def set_sizes(self, sizes: DisplaySizes) -> None:
        self._sizes = sizes
        self.hint.setFont(theme.font(sizes.large_px))
        self._column.setContentsMargins(*(sizes.gap_px,) * 4)
        self._fit_height()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_height()

    def _fit_height(self) -> None:
        if self._sizes is None:
            return
        s = self._sizes
        room = self.height() - 2 * s.gap_px - round(s.large_px * 1.3)
        self.big.set_max_px(
            s.huge_px if room <= 0 else min(round(s.huge_px * 1.2), int(room / LINE_EM))
        )

    def show_state(self, window: WindowBoard | None, fresh: bool) -> None:
        state, big, hint = window_state_texts(window)
        self.big.setText(big)
        self.hint.setText(hint)
        restyle(self, "state", state)
        restyle(self, "fresh", fresh and state == "calling")


class WindowScreen(QWidget):
    def __init__(self, controller: DisplayController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.card = StaffCard()
        self.state = WindowState()
        self.card.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Ignored)
        row = QHBoxLayout(self)
        row.addWidget(self.card, 2)
        row.addWidget(self.state, 3)
        self._row = row

    def set_sizes(self, sizes: DisplaySizes) -> None:
        self._row.setContentsMargins(*(sizes.gap_px,) * 4)
        self._row.setSpacing(sizes.gap_px)
        self.card.set_sizes(sizes)
        self.state.set_sizes(sizes)

    def refresh(self) -> None:
        c = self.controller
        window = c.window
        services = c.board.service_names(window) if window is not None else []
        self.card.show_window(window, services)
        self.state.show_state(window, c.highlighted)
