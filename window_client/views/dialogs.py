"""The choices an action needs first: the 办件编号 and the outcome of 办结, the service of 转办,
the reason of 暂停, which no-show to requeue, and "sure?" for 取消. Keyboard first: digits
pick, Enter takes the first choice, Esc goes back; a scanner types a 办件编号 and Enter.
Non-blocking (`open()`), widgets only."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
)

from app_shell import theme
from app_shell.timefmt import clock_text
from app_shell.widgets import named
from window_client.actions import Action
from window_client.cases import CaseEntry
from window_client.controller import WindowController
from window_client.texts import text
from window_client.views.style import STYLESHEET, DeskSizes

OUTCOMES = ("done", "supplement", "returned", "rejected")


class ChoiceDialog(QDialog):
    """A title, a prompt and numbered choices; `chosen(value)` is called once on a pick."""

    def __init__(
        self,
        parent: Any,
        sizes: DeskSizes,
        title: str,
        prompt: str,
        choices: list[tuple[str, Any]],
        chosen: Callable[[Any], object],
        *,
        danger: bool = False,
        columns: int = 2,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("dialog")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(theme.base_stylesheet() + STYLESHEET)
        self.setWindowTitle(title)
        self.setModal(True)
        self._chosen = chosen
        self.values = [value for _, value in choices]
        heading = named(QLabel(title), "cardTitle")
        heading.setFont(theme.font(sizes.shell.title_px, bold=True))
        message = named(QLabel(prompt), "info")
        message.setFont(theme.font(sizes.shell.body_px))
        message.setWordWrap(True)
        grid = QGridLayout()
        grid.setSpacing(sizes.shell.spacing_px)
        self.buttons: list[QPushButton] = []
        numbered = len(choices) > 1
        for i, (label, value) in enumerate(choices):
            shown = f"{i + 1}  {label}" if numbered and i < 9 else label
            button = named(QPushButton(shown), "danger" if danger else "choice")
            button.setFont(theme.font(sizes.button_px, bold=True))
            button.setMinimumHeight(sizes.button_height_px)
            button.setMinimumWidth(sizes.number_px * 2)
            button.clicked.connect(lambda _=False, v=value: self.pick(v))
            grid.addWidget(button, i // columns, i % columns)
            self.buttons.append(button)
        back = named(QPushButton(text("dialog.cancel") + "  Esc"), "secondary")
        back.setFont(theme.font(sizes.button_px))
        back.setMinimumHeight(sizes.shell.touch_min_px)
        back.clicked.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(back)
        column = QVBoxLayout(self)
        pad = sizes.shell.spacing_px * 2
        column.setContentsMargins(pad, pad, pad, pad)
        column.setSpacing(sizes.shell.spacing_px)
        column.addWidget(heading)
        column.addWidget(message)
        column.addLayout(grid)
        column.addLayout(bottom)
        if self.buttons:
            self.buttons[0].setDefault(True)
            self.buttons[0].setFocus()

    def pick(self, value: Any) -> None:
        self.accept()
        self._chosen(value)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if Qt.Key.Key_1 <= key <= Qt.Key.Key_9:
            index = key - Qt.Key.Key_1
            if index < len(self.values) and len(self.values) > 1:
                self.pick(self.values[index])
                return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.values:
            focused = next((b for b in self.buttons if b.hasFocus()), None)
            index = self.buttons.index(focused) if focused else 0
            self.pick(self.values[index])
            return
        super().keyPressEvent(event)


class CaseDialog(QDialog):
    """办结, step one: the 办件编号 (scanned or typed, Enter adds each; several allowed); Enter
    on an empty field goes on to the outcome (`next(numbers)`). Backspace on an empty field
    takes the last number back."""

    def __init__(
        self,
        parent: Any,
        sizes: DeskSizes,
        number: str,
        entry: CaseEntry,
        next_step: Callable[[list[str]], object],
    ) -> None:
        super().__init__(parent)
        self.setObjectName("dialog")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(theme.base_stylesheet() + STYLESHEET)
        title = text("dialog.cases.title", number=number)
        self.setWindowTitle(title)
        self.setModal(True)
        self.entry = entry
        self._next = next_step
        heading = named(QLabel(title), "cardTitle")
        heading.setFont(theme.font(sizes.shell.title_px, bold=True))
        prompt = "dialog.cases.required" if entry.policy == "required" else "dialog.cases.optional"
        message = named(QLabel(text(prompt)), "info")
        message.setFont(theme.font(sizes.shell.body_px))
        message.setWordWrap(True)
        self.field = named(QLineEdit(), "caseInput")
        self.field.setFont(theme.font(sizes.button_px))
        self.field.setPlaceholderText(text("dialog.cases.placeholder"))
        self.field.setMinimumHeight(sizes.shell.touch_min_px)
        self.field.installEventFilter(self)  # Backspace; Enter reaches keyPressEvent (ignored)
        self.problem = named(QLabel(""), "noticeError")
        self.problem.setWordWrap(True)
        self.problem.hide()
        self.problem.setFont(theme.font(sizes.shell.body_px, bold=True))
        self.listed = named(QLabel(""), "info")
        self.listed.setFont(theme.font(sizes.shell.body_px))
        self.listed.setWordWrap(True)
        go = named(QPushButton(text("dialog.cases.next")), "choice")
        go.setFont(theme.font(sizes.button_px, bold=True))
        go.setMinimumHeight(sizes.button_height_px)
        go.clicked.connect(self.finish_entry)
        back = named(QPushButton(text("dialog.cancel") + "  Esc"), "secondary")
        back.setFont(theme.font(sizes.button_px))
        back.setMinimumHeight(sizes.shell.touch_min_px)
        back.clicked.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(go, 1)
        bottom.addWidget(back)
        column = QVBoxLayout(self)
        pad = sizes.shell.spacing_px * 2
        column.setContentsMargins(pad, pad, pad, pad)
        column.setSpacing(sizes.shell.spacing_px)
        for widget in (heading, message, self.field, self.problem, self.listed):
            column.addWidget(widget)
        column.addLayout(bottom)
        self.show_numbers()
        self.field.setFocus()

    def enter(self) -> None:
        """Enter: add what is typed, or go on when nothing is."""
        raw = self.field.text()
        if not raw.strip():
            self.finish_entry()
            return
        problem = self.entry.add(raw)
        self.show_problem(problem)
        if problem is None:
            self.field.clear()
        self.show_numbers()

    def show_problem(self, problem: str | None) -> None:
        self.problem.setText(problem or "")
        self.problem.setVisible(problem is not None)

    def show_numbers(self) -> None:
        numbers = self.entry.numbers
        shown = (
            text("dialog.cases.entered", numbers="、".join(numbers))
            if numbers
            else text("dialog.cases.none")
        )
        self.listed.setText(shown)

    def finish_entry(self) -> None:
        self.accept()
        self._next(list(self.entry.numbers))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Backspace in the empty field takes the last number back."""
        if (
            watched is self.field
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Backspace
            and not self.field.text()
        ):
            self.entry.remove_last()
            self.show_problem(None)
            self.show_numbers()
            return True
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.enter()  # not QDialog's default button
            return
        super().keyPressEvent(event)


def finish_outcome(
    parent: Any, controller: WindowController, sizes: DeskSizes, number: str, entry: CaseEntry
) -> ChoiceDialog:
    """办结, the outcome (after the 办件编号, when the hall asks for them)."""
    outcomes = [o for o in OUTCOMES if o != "done" or entry.may_finish_done]
    prompt = (
        text("dialog.finish.prompt") if entry.may_finish_done else text("dialog.finish.no_case")
    )
    numbers = list(entry.numbers)
    return ChoiceDialog(
        parent,
        sizes,
        text("dialog.finish.title", number=number),
        prompt,
        [(text(f"outcome.{o}"), o) for o in outcomes],
        lambda o: controller.act(Action.finish, outcome=o, case_nos=numbers),
    )


def ask(
    parent: Any,
    controller: WindowController,
    sizes: DeskSizes,
    action: Action,
    then: Callable[[QDialog], object] | None = None,
) -> QDialog | None:
    """Open the dialog `action` needs; the controller acts on the choice. None: nothing to ask.
    `then(dialog)` is told of a second dialog opened after the first (办结's outcome, after
    its 办件编号)."""
    model = controller.model
    if model is None:
        return None
    number = model.ticket.number if model.ticket else ""
    dialog: QDialog | None = None
    if action is Action.finish:
        entry = CaseEntry(controller.case_policy())
        if entry.policy == "off":
            dialog = finish_outcome(parent, controller, sizes, number, entry)
        else:

            def outcome_next(_numbers: list[str]) -> None:
                second = finish_outcome(parent, controller, sizes, number, entry)
                if then is not None:
                    then(second)
                second.open()

            dialog = CaseDialog(parent, sizes, number, entry, outcome_next)
    elif action is Action.transfer:
        targets = controller.transfer_targets()
        dialog = ChoiceDialog(
            parent,
            sizes,
            text("dialog.transfer.title", number=number),
            text("dialog.transfer.prompt") if targets else text("dialog.transfer.none"),
            [(f"{s.prefix}  {s.name}", s.id) for s in targets],
            lambda sid: controller.act(Action.transfer, service_id=sid),
        )
    elif action is Action.pause:
        dialog = ChoiceDialog(
            parent,
            sizes,
            text("dialog.pause.title"),
            text("dialog.pause.prompt"),
            [(r, r) for r in controller.settings.pause_reasons],
            lambda r: controller.act(Action.pause, reason=r),
            columns=3,
        )
    elif action is Action.requeue:
        no_shows = model.queue.no_shows if model.queue else []
        dialog = ChoiceDialog(
            parent,
            sizes,
            text("dialog.requeue.title"),
            text("dialog.requeue.prompt"),
            [
                (
                    text(
                        "dialog.requeue.item",
                        number=t.number,
                        service=t.service_name,
                        time=clock_text(t.last_called_at or t.issued_at, seconds=False),
                    ),
                    t.ticket_id,
                )
                for t in no_shows
            ],
            lambda tid: controller.act(Action.requeue, ticket_id=tid),
            columns=1,
        )
    elif action is Action.cancel:
        dialog = ChoiceDialog(
            parent,
            sizes,
            text("dialog.cancel.title"),
            text("dialog.cancel.prompt", number=number),
            [(text("dialog.cancel.confirm"), True)],
            lambda _: controller.act(Action.cancel),
            danger=True,
        )
    if dialog is not None:
        dialog.open()
    return dialog
