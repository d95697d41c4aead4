"""适老化 by numbers, read off the rendered kiosk (standard and 长辈版, portrait and landscape):
every text's pixel size, the largest text of every button, the line spacing of every text that
wraps, every button's size, and the contrast of every text against what lies behind it as the
screen was drawn (the colours are read from the rendered picture, not from the stylesheet).

The figures are MIIT's 《移动互联网应用（App）适老化通用设计规范》's: the largest text of a main
function ≥ 30 dp, body text ≥ 18 dp, line spacing ≥ 1.3, contrast ≥ 4.5:1, touch targets
≥ 60 × 60 dp. They are checked in pixels of a window with a 1080-pixel short side: a pixel of
a 1080p kiosk panel (21.5"–32", 0.25–0.37 mm) is 1.6–2.3 dp (0.159 mm), so a figure met in
pixels is met in dp with room to spare (docs/decisions.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
from PySide6.QtCore import QRect
from PySide6.QtGui import QColor, QImage, QTextDocument
from PySide6.QtWidgets import QAbstractButton, QLabel, QWidget
from pytestqt.qtbot import QtBot

from app_shell.theme import contrast_ratio
from app_shell.widgets import SpacedLabel
from kiosk_app.controller import Screen
from kiosk_app.printing.flow import PrintState
from tests.apps.conftest import ThreadedServer
from tests.apps.kiosk_helpers import Kiosk, tap
from tests.apps.printer_double import TcpTestPrinter
from tests.apps.test_kiosk_elderly import elderly_hall

LARGEST_TEXT_PX = 30
BODY_TEXT_PX = 18
LINE_SPACING = 1.3
CONTRAST = 4.5
TARGET_PX = 60


@dataclass
class Text:
    widget: QWidget
    words: str
    px: int


def texts(root: QWidget) -> list[Text]:
    """Every visible label and button that shows words."""
    found = []
    for widget in root.findChildren(QWidget):
        if not widget.isVisible() or widget.width() == 0:
            continue
        if isinstance(widget, QLabel | QAbstractButton) and widget.text().strip():
            found.append(Text(widget, widget.text(), widget.font().pixelSize()))
    return found


def buttons(root: QWidget) -> list[QAbstractButton]:
    return [b for b in root.findChildren(QAbstractButton) if b.isVisible()]


def line_spacing(label: QLabel) -> float:
    """The distance between two lines of the label's text as Qt lays it out, over its size."""
    doc = QTextDocument()
    doc.setDefaultFont(label.font())
    doc.setDocumentMargin(0)
    if isinstance(label, SpacedLabel):
        doc.setHtml(label.html())
    else:
        doc.setPlainText(label.text())
    px = label.font().pixelSize()
    doc.setTextWidth(px * 3)  # narrow enough that it takes two lines at least
    doc.size()  # lays it out
    layout = doc.firstBlock().layout()
    assert layout.lineCount() >= 2, label.text()
    return (layout.lineAt(1).y() - layout.lineAt(0).y()) / px


def colour(value: int) -> str:
    return QColor.fromRgb(value).name()


def pixels(picture: QImage) -> np.ndarray[Any, np.dtype[np.uint32]]:
    """The picture as rows of 0xffRRGGBB words, one a pixel (what QImage.pixel answers)."""
    rgb = picture.convertToFormat(QImage.Format.Format_RGB32)
    words = np.frombuffer(rgb.constBits(), dtype=np.uint32)
    # a copy: the words must outlive `rgb`, whose memory they are read from
    return words.reshape(rgb.height(), rgb.bytesPerLine() // 4)[:, : rgb.width()].copy()


def text_contrast(
    words: np.ndarray[Any, np.dtype[np.uint32]], area: QRect
) -> tuple[float, str, str]:
    """(contrast, text colour, background colour) of the words drawn in `area`: the background
    is the commonest colour there, the words' colour the one that stands out most from it (the
    solid middle of a stroke; anti-aliased edges stand out less)."""
    inside = words[area.top() : area.bottom() + 1, area.left() : area.right() + 1]
    values, counts = np.unique(inside, return_counts=True)
    background = colour(int(values[counts.argmax()]))
    ink = max((colour(int(v)) for v in values), key=lambda c: contrast_ratio(c, background))
    return contrast_ratio(ink, background), ink, background


def inner(widget: QWidget, window: QWidget) -> QRect:
    """The widget's area in the window, without a button's frame (its border is not text)."""
    top_left = widget.mapTo(window, widget.rect().topLeft())
    rect = QRect(top_left, widget.size())
    inset = 10 if isinstance(widget, QAbstractButton) else 0
    return rect.adjusted(inset, inset, -inset, -inset)


def check_screen(window: QWidget, name: str) -> dict[str, Any]:
    """Every figure of the screen now shown; returns the extremes measured (for the report)."""
    window.repaint()
    picture = pixels(window.grab().toImage())
    shown = texts(window)
    assert shown, name
    problems = []
    for t in shown:
        if t.px < BODY_TEXT_PX:
            problems.append(f"{t.words!r}: {t.px} px < {BODY_TEXT_PX}")
        if isinstance(t.widget, QLabel) and t.widget.wordWrap():
            spacing = line_spacing(t.widget)
            if spacing < LINE_SPACING:
                problems.append(f"{t.words!r}: line spacing {spacing:.2f} < {LINE_SPACING}")
        ratio, ink, ground = text_contrast(picture, inner(t.widget, window))
        if ratio < CONTRAST:
            problems.append(f"{t.words!r}: {ink} on {ground} = {ratio:.2f}:1 < {CONTRAST}")
    for button in buttons(window):
        if button.width() < TARGET_PX or button.height() < TARGET_PX:
            problems.append(f"button {button.objectName()}: {button.width()}×{button.height()}")
        inside = [button, *button.findChildren(QLabel)]
        largest = max(
            (w.font().pixelSize() for w in inside if w.isVisible() and w.text().strip()),
            default=0,
        )
        if largest < LARGEST_TEXT_PX:
            problems.append(f"button {button.objectName()}: largest text {largest} px")
    assert not problems, f"{name}: " + "; ".join(problems)
    return {
        "texts": len(shown),
        "smallest_px": min(t.px for t in shown),
        "largest_px": max(t.px for t in shown),
        "buttons": len(buttons(window)),
        "smallest_button": min((min(b.width(), b.height()) for b in buttons(window)), default=0),
    }


def walk(qtbot: QtBot, kiosk: Kiosk, printer: TcpTestPrinter, service_id: int) -> list[str]:
    """The start screen, the ticket printed, the ticket on screen when the paper ran out."""
    c, window = kiosk.controller, kiosk.window
    start = window.elderly_screen if c.elderly else window.start_screen
    qtbot.waitUntil(lambda: bool(start.tiles) and all(t.isVisible() for t in start.tiles))
    seen = [f"start {check_screen(window, 'start')}"]
    tap(qtbot, kiosk, start.tile(service_id))
    qtbot.waitUntil(lambda: c.print_state is PrintState.printed, timeout=10_000)
    seen.append(f"confirm {check_screen(window, 'confirm')}")
    elderly = c.elderly
    c.back_to_start()
    if elderly and not c.elderly:
        c.open_elderly()
    printer.condition.paper_out = True
    qtbot.waitUntil(c.settled, timeout=5000)
    tap(qtbot, kiosk, start.tile(service_id))
    qtbot.waitUntil(lambda: c.screen is Screen.fault, timeout=10_000)
    seen.append(f"fault {check_screen(window, 'fault')}")
    printer.condition.paper_out = False
    return seen


@pytest.mark.parametrize("size", [(1080, 1920), (1920, 1080)], ids=["portrait", "landscape"])
@pytest.mark.parametrize("mode", ["standard", "elderly"])
def test_sizes_spacing_targets_and_contrast_of_the_rendered_kiosk(
    qtbot: QtBot,
    app_server: ThreadedServer,
    kiosks: Any,
    tcp_printer: TcpTestPrinter,
    mode: str,
    size: tuple[int, int],
) -> None:
    token, _, ids = elderly_hall(app_server, kiosk_elderly=mode == "elderly")
    kiosk = kiosks(token=token, printer=tcp_printer.spec, size=size)
    c = kiosk.controller
    assert c.elderly is (mode == "elderly")
    seen = walk(qtbot, kiosk, tcp_printer, ids["A"])
    if mode == "elderly":
        c.back_to_start()
        qtbot.waitUntil(c.settled, timeout=5000)
        tap(qtbot, kiosk, kiosk.window.elderly_screen.more)
        qtbot.waitUntil(lambda: c.page == 1, timeout=5000)
        seen.append(f"page 2 {check_screen(kiosk.window, 'page 2')}")
        tap(qtbot, kiosk, kiosk.window.elderly_screen.green)  # the 绿色通道 of 长辈版
        qtbot.waitUntil(lambda: c.green_mode, timeout=5000)
        seen.append(f"green {check_screen(kiosk.window, 'green')}")
    print(mode, size, *seen, sep="\n  ")


def test_the_measure_catches_a_low_contrast_text_and_a_small_button(
    qtbot: QtBot, app_server: ThreadedServer, kiosks: Any
) -> None:
    """The check fails when a screen breaks the rules (so it cannot pass by measuring nothing)."""
    token, _, _ = elderly_hall(app_server, kiosk_elderly=True)
    kiosk = kiosks(token=token)
    screen = kiosk.window.elderly_screen
    screen.prompt.setStyleSheet("color: #9AA3AF;")  # light grey on the light body: ~2.4:1
    with pytest.raises(AssertionError, match="请点一下您要办的事"):
        check_screen(kiosk.window, "grey")
    screen.prompt.setStyleSheet("")
    screen.standard.setFixedSize(200, 50)
    with pytest.raises(AssertionError, match="200×50"):
        check_screen(kiosk.window, "small")
    screen.standard.setMinimumSize(0, 0)
    screen.standard.setMaximumSize(16_777_215, 16_777_215)
    screen.banner.setWordWrap(True)
    plain = QLabel("一二三四五六七八九十", screen)
    plain.setFont(screen.prompt.font())
    plain.setWordWrap(True)
    plain.show()
    with pytest.raises(AssertionError, match="line spacing"):
        check_screen(kiosk.window, "tight lines")
