"""The clerk's own new password: after signing in with a first password (or one an
administrator reset), and whenever the clerk asks from the window choice. Widgets only."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from app_shell import theme
from app_shell.widgets import named
from window_client.sign_in_controller import SignInController
from window_client.texts import text
from window_client.views.sign_in import NoticeLabel, card_page, form, touch_button
from window_client.views.style import DeskSizes


class PasswordPage(QWidget):
    def __init__(
        self, controller: SignInController, sizes: DeskSizes, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.controller = controller
        self.column = card_page(self, sizes, "password.heading", 5.2)
        self.who = named(QLabel(), "muted")
        self.who.setFont(theme.font(sizes.shell.body_px))
        self.old, self.new, self.repeat = QLineEdit(), QLineEdit(), QLineEdit()
        for field in (self.old, self.new, self.repeat):
            field.setEchoMode(QLineEdit.EchoMode.Password)
            field.setMaxLength(200)
        fields = (
            (text("password.old"), self.old),
            (text("password.new"), self.new),
            (text("password.repeat"), self.repeat),
        )
        rule = named(QLabel(text("password.rule")), "muted")
        rule.setFont(theme.font(sizes.info_px))
        self.submit = touch_button(text("password.submit"), "primary", sizes)
        self.back = touch_button(text("password.cancel"), "secondary", sizes)
        self.submit.clicked.connect(self.change)
        self.back.clicked.connect(controller.cancel_password_change)
        # keyboard first: Enter goes to the next field, then changes it
        self.old.returnPressed.connect(self.new.setFocus)
        self.new.returnPressed.connect(self.repeat.setFocus)
        self.repeat.returnPressed.connect(self.change)
        self.notice = NoticeLabel(sizes)
        self.notice.setMinimumWidth(round(sizes.number_px * 4.5))
        buttons = QHBoxLayout()
        buttons.setSpacing(sizes.shell.spacing_px)
        buttons.addWidget(self.back, 1)
        buttons.addWidget(self.submit, 2)
        self.column.addWidget(self.who)
        self.column.addWidget(self.notice)
        self.column.addLayout(form(sizes, fields))
        self.column.addWidget(rule)
        self.column.addLayout(buttons)
        controller.busy_changed.connect(self._busy)

    def change(self) -> None:
        self.controller.change_password(self.old.text(), self.new.text(), self.repeat.text())

    def shown(self) -> None:
        """Each time the page comes up: empty fields, the cursor in the first one."""
        c = self.controller
        name, staff_no = (c.me.name, c.me.staff_no) if c.me is not None else ("", "")
        self.who.setText(text("choose.hello", name=name, staff_no=staff_no))
        self.back.setText(text("choose.sign_out") if c.password_forced else text("password.cancel"))
        for field in (self.old, self.new, self.repeat):
            field.clear()
        self.old.setFocus()

    def _busy(self, busy: bool) -> None:
        if self.controller.phase != "password":
            return
        self.submit.setEnabled(not busy)
        self.submit.setText(text("password.busy") if busy else text("password.submit"))
        if not busy and self.controller.phase == "password":
            for field in (self.new, self.repeat):  # a refusal: type the new one again
                field.clear()
