"""The clerk's desk: the ticket at the window, the action buttons with their keys, the
window's queue and today's figures. Widgets only: they read the controller's model."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app_shell import theme
from app_shell.widgets import named
from window_client.actions import SHORTCUTS, TICKET_ACTIONS, Action
from window_client.controller import WindowController
from window_client.present import (
    IdleLines,
    figure_rows,
    idle_lines,
    next_up,
    queue_rows,
    ticket_lines,
)
from window_client.texts import text
from window_client.views.sign_in import NoticeLabel
from window_client.views.style import DeskSizes

MAIN_ACTIONS = frozenset({Action.call, Action.start, Action.finish})


def _label(name: str, px: int, *, bold: bool = False, mono: bool = False) -> QLabel:
    label = named(QLabel(), name)
    label.setFont(theme.font(px, bold=bold, mono=mono))
    return label


def _card(spacing: int) -> tuple[QWidget, QVBoxLayout]:
    card = named(QWidget(), "card")
    card.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
    column = QVBoxLayout(card)
    column.setContentsMargins(spacing * 2, spacing * 2, spacing * 2, spacing * 2)
    column.setSpacing(spacing)
    return card, column


def _restyle(widget: QWidget) -> None:
    widget.style().unpolish(widget)
    widget.style().polish(widget)


class TicketCard(QWidget):
    """The current ticket, large: number, service, 绿色通道, status, wait, running timer."""

    def __init__(self, sizes: DeskSizes, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        card, column = _card(sizes.shell.spacing_px)
        self.status = _label("statusChip", sizes.info_px, bold=True)
        self.green = _label("greenMark", sizes.info_px, bold=True)
        self.green.setText("★ " + text("desk.green"))
        self.appointment = _label("appointmentMark", sizes.info_px, bold=True)
        self.applicant = _label("info", sizes.info_px, bold=True)
        top = QHBoxLayout()
        top.addWidget(self.status)
        top.addWidget(self.green)
        top.addWidget(self.appointment)
        top.addWidget(self.applicant)
        top.addStretch(1)
        self.number = _label("number", sizes.number_px, bold=True, mono=True)
        self.headline = _label("headline", round(sizes.number_px * 0.45), bold=True)
        self.detail = _label("info", sizes.info_px)
        self.last = _label("muted", sizes.info_px)
        self.last.setWordWrap(True)
        self.service = _label("service", sizes.service_px, bold=True)
        self.waited = _label("info", sizes.info_px)
        self.note = _label("muted", sizes.info_px)
        self.timer_label = _label("muted", sizes.info_px)
        self.timer = _label("timer", sizes.timer_px, bold=True, mono=True)
        timer_box = QVBoxLayout()
        timer_box.setSpacing(0)
        timer_box.addWidget(self.timer_label, 0, Qt.AlignmentFlag.AlignRight)
        timer_box.addWidget(self.timer, 0, Qt.AlignmentFlag.AlignRight)
        # page 0: the ticket at the desk
        ticket = QWidget()
        ticket_column = QVBoxLayout(ticket)
        ticket_column.setContentsMargins(0, 0, 0, 0)
        ticket_column.setSpacing(sizes.shell.spacing_px)
        middle = QHBoxLayout()
        middle.addWidget(self.number, 1)
        middle.addLayout(timer_box)
        ticket_column.addLayout(middle)
        ticket_column.addWidget(self.service)
        info = QHBoxLayout()
        info.addWidget(self.waited)
        info.addSpacing(sizes.shell.spacing_px * 2)
        info.addWidget(self.note, 1)
        ticket_column.addLayout(info)
        # page 1: nobody at the desk (open or paused), and the last ticket handled
        idle = QWidget()
        idle_column = QVBoxLayout(idle)
        idle_column.setContentsMargins(0, 0, 0, 0)
        idle_column.setSpacing(sizes.shell.spacing_px)
        idle_column.addStretch(1)
        idle_column.addWidget(self.headline)
        idle_column.addWidget(self.detail)
        idle_column.addStretch(1)
        idle_column.addWidget(self.last)
        self.pages = QStackedWidget()
        self.pages.addWidget(ticket)
        self.pages.addWidget(idle)
        self.pages.setMinimumHeight(round(sizes.number_px * 1.9))
        column.addLayout(top)
        column.addWidget(self.pages)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(card)

    def show_ticket(self, controller: WindowController) -> None:
        model = controller.model
        if model is None:
            return
        now = controller.now()
        lines = ticket_lines(model, now) if model.active_ticket is not None else None
        if lines is None:
            self._show_idle(idle_lines(model, now))
            return
        self.pages.setCurrentIndex(0)
        self.number.setText(lines.number)
        self.status.setText(lines.status)
        status = model.ticket.status if model.ticket else ""
        self.status.setProperty("tone", "serving" if status == "serving" else "called")
        _restyle(self.status)
        self.green.setVisible(lines.green)
        self.appointment.setText(lines.appointment)
        self.appointment.setVisible(bool(lines.appointment))
        self.applicant.setText(lines.applicant)
        self.applicant.setVisible(bool(lines.applicant))
        self.service.setText(lines.service)
        self.waited.setText(lines.waited)
        self.note.setText(lines.note)
        self.timer_label.setText(lines.timer_label)
        self.timer.setText(lines.timer)

    def _show_idle(self, idle: IdleLines) -> None:
        self.pages.setCurrentIndex(1)
        self.status.setText(idle.chip)
        self.status.setProperty("tone", "paused" if idle.paused else "ended")
        _restyle(self.status)
        self.green.hide()
        self.appointment.hide()
        self.applicant.hide()
        self.headline.setText(idle.headline)
        self.headline.setObjectName("headlinePaused" if idle.paused else "headline")
        _restyle(self.headline)
        self.detail.setText(idle.detail)
        self.last.setText(idle.last)


class QueuePanel(QWidget):
    """The window's services in priority order, how many wait, the next numbers."""

    def __init__(self, sizes: DeskSizes, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.sizes = sizes
        card, column = _card(sizes.shell.spacing_px)
        title = _label("cardTitle", sizes.panel_title_px, bold=True)
        title.setText(text("desk.queue"))
        self.next_label = _label("muted", sizes.panel_px)
        self.next_label.setText(text("desk.queue_next"))
        self.next_up = _label("info", sizes.panel_title_px, bold=True)
        head = QHBoxLayout()
        head.addWidget(title)
        head.addStretch(1)
        column.addLayout(head)
        nxt = QHBoxLayout()
        nxt.addWidget(self.next_label)
        nxt.addWidget(self.next_up, 1)
        column.addLayout(nxt)
        self.rows = QGridLayout()
        self.rows.setHorizontalSpacing(sizes.shell.spacing_px)
        self.rows.setVerticalSpacing(sizes.shell.spacing_px // 2)
        column.addLayout(self.rows)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(card)
        self._labels: list[QLabel] = []

    def show_queue(self, controller: WindowController) -> None:
        queue = controller.model.queue if controller.model else None
        self.next_up.setText(next_up(queue))
        for label in self._labels:
            label.deleteLater()
        self._labels = []
        for r, row in enumerate(queue_rows(queue)):
            cells = [
                (row.service, "info", True),
                (row.waiting + (f"（{row.green}）" if row.green else ""), "info", False),
                (row.next_numbers, "muted", False),
            ]
            for c, (value, name, bold) in enumerate(cells):
                label = _label(name, self.sizes.panel_px, bold=bold, mono=c == 2)
                label.setText(value)
                self.rows.addWidget(label, r, c)
                label.show()
                self._labels.append(label)


class TodayPanel(QWidget):
    """Today's figures of this window and of the clerk."""

    def __init__(self, sizes: DeskSizes, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        card, column = _card(sizes.shell.spacing_px)
        title = _label("cardTitle", sizes.panel_title_px, bold=True)
        title.setText(text("desk.today"))
        column.addWidget(title)
        grid = QGridLayout()
        grid.setHorizontalSpacing(sizes.shell.spacing_px * 2)
        grid.setVerticalSpacing(sizes.shell.spacing_px // 2)
        for c, key in enumerate(("desk.today_window", "desk.today_staff"), start=1):
            head = _label("muted", sizes.panel_px, bold=True)
            head.setText(text(key))
            grid.addWidget(head, 0, c, Qt.AlignmentFlag.AlignRight)
        self.cells: list[tuple[QLabel, QLabel, QLabel]] = []
        for r in range(5):
            cells = (
                _label("muted", sizes.panel_px),
                _label("info", sizes.panel_px, bold=True),
                _label("info", sizes.panel_px, bold=True),
            )
            for c, label in enumerate(cells):
                grid.addWidget(
                    label,
                    r + 1,
                    c,
                    Qt.AlignmentFlag.AlignRight if c else Qt.AlignmentFlag.AlignLeft,
                )
            self.cells.append(cells)
        column.addLayout(grid)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(card)

    def show_today(self, controller: WindowController) -> None:
        today = controller.model.today if controller.model else None
        for cells, values in zip(self.cells, figure_rows(today), strict=True):
            for label, value in zip(cells, values, strict=True):
                label.setText(value)


class HelpBar(QWidget):
    """呼叫帮办 at the 导办 desk: 1号取号机需要帮助 and 我去协助 (taken once for everyone)."""

    def __init__(
        self, controller: WindowController, sizes: DeskSizes, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.controller = controller
        self.setObjectName("helpBar")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.words = _label("helpWords", sizes.button_px, bold=True)
        self.more = _label("helpMore", sizes.shell.small_px)
        self.go = named(QPushButton(text("help.go")), "helpGo")
        self.go.setFont(theme.font(sizes.button_px, bold=True))
        self.go.setMinimumHeight(sizes.button_height_px)
        self.go.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.go.clicked.connect(self._take)
        words = QVBoxLayout()
        words.addWidget(self.words)
        words.addWidget(self.more)
        row = QHBoxLayout(self)
        pad = sizes.shell.spacing_px
        row.setContentsMargins(pad, pad // 2, pad, pad // 2)
        row.addLayout(words, 1)
        row.addWidget(self.go)
        self.alert_id: int | None = None
        self.hide()

    def show_help(self) -> None:
        model = self.controller.model
        requests = list(model.help_requests.items()) if model else []
        self.setVisible(bool(requests))
        if not requests:
            self.alert_id = None
            return
        self.alert_id, words = requests[0]
        self.words.setText(words)
        self.more.setText(text("help.more", count=len(requests) - 1))
        self.more.setVisible(len(requests) > 1)

    def _take(self) -> None:
        if self.alert_id is not None:
            self.controller.take_help(self.alert_id)


class DeskPage(QWidget):
    """The desk. `asked(action)` is emitted when an action needs a choice first (a dialog)."""

    asked = Signal(object)  # Action

    def __init__(
        self, controller: WindowController, sizes: DeskSizes, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.controller = controller
        self.sizes = sizes
        self.ticket = TicketCard(sizes)
        self.notice = NoticeLabel(sizes)
        self.help = HelpBar(controller, sizes)  # 呼叫帮办, at the hall's 导办 desk
        self.buttons: dict[Action, QPushButton] = {}
        grid = QGridLayout()
        grid.setSpacing(sizes.shell.spacing_px)
        for i, action in enumerate(TICKET_ACTIONS):
            grid.addWidget(self._button(action), i // 4, i % 4)
        left = QVBoxLayout()
        left.setSpacing(sizes.shell.spacing_px)
        left.addWidget(self.help)
        left.addWidget(self.ticket)
        left.addWidget(self.notice)
        left.addStretch(1)
        left.addLayout(grid)
        self.queue = QueuePanel(sizes)
        self.today = TodayPanel(sizes)
        self.pause = self._button(Action.pause)
        self.close_button = self._button(Action.close)
        self.close_button.setText(text("action.close"))
        window_row = QHBoxLayout()
        window_row.setSpacing(sizes.shell.spacing_px)
        window_row.addWidget(self.pause, 1)
        window_row.addWidget(self.close_button, 1)
        right = QVBoxLayout()
        right.setSpacing(sizes.shell.spacing_px)
        right.addWidget(self.queue)
        right.addWidget(self.today)
        right.addStretch(1)
        right.addLayout(window_row)
        row = QHBoxLayout(self)
        pad = sizes.shell.spacing_px
        row.setContentsMargins(pad * 2, pad * 2, pad * 2, pad * 2)
        row.setSpacing(pad * 2)
        row.addLayout(left, 3)
        row.addLayout(right, 2)
        for action, key in SHORTCUTS.items():
            if action is Action.resume:
                continue  # F9 is 暂停 and 恢复 (one button)
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(lambda a=action: self.press(a))
        self._tick = QTimer(self)
        self._tick.timeout.connect(lambda: self.ticket.show_ticket(controller))
        self._tick.start(1000)
        controller.changed.connect(self.refresh)
        controller.notice.connect(self.notice.show_notice)

    def _button(self, action: Action) -> QPushButton:
        button = named(QPushButton(), "action")
        button.setFont(theme.font(self.sizes.button_px, bold=True))
        button.setMinimumHeight(self.sizes.button_height_px)
        button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        button.setProperty("main", action in MAIN_ACTIONS)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys are F1–F9, never a stray Enter
        button.clicked.connect(
            lambda: self.press(self._pause_action() if action is Action.pause else action)
        )
        self._set_label(button, action)
        self.buttons[action] = button
        return button

    @staticmethod
    def _set_label(button: QPushButton, action: Action) -> None:
        key = SHORTCUTS.get(action)
        label = text(f"action.{action.value}")
        button.setText(text("button.key", label=label, shortcut=key) if key else label)

    def _pause_action(self) -> Action:
        model = self.controller.model
        paused = bool(model and model.window and model.window.state == "paused")
        return Action.resume if paused else Action.pause

    def press(self, action: Action) -> None:
        """A button or its key: act at once, or ask first (outcome, service, reason, sure?)."""
        if action is Action.pause:
            action = self._pause_action()
        model = self.controller.model
        if model is None or action not in model.enabled():
            return
        needs_choice = {Action.finish, Action.transfer, Action.pause, Action.cancel}
        if action is Action.requeue and (model.ticket is None or model.ticket.status != "no_show"):
            needs_choice = {Action.requeue}
        if action in needs_choice:
            self.asked.emit(action)
        else:
            self.controller.act(action)

    def refresh(self) -> None:
        c = self.controller
        model = c.model
        enabled = model.enabled() if model else frozenset()
        for action, button in self.buttons.items():
            if action is Action.pause:
                shown = self._pause_action()
                self._set_label(button, shown)
                button.setEnabled(shown in enabled)
                if button.property("main") != (shown is Action.resume):
                    button.setProperty("main", shown is Action.resume)  # 恢复 stands out
                    _restyle(button)
            else:
                button.setEnabled(action in enabled)
        self.help.show_help()
        self.ticket.show_ticket(c)
        self.queue.show_queue(c)
        self.today.show_today(c)
