"""The rating pad's screens: idle (window, clerk, 工号), the five choices, reasons for a bad
rating, thanks. Widgets only: they read the PadController and call its methods."""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, QObject, QPoint, QPointF, QRect, QRectF, QSize, Qt, QTimer
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPainter, QPainterPath, QPen, QPixmap
from PySide6.QtWidgets import (
    QApplication,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app_shell import theme
from app_shell.widgets import ClockHeader, ReconnectMarker, named
from window_client.pad_controller import PadController
from window_client.rating import LEVELS, Screen
from window_client.texts import text
from window_client.views.style import STYLESHEET, PadSizes

log = logging.getLogger(__name__)


def _rect_text(widget: QWidget, window: QWidget) -> str:
    """Where `widget` is in the window: x,y wxh."""
    top_left = widget.mapTo(window, QPoint(0, 0))
    return f"{top_left.x()},{top_left.y()} {widget.width()}x{widget.height()}"


TOUCH_EVENTS = (QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin, QEvent.Type.KeyPress)


def _label(name: str, px: int, *, bold: bool = False, wrap: bool = False) -> QLabel:
    label = named(QLabel(), name)
    label.setFont(theme.font(px, bold=bold))
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setWordWrap(wrap)
    return label


def face_icon(level: int, side: int) -> QIcon:
    """A face drawn in white for a level (5 laughing … 1 sad), so the choice reads without
    words too; the words are under it, the colour behind it."""
    pixmap = QPixmap(side, side)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    width = max(2.0, side / 14)
    pen = QPen(QColor("#FFFFFF"), width)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    painter.setPen(pen)
    m = width
    painter.drawEllipse(QRectF(m, m, side - 2 * m, side - 2 * m))
    painter.setBrush(QColor("#FFFFFF"))
    eye = side / 14
    for x in (0.36, 0.64):
        painter.drawEllipse(QPointF(side * x, side * 0.4), eye, eye)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    # the mouth: a curve from (0.3, y) to (0.7, y) bending by `bend` (up: smile, down: frown)
    y, bend = {5: (0.6, 0.2), 4: (0.63, 0.1), 3: (0.68, 0.0), 2: (0.72, -0.1), 1: (0.74, -0.18)}[
        level
    ]
    mouth = QPainterPath(QPointF(side * 0.3, side * y))
    mouth.quadTo(QPointF(side * 0.5, side * (y + bend)), QPointF(side * 0.7, side * y))
    painter.drawPath(mouth)
    painter.end()
    return QIcon(pixmap)


class IdlePage(QWidget):
    def __init__(self, sizes: PadSizes, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.window_label = _label("padWindow", sizes.window_px, bold=True)
        self.name = _label("padName", sizes.name_px, bold=True)
        self.staff_no = _label("padName", sizes.name_px)
        self.welcome = _label("muted", sizes.shell.body_px, wrap=True)
        column = QVBoxLayout(self)
        column.addStretch(2)
        column.addWidget(self.window_label)
        column.addSpacing(sizes.shell.spacing_px * 2)
        column.addWidget(self.name)
        column.addWidget(self.staff_no)
        column.addSpacing(sizes.shell.spacing_px * 2)
        column.addWidget(self.welcome)
        column.addStretch(3)

    def show_idle(self, c: PadController) -> None:
        self.window_label.setText(
            text("pad.idle.window", number=c.window_number) if c.window_number else ""
        )
        if c.error:
            self.name.setText("")
            self.staff_no.setText("")
            self.welcome.setObjectName("padFailed")
            self.welcome.setText(c.error)
        elif c.window_state == "closed" or not c.staff_no:
            self.name.setText(text("pad.idle.closed"))
            self.staff_no.setText("")
            self.welcome.setObjectName("muted")
            self.welcome.setText("")
        else:
            self.name.setText(text("pad.idle.staff", name=c.staff_name or ""))
            self.staff_no.setText(text("pad.idle.staff_no", staff_no=c.staff_no))
            self.welcome.setObjectName("muted")
            if c.window_state == "paused":
                self.welcome.setText(text("pad.idle.paused", reason=c.pause_reason or ""))
            else:
                self.welcome.setText(text("pad.idle.welcome"))
        self.welcome.style().unpolish(self.welcome)
        self.welcome.style().polish(self.welcome)


class ChoicesPage(QWidget):
    def __init__(self, c: PadController, sizes: PadSizes, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.number = _label("padNumber", sizes.number_px, bold=True)
        self.heading = _label("padHeading", sizes.heading_px, bold=True)
        self.heading.setText(text("pad.choices.heading"))
        self.countdown = _label("muted", sizes.shell.small_px)
        row = QHBoxLayout()
        row.setSpacing(sizes.shell.spacing_px)
        self.buttons: dict[int, QToolButton] = {}
        for level in LEVELS:
            button = named(QToolButton(), "level")
            button.setText(text(f"level.{level}"))
            button.setIcon(face_icon(level, sizes.face_px))
            button.setIconSize(QSize(sizes.face_px, sizes.face_px))
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextUnderIcon)
            button.setProperty("level", str(level))
            button.setFont(theme.font(sizes.choice_px, bold=True))
            button.setMinimumHeight(sizes.choice_height_px)
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            button.clicked.connect(lambda _=False, lv=level: c.choose(lv))
            row.addWidget(button)
            self.buttons[level] = button
        column = QVBoxLayout(self)
        pad = sizes.shell.spacing_px * 2
        column.setContentsMargins(pad, pad, pad, pad)
        column.addStretch(1)
        column.addWidget(self.number, 0, Qt.AlignmentFlag.AlignHCenter)
        column.addSpacing(sizes.shell.spacing_px)
        column.addWidget(self.heading)
        column.addSpacing(sizes.shell.spacing_px * 2)
        column.addLayout(row)
        column.addStretch(1)
        column.addWidget(self.countdown)

    def show_choices(self, c: PadController) -> None:
        self.number.setText(text("pad.choices.ticket", number=c.state.number))
        left = c.seconds_left()
        self.countdown.setText(text("pad.countdown", seconds=left) if left is not None else "")


class ReasonsPage(QWidget):
    def __init__(self, c: PadController, sizes: PadSizes, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = c
        self.level = _label("padNumber", sizes.number_px // 2 + 8, bold=True)
        self.heading = _label("padHeading", sizes.heading_px - 6, bold=True)
        self.heading.setText(text("pad.reasons.heading"))
        self.tag_box = QWidget()  # hidden while the on-screen keyboard is up
        grid = QGridLayout(self.tag_box)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(sizes.shell.spacing_px)
        self.tags: dict[str, QPushButton] = {}
        for i, tag in enumerate(c.settings.bad_reasons):
            button = named(QPushButton(tag), "tag")
            button.setCheckable(True)
            button.setFont(theme.font(sizes.tag_px, bold=True))
            button.setMinimumHeight(sizes.tag_height_px)
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            button.clicked.connect(lambda _=False, t=tag: c.toggle_reason(t))
            grid.addWidget(button, i // 4, i % 4)
            self.tags[tag] = button
        self.comment_label = comment_label = _label("muted", sizes.shell.small_px)
        comment_label.setText(text("pad.reasons.comment"))
        comment_label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.comment = QLineEdit()
        self.comment.setPlaceholderText(text("pad.reasons.comment_hint"))
        self.comment.setFont(theme.font(sizes.shell.body_px))
        self.comment.setMinimumHeight(sizes.shell.touch_min_px)
        self.comment.setMaxLength(200)
        self.comment.textEdited.connect(c.set_comment)
        self.chosen = _label("muted", sizes.shell.small_px)  # the reasons, while typing
        self.chosen.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.chosen.hide()
        self.back = named(QPushButton(text("pad.reasons.back")), "secondary")
        self.submit = named(QPushButton(text("pad.reasons.submit")), "primary")
        for button in (self.back, self.submit, *self.tags.values()):
            # a touch on a button leaves the keyboard with the comment: taking the focus would
            # close the on-screen keyboard and move the button away under the finger
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        for button in (self.back, self.submit):
            button.setFont(theme.font(sizes.tag_px, bold=True))
            button.setMinimumHeight(sizes.tag_height_px)
        self.back.clicked.connect(c.back)
        self.submit.clicked.connect(c.submit)
        self.countdown = _label("muted", sizes.shell.small_px)
        buttons = QHBoxLayout()
        buttons.setSpacing(sizes.shell.spacing_px)
        buttons.addWidget(self.back, 1)
        buttons.addWidget(self.submit, 2)
        column = QVBoxLayout(self)
        pad = sizes.shell.spacing_px * 2
        column.setContentsMargins(pad, pad // 2, pad, pad // 2)
        column.setSpacing(sizes.shell.spacing_px)
        top = QHBoxLayout()
        top.addWidget(self.level)
        top.addWidget(self.heading, 1)
        column.addLayout(top)
        column.addWidget(self.tag_box)
        column.addWidget(comment_label)
        column.addWidget(self.comment)
        column.addWidget(self.chosen)
        column.addStretch(1)
        column.addLayout(buttons)
        column.addWidget(self.countdown)

    def set_typing(self, typing: bool) -> None:
        """While the on-screen keyboard is up, only what typing needs stays, above it: the
        level, the comment field, 重新选择 and 提交评价 (the reasons chosen are kept)."""
        self.tag_box.setVisible(not typing)
        self.comment_label.setVisible(not typing)
        self.countdown.setVisible(not typing)
        self.chosen.setVisible(typing)
        self.heading.setText(text("pad.reasons.typing" if typing else "pad.reasons.heading"))

    def show_reasons(self, c: PadController) -> None:
        level = c.state.level
        self.level.setText(text(f"level.{level}") if level else "")
        for tag, button in self.tags.items():
            button.setChecked(tag in c.state.reasons)
        chosen = [tag for tag in self.tags if tag in c.state.reasons]
        self.chosen.setText(
            text("pad.reasons.chosen", reasons="、".join(chosen))
            if chosen
            else text("pad.reasons.none_chosen")
        )
        if self.comment.text() != c.state.comment:
            self.comment.setText(c.state.comment)
        left = c.seconds_left()
        self.countdown.setText(text("pad.countdown", seconds=left) if left is not None else "")


class MessagePage(QWidget):
    """正在提交评价… / 感谢您的评价！ / 评价未能提交."""

    def __init__(self, sizes: PadSizes, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.message = _label("padThanks", sizes.window_px // 2 + 4, bold=True, wrap=True)
        self.sub = _label("padName", sizes.name_px - 8, wrap=True)
        column = QVBoxLayout(self)
        pad = sizes.shell.spacing_px * 3
        column.setContentsMargins(pad, pad, pad, pad)
        column.addStretch(1)
        column.addWidget(self.message)
        column.addSpacing(sizes.shell.spacing_px)
        column.addWidget(self.sub)
        column.addStretch(1)

    def show_message(self, c: PadController) -> None:
        screen = c.screen
        if screen is Screen.sending:
            name, message, sub = "padHeading", text("pad.sending"), ""
        elif screen is Screen.failed:
            name, message, sub = "padFailed", c.state.message, ""
        else:
            name, (message, sub) = "padThanks", c.thanks_text
        self.message.setObjectName(name)
        self.message.setText(message)
        self.sub.setText(sub)
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)


class PadWindow(QWidget):
    def __init__(self, controller: PadController, width: int, height: int) -> None:
        super().__init__()
        self.setObjectName("screen")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(theme.base_stylesheet() + STYLESHEET)
        self.controller = controller
        sizes = PadSizes.for_size(width, height)
        self.header = ClockHeader(text("pad.title"), now=controller.now, sizes=sizes.shell)
        self.marker = ReconnectMarker(sizes.shell)
        self.header.extra.addWidget(self.marker)
        self.idle = IdlePage(sizes)
        self.choices = ChoicesPage(controller, sizes)
        self.reasons = ReasonsPage(controller, sizes)
        self.message = MessagePage(sizes)
        self.stack = QStackedWidget()
        for page in (self.idle, self.choices, self.reasons, self.message):
            page.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
            self.stack.addWidget(page)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.header)
        column.addWidget(self.stack, 1)
        controller.changed.connect(self.refresh)
        controller.connection.connect(self.marker.set_state)
        controller._ticker.timeout.connect(self._countdown)
        self.keyboard = QRect()  # where the on-screen keyboard covers this window (its coordinates)
        self._keyboard_logged = "on-screen keyboard gone"
        self._keyboard_log = QTimer(self)
        self._keyboard_log.setSingleShot(True)
        self._keyboard_log.setInterval(300)
        self._keyboard_log.timeout.connect(self._log_keyboard)
        method = QGuiApplication.inputMethod()
        method.visibleChanged.connect(self._keyboard_changed)
        method.keyboardRectangleChanged.connect(self._keyboard_changed)
        self.resize(width, height)
        self.refresh()
        app = QApplication.instance()
        if app is not None:  # any touch extends the current screen's time-out
            app.installEventFilter(self)

    def refresh(self) -> None:
        c = self.controller
        screen = c.screen
        title = text("pad.idle.window", number=c.window_number) if c.window_number else ""
        self.header.set_title(f"{title}  {text('pad.title')}".strip())
        if screen is Screen.idle:
            self.idle.show_idle(c)
            self.stack.setCurrentWidget(self.idle)
        elif screen is Screen.choices:
            self.choices.show_choices(c)
            self.stack.setCurrentWidget(self.choices)
        elif screen is Screen.reasons:
            self.reasons.show_reasons(c)
            self.stack.setCurrentWidget(self.reasons)
        else:
            self.message.show_message(c)
            self.stack.setCurrentWidget(self.message)
        if screen is not Screen.reasons and self.reasons.comment.hasFocus():
            self.reasons.comment.clearFocus()  # the on-screen keyboard goes with the page
            QGuiApplication.inputMethod().hide()

    def _keyboard_changed(self) -> None:
        method = QGuiApplication.inputMethod()
        shown = method.isVisible() and self.reasons.comment.hasFocus()
        self.keyboard_at(method.keyboardRectangle().toRect() if shown else QRect())

    def keyboard_at(self, keyboard: QRect) -> None:
        """The on-screen keyboard covers `keyboard` (screen coordinates; empty: it is gone).
        Qt's keyboard is a window of its own along the bottom of the screen, 5/16 of the
        screen's width high (400 px of a 1280×800 pad): the pad's content moves into what is
        left above it, so the field being edited and 提交评价 stay in sight."""
        mine = QRect(self.mapToGlobal(QPoint(0, 0)), self.size())
        covered = keyboard.intersected(mine)
        below = mine.bottom() - covered.top() + 1 if not covered.isEmpty() else 0
        self.keyboard = covered.translated(-mine.topLeft()) if below else QRect()
        typing = below > 0
        layout = self.layout()
        assert layout is not None
        layout.setContentsMargins(0, 0, 0, below)
        self.header.setVisible(not typing)
        self.reasons.set_typing(typing)
        layout.activate()
        self._keyboard_log.start()  # once it has stopped moving (it slides in and grows)

    def _log_keyboard(self) -> None:
        if self.keyboard.isEmpty():
            line = "on-screen keyboard gone"
        else:
            line = (
                f"on-screen keyboard over the bottom {self.height() - self.keyboard.top()} px: "
                f"comment field at {_rect_text(self.reasons.comment, self)}, "
                f"提交评价 at {_rect_text(self.reasons.submit, self)}"
            )
        if line != self._keyboard_logged:
            log.info("%s", line)
            self._keyboard_logged = line

    def _countdown(self) -> None:
        c = self.controller
        if c.screen is Screen.choices:
            self.choices.show_choices(c)
        elif c.screen is Screen.reasons:
            self.reasons.show_reasons(c)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in TOUCH_EVENTS:
            self.controller.touched()
        return False
