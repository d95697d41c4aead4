"""The window client's and rating pad's widget styles and sizes (on top of app_shell.theme)."""

from __future__ import annotations

from dataclasses import dataclass

from app_shell import theme
from app_shell.theme import COLOURS as C


@dataclass(frozen=True)
class DeskSizes:
    """Pixels for the clerk's PC, designed at 1366×768 and scaled by the short side."""

    shell: theme.Sizes
    number_px: int
    service_px: int
    info_px: int
    timer_px: int
    button_px: int
    button_height_px: int
    panel_title_px: int
    panel_px: int

    @classmethod
    def for_size(cls, width: int, height: int) -> DeskSizes:
        factor = max(0.6, min(width / 1366, height / 768))

        def s(px: int) -> int:
            return max(1, round(px * factor))

        return cls(
            shell=theme.Sizes(
                header_px=s(76),
                title_px=s(30),
                body_px=s(22),
                small_px=s(18),
                huge_px=s(132),
                touch_min_px=s(48),
                spacing_px=s(14),
                radius_px=s(10),
            ),
            number_px=s(132),
            service_px=s(30),
            info_px=s(22),
            timer_px=s(44),
            button_px=s(22),
            button_height_px=s(76),
            panel_title_px=s(22),
            panel_px=s(20),
        )


@dataclass(frozen=True)
class PadSizes:
    """Pixels for the rating pad, designed at 1280×800 (a tablet) and scaled."""

    shell: theme.Sizes
    window_px: int
    name_px: int
    heading_px: int
    choice_px: int
    choice_height_px: int
    tag_px: int
    tag_height_px: int
    number_px: int
    face_px: int

    @classmethod
    def for_size(cls, width: int, height: int) -> PadSizes:
        factor = max(0.5, min(width / 1280, height / 800))

        def s(px: int) -> int:
            return max(1, round(px * factor))

        return cls(
            shell=theme.Sizes(
                header_px=s(84),
                title_px=s(34),
                body_px=s(30),
                small_px=s(24),
                huge_px=s(150),
                touch_min_px=s(64),
                spacing_px=s(20),
                radius_px=s(14),
            ),
            window_px=s(120),
            name_px=s(48),
            heading_px=s(44),
            choice_px=s(34),
            choice_height_px=s(220),
            tag_px=s(28),
            tag_height_px=s(80),
            number_px=s(56),
            face_px=s(96),
        )


# The five levels: colour AND words (and the order) carry the meaning, never colour alone.
LEVEL_COLOURS: dict[int, tuple[str, str]] = {  # level -> (background, text)
    5: ("#1E6B34", "#FFFFFF"),
    4: ("#2E7D4F", "#FFFFFF"),
    3: ("#0B3D91", "#FFFFFF"),
    2: ("#9A5B00", "#FFFFFF"),
    1: ("#B3261E", "#FFFFFF"),
}

STYLESHEET = f"""
QToolButton#level {{ border-radius: 14px; }}
QWidget#card {{ background: {C.card_bg}; border-radius: 12px; }}
QWidget#helpBar {{ background: {C.warning_bg}; border: 3px solid #9A5B00; border-radius: 12px; }}
QLabel#helpWords, QLabel#helpMore {{ color: {C.warning_text}; background: transparent; }}
QPushButton#helpGo {{
    background: {C.accent}; color: {C.accent_text}; border: none; border-radius: 10px;
    padding: 0 24px;
}}
QLabel#cardTitle {{ color: {C.accent}; background: transparent; }}
QLabel#number {{ color: {C.text}; background: transparent; }}
QLabel#numberIdle {{ color: {C.muted}; background: transparent; }}
QLabel#service {{ color: {C.accent}; background: transparent; }}
QLabel#info {{ color: {C.text}; background: transparent; }}
QLabel#muted {{ color: {C.muted}; background: transparent; }}
QLabel#timer {{ color: {C.text}; background: transparent; }}
QLabel#statusChip {{
    background: {C.accent}; color: {C.accent_text}; border-radius: 8px; padding: 4px 14px;
}}
QLabel#statusChip[tone="serving"] {{ background: {C.green_bg}; color: {C.green_text}; }}
QLabel#statusChip[tone="ended"] {{ background: {C.disabled_bg}; color: {C.disabled_text}; }}
QLabel#statusChip[tone="paused"] {{
    background: {C.warning_bg}; color: {C.warning_text}; border: 2px solid #9A5B00;
}}
QLabel#headline {{ color: {C.accent}; background: transparent; }}
QLabel#headlinePaused {{ color: {C.warning_text}; background: transparent; }}
QLabel#greenMark {{
    background: {C.green_bg}; color: {C.green_text}; border-radius: 8px; padding: 4px 12px;
}}
QLabel#appointmentMark {{
    background: {C.appointment_bg}; color: {C.appointment_text}; border-radius: 8px;
    padding: 4px 12px;
}}
QLabel#notice {{
    color: {C.text}; background: transparent; border: 2px solid transparent;
    border-radius: 8px; padding: 6px 12px;
}}
QLabel#noticeError {{
    background: #FDECEA; color: {C.danger_bg}; border: 2px solid {C.danger_bg};
    border-radius: 8px; padding: 6px 12px;
}}
QLabel#headerStaff, QLabel#headerState {{ color: {C.header_text}; background: transparent; }}
QLabel#headerPaused {{  /* a label of its own: a restyled label keeps its old padding */
    background: {C.warning_bg}; color: {C.warning_text}; border-radius: 8px; padding: 4px 14px;
}}
QPushButton#action, QPushButton#primary, QPushButton#secondary, QPushButton#choice,
QPushButton#windowTile, QPushButton#tag {{
    border-radius: 10px;
}}
QPushButton#action {{
    background: {C.card_bg}; color: {C.accent}; border: 2px solid {C.accent};
}}
QPushButton#action[main="true"] {{ background: {C.accent}; color: {C.accent_text}; border: none; }}
QPushButton#action:pressed, QPushButton#secondary:pressed {{ background: #DCE6F7; }}
QPushButton#action:disabled, QPushButton#primary:disabled, QPushButton#secondary:disabled,
QPushButton#windowTile:disabled {{
    background: {C.disabled_bg}; color: {C.disabled_text}; border: 2px dashed #8C939E;
}}
QPushButton#primary {{ background: {C.accent}; color: {C.accent_text}; border: none; }}
QPushButton#primary:pressed {{ background: #082C69; }}
QPushButton#secondary {{ background: {C.card_bg}; color: {C.accent}; border: 2px solid {C.accent}; }}
QPushButton#danger {{
    background: {C.danger_bg}; color: {C.danger_text}; border: none; border-radius: 10px;
}}
QDialog#dialog {{  /* framed by itself: a hall PC may have no window manager to frame it */
    background: {C.body_bg}; color: {C.text}; border: 3px solid {C.accent};
}}
QPushButton#secondary {{ padding: 4px 18px; }}
QPushButton#choice {{ background: {C.card_bg}; color: {C.text}; border: 2px solid {C.accent}; }}
QPushButton#choice:focus {{ border: 4px solid {C.accent}; }}
QPushButton#windowTile {{
    background: {C.card_bg}; color: {C.text}; border: 2px solid {C.accent}; text-align: left;
    padding: 10px 18px;
}}
QPushButton#windowTile[preferred="true"] {{ border: 5px solid {C.accent}; }}
QLineEdit {{
    background: {C.card_bg}; color: {C.text}; border: 2px solid #8C939E; border-radius: 8px;
    padding: 6px 12px;
}}
QLineEdit:focus {{ border: 3px solid {C.accent}; }}
QPushButton#tag {{ background: {C.card_bg}; color: {C.text}; border: 3px solid #8C939E; }}
QPushButton#tag:checked {{ background: {C.warning_bg}; color: {C.warning_text}; border: 4px solid #9A5B00; }}
QLabel#padWindow {{ color: {C.accent}; background: transparent; }}
QLabel#padName {{ color: {C.text}; background: transparent; }}
QLabel#padHeading {{ color: {C.text}; background: transparent; }}
QLabel#padThanks {{ color: {C.green_bg}; background: transparent; }}
QLabel#padFailed {{ color: {C.danger_bg}; background: transparent; }}
QLabel#padNumber {{
    background: {C.accent}; color: {C.accent_text}; border-radius: 12px; padding: 6px 24px;
}}
""" + "".join(
    f"""
QToolButton#level[level="{level}"] {{
    background: {bg}; color: {fg}; border: none; border-radius: 14px; padding: 12px;
}}
QToolButton#level[level="{level}"]:pressed {{ border: 6px solid #1B1F24; }}
"""
    for level, (bg, fg) in LEVEL_COLOURS.items()
)
