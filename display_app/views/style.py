"""The display's sizes and colours, on top of app_shell.theme.

Three text sizes per screen (UI.md): `huge` for the call, `large` for the earlier calls and
the window's name, `normal` for everything else. All scale with the screen: designed for
1920×1080, right at 1280×720 and 3840×2160 too. The call is about a quarter of the screen's
height, read from 10 m.
"""

from __future__ import annotations

from dataclasses import dataclass

from app_shell import theme
from app_shell.theme import COLOURS as C

# colour pairs of the display (text, background), each at least 4.5:1 (tests check)
CALL_BG = C.accent  # the current call, steady: white on deep blue
CALL_TEXT = C.accent_text
FRESH_BG = "#FFD54A"  # a new call, for a few seconds: near-black on amber
FRESH_TEXT = C.text
NOTICE_BG = C.header_bg
NOTICE_TEXT = C.header_text
PAUSED_BG = C.warning_bg
PAUSED_TEXT = C.warning_text
CLOSED_BG = C.disabled_bg
CLOSED_TEXT = C.disabled_text

STRIP_RATIO = 2.5  # a window screen this many times wider than tall is a strip


def is_strip(width: int, height: int) -> bool:
    return width >= STRIP_RATIO * height


CONTRAST_PAIRS = (
    (CALL_TEXT, CALL_BG),
    (FRESH_TEXT, FRESH_BG),
    (NOTICE_TEXT, NOTICE_BG),
    (PAUSED_TEXT, PAUSED_BG),
    (CLOSED_TEXT, CLOSED_BG),
    (C.text, C.card_bg),
    (C.muted, C.card_bg),
    (C.accent, C.card_bg),
    (C.text, C.body_bg),
)


@dataclass(frozen=True)
class DisplaySizes:
    huge_px: int
    large_px: int
    normal_px: int
    header_px: int
    notice_px: int  # the notice strip's height
    gap_px: int
    radius_px: int
    strip: bool = False  # a window's low strip: one row, no header, no services line

    @classmethod
    def for_size(cls, width: int, height: int, *, strip: bool = False) -> DisplaySizes:
        """Sizes for a screen of width × height. A `strip` (a window's wide, low LED or LCD
        strip, no header) is scaled to its width: its height holds one line of the call."""
        factor = max(0.3, min(height / (540 if strip else 1080), width / 1920))

        def s(px: float) -> int:
            return max(1, round(px * factor))

        return cls(
            huge_px=s(270),
            large_px=s(84),
            normal_px=s(46),
            header_px=s(128),
            notice_px=s(78),
            gap_px=s(24),
            radius_px=s(18),
            strip=strip,
        )

    def shell(self) -> theme.Sizes:
        """The shared header's sizes: its title, clock and date in the `normal` size."""
        return theme.Sizes(
            header_px=self.header_px,
            title_px=self.normal_px,
            body_px=self.normal_px,
            small_px=self.normal_px,
            spacing_px=self.gap_px,
            radius_px=self.radius_px,
        )


STYLESHEET = f"""
QFrame#currentCall {{ background: {CALL_BG}; border-radius: 24px; }}
QFrame#currentCall QLabel {{ color: {CALL_TEXT}; background: transparent; }}
QFrame#currentCall[fresh="true"] {{ background: {FRESH_BG}; }}
QFrame#currentCall[fresh="true"] QLabel {{ color: {FRESH_TEXT}; }}
QFrame#card {{ background: {C.card_bg}; border-radius: 24px; }}
QFrame#card QLabel {{ background: transparent; }}
QLabel#sectionTitle {{ color: {C.muted}; }}
QLabel#recentNumber, QLabel#recentWindow {{ color: {C.text}; }}
QLabel#countName {{ color: {C.text}; }}
QLabel#countValue {{ color: {C.accent}; }}
QFrame#noticeStrip {{ background: {NOTICE_BG}; }}
QLabel#windowName {{ color: {C.accent}; }}
QLabel#photo {{
    background: {C.disabled_bg}; color: {C.disabled_text};
    border: 3px dashed #8C939E; border-radius: 12px;
}}
QFrame#windowState {{ background: {CALL_BG}; border-radius: 24px; }}
QFrame#windowState QLabel {{ color: {CALL_TEXT}; background: transparent; }}
QFrame#windowState[fresh="true"] {{ background: {FRESH_BG}; }}
QFrame#windowState[fresh="true"] QLabel {{ color: {FRESH_TEXT}; }}
QFrame#windowState[state="paused"] {{ background: {PAUSED_BG}; }}
QFrame#windowState[state="paused"] QLabel {{ color: {PAUSED_TEXT}; }}
QFrame#windowState[state="closed"] {{ background: {CLOSED_BG}; }}
QFrame#windowState[state="closed"] QLabel {{ color: {CLOSED_TEXT}; }}
QFrame#windowState[state="idle"] {{ background: {C.card_bg}; }}
QFrame#windowState[state="idle"] QLabel {{ color: {C.text}; }}
QLabel#problem {{ color: {C.danger_bg}; }}
"""
