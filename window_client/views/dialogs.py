"""The choices an action needs first: the outcome of 办结, the service of 转办, the reason of
暂停, which no-show to requeue, and "sure?" for 取消. Keyboard first: digits pick,
Enter takes the first choice, Esc goes back. Non-blocking (`open()`), widgets only."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QDialog, QGridLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from app_shell import theme
from app_shell.timefmt import clock_text
from app_shell.widgets import named
from window_client.actions import Action
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


def ask(
    parent: Any, controller: WindowController, sizes: DeskSizes, action: Action
) -> ChoiceDialog | None:
    """Open the dialog `action` needs; the controller acts on the choice. None: nothing to ask."""
    model = controller.model
    if model is None:
        return None
    number = model.ticket.number if model.ticket else ""
    dialog: ChoiceDialog | None = None
    if action is Action.finish:
        dialog = ChoiceDialog(
            parent,
            sizes,
            text("dialog.finish.title", number=number),
            text("dialog.finish.prompt"),
            [(text(f"outcome.{o}"), o) for o in OUTCOMES],
            lambda o: controller.act(Action.finish, outcome=o),
        )
    elif action is Action.transfer:
        targets = controller.transfer_targets()
        dialog = ChoiceDialog(
            parent,
            sizes,
            text("dialog.transfer.title", number=number),
            text("dialog.transfer.prompt") if targets else text("dialog.transfer.none"),
            [(f"{s['prefix']}  {s['name']}", s["id"]) for s in targets],
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
