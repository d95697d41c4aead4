"""Fonts, colours and sizes shared by the apps (see shared UI.md).

- Font: WenQuanYi Micro Hei (Debian `fonts-wqy-microhei`) set as the application font, so
  Chinese never depends on fallback; Noto Sans CJK SC is accepted instead.
- Colours: a deep-blue header with white text on a light body, as halls use; every text /
  background pair below is checked for at least 4.5:1 contrast (tests/apps/test_theme.py).
- Sizes in pixels for 1080p screens (about 96 dpi logical); at least three sizes per screen.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, fields

from PySide6.QtGui import QColor, QFont, QFontDatabase, QPalette
from PySide6.QtWidgets import QApplication

from app_shell.texts import text

log = logging.getLogger(__name__)

FONT_FAMILIES = ("WenQuanYi Micro Hei", "Noto Sans CJK SC")
MONO_FAMILIES = ("WenQuanYi Micro Hei Mono", "Noto Sans Mono CJK SC")
# Ticket numbers (A012) are Latin letters and digits: a face with a real bold and equal-width
# digits reads better from afar than the CJK face's synthetic bold (Debian fonts-dejavu-core).
NUMBER_FAMILIES = ("DejaVu Sans",)


@dataclass(frozen=True)
class Colours:
    header_bg: str = "#0B3D91"  # deep government blue
    header_text: str = "#FFFFFF"
    body_bg: str = "#F3F5F9"
    text: str = "#1B1F24"
    muted: str = "#4A5260"  # secondary text, still >= 4.5:1 on body_bg and card_bg
    card_bg: str = "#FFFFFF"
    accent: str = "#0B3D91"  # service names, frames
    accent_text: str = "#FFFFFF"
    disabled_bg: str = "#E4E7EC"
    disabled_text: str = "#3D4450"
    closed_text: str = "#8A1C1C"  # 已停止取号 (said in words too, never colour alone)
    green_bg: str = "#1E6B34"  # 绿色通道 (with a label and an icon)
    green_text: str = "#FFFFFF"
    appointment_bg: str = "#7A3E00"  # 预约 (always with the word 预约 on it)
    appointment_text: str = "#FFFFFF"
    danger_bg: str = "#B3261E"
    danger_text: str = "#FFFFFF"
    warning_bg: str = "#FFF4CE"
    warning_text: str = "#5C3B00"


COLOURS = Colours()

# text on background pairs the screens use: (text, background)
CONTRAST_PAIRS: tuple[tuple[str, str], ...] = (
    ("header_text", "header_bg"),
    ("text", "body_bg"),
    ("muted", "body_bg"),
    ("text", "card_bg"),
    ("muted", "card_bg"),
    ("accent", "card_bg"),
    ("accent", "body_bg"),
    ("accent_text", "accent"),
    ("disabled_text", "disabled_bg"),
    ("closed_text", "disabled_bg"),
    ("green_text", "green_bg"),
    ("appointment_text", "appointment_bg"),
    ("appointment_bg", "card_bg"),
    ("danger_text", "danger_bg"),
    ("warning_text", "warning_bg"),
    ("danger_bg", "card_bg"),
)


@dataclass(frozen=True)
class Sizes:
    """Pixel sizes for a 1080p screen (scale for other resolutions with `scaled`)."""

    header_px: int = 120
    title_px: int = 44  # hall name, screen titles (largest text of a function: >= 30 pt)
    body_px: int = 32  # main text (>= 18 pt)
    small_px: int = 26  # secondary lines, still readable at arm's length
    huge_px: int = 180  # a ticket number
    touch_min_px: int = 64  # 15 mm on a 21.5" 1080p panel (0.248 mm/px); bigger screens: more
    spacing_px: int = 24
    radius_px: int = 14

    def scaled(self, factor: float) -> Sizes:
        return Sizes(
            **{f.name: max(1, round(getattr(self, f.name) * factor)) for f in fields(self)}
        )


SIZES = Sizes()


def relative_luminance(colour: str) -> float:
    c = QColor(colour)

    def channel(v: float) -> float:
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF()) + 0.0722 * channel(c.blueF())


def contrast_ratio(foreground: str, background: str) -> float:
    """WCAG contrast ratio of two colours (1.0 … 21.0)."""
    a, b = relative_luminance(foreground), relative_luminance(background)
    hi, lo = max(a, b), min(a, b)
    return (hi + 0.05) / (lo + 0.05)


def font_family() -> str:
    """The installed CJK family the apps use (the first of FONT_FAMILIES present)."""
    available = set(QFontDatabase.families())
    for family in FONT_FAMILIES:
        if family in available:
            return family
    log.warning(text("font.missing", family=FONT_FAMILIES[0]))
    return FONT_FAMILIES[0]


def font(px: int, *, bold: bool = False, mono: bool = False) -> QFont:
    """A font of `px` pixels in the app's family; `mono` for tabular figures."""
    family = font_family()
    if mono:
        available = set(QFontDatabase.families())
        family = next((f for f in MONO_FAMILIES if f in available), family)
    f = QFont(family)
    f.setPixelSize(px)
    f.setBold(bold)
    f.setStyleHint(QFont.StyleHint.SansSerif)
    return f


def number_font(px: int) -> QFont:
    """A heavy face for ticket numbers (A012) at `px` pixels."""
    available = set(QFontDatabase.families())
    family = next((f for f in NUMBER_FAMILIES if f in available), font_family())
    f = QFont(family)
    f.setPixelSize(px)
    f.setBold(True)
    return f


def base_stylesheet(c: Colours = COLOURS) -> str:
    """The shared widget styles, by object name (views set objectName to use them)."""
    return f"""
    QWidget#screen {{ background: {c.body_bg}; color: {c.text}; }}
    QWidget#header {{ background: {c.header_bg}; }}
    QLabel#headerTitle, QLabel#headerClock, QLabel#headerDate {{
        color: {c.header_text}; background: transparent;
    }}
    QLabel#reconnecting {{
        background: {c.warning_bg}; color: {c.warning_text};
        border-radius: 8px; padding: 6px 16px;
    }}
    QLabel#muted {{ color: {c.muted}; }}
    QLabel#error {{ color: {c.danger_bg}; }}
    """


def apply_theme(app: QApplication) -> None:
    """Application font, palette and shared styles. Call once after the QApplication."""
    app.setFont(font(SIZES.body_px))
    palette = app.palette()
    palette.setColor(QPalette.ColorRole.Window, QColor(COLOURS.body_bg))
    palette.setColor(QPalette.ColorRole.WindowText, QColor(COLOURS.text))
    palette.setColor(QPalette.ColorRole.Base, QColor(COLOURS.card_bg))
    palette.setColor(QPalette.ColorRole.Text, QColor(COLOURS.text))
    palette.setColor(QPalette.ColorRole.Button, QColor(COLOURS.card_bg))
    palette.setColor(QPalette.ColorRole.ButtonText, QColor(COLOURS.text))
    app.setPalette(palette)
    app.setStyleSheet(base_stylesheet())
