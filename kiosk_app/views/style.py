"""The kiosk's widget styles and sizes (on top of app_shell.theme)."""

from __future__ import annotations

from dataclasses import dataclass

from app_shell import theme
from app_shell.theme import COLOURS as C

# 长辈版's shared sizes: titles 60 px, body 40 px, the smallest line 34 px (a 1080-pixel
# short side); touch targets 120 px and more
ELDERLY_SHELL = theme.Sizes(
    header_px=120,
    title_px=60,
    body_px=40,
    small_px=34,
    huge_px=220,
    touch_min_px=120,
    spacing_px=28,
    radius_px=18,
)


# pixels at a 1080-pixel short side: one figure, or (landscape, portrait)
Px = int | tuple[int, int]


@dataclass(frozen=True)
class KioskSizes:
    """Pixels for a 1080-pixel short side; `for_size` scales to the real screen."""

    shell: theme.Sizes
    tile_name_px: int
    tile_status_px: int
    tile_min_height_px: int
    badge_px: int
    number_px: int
    info_px: int
    qr_px: int
    action_height_px: int
    help_px: int = 34  # 呼叫帮办 in the header

    @classmethod
    def for_size(cls, width: int, height: int, *, elderly: bool = False) -> KioskSizes:
        factor = max(0.5, min(width, height) / 1080)
        landscape = width > height

        def px(standard: Px, bigger: Px) -> int:
            """The pixels of the mode (`bigger`: 长辈版), scaled to the screen."""
            value = bigger if elderly else standard
            if isinstance(value, tuple):
                value = value[0] if landscape else value[1]
            return max(1, round(value * factor))

        # 长辈版: larger type and targets (docs/decisions.md: 适老化 sizes)
        return cls(
            shell=(ELDERLY_SHELL if elderly else theme.SIZES).scaled(factor),
            tile_name_px=px(48, 60),
            tile_status_px=px(32, 40),
            tile_min_height_px=px(130, (170, 210)),
            badge_px=px(96, 120),
            number_px=px((150, 190), (170, 220)),
            info_px=px(34, 44),
            qr_px=px((300, 360), (240, 300)),
            action_height_px=px((100, 120), (120, 150)),
            help_px=px(34, 34),
        )


STYLESHEET = f"""
QPushButton#serviceTile {{
    background: {C.card_bg}; border: 3px solid {C.accent}; border-radius: 18px;
    text-align: left;
}}
QPushButton#serviceTile:pressed {{ background: #DCE6F7; }}
QPushButton#serviceTile[availability="closed"], QPushButton#serviceTile[availability="full"],
QPushButton#serviceTile[availability="disabled"], QPushButton#serviceTile[availability="unreachable"] {{
    background: {C.disabled_bg}; border: 3px dashed #8C939E;
}}
QPushButton#serviceTile[green="true"] {{ border: 6px solid {C.green_bg}; }}
QPushButton#serviceTile[selected="true"] {{ border: 8px solid {C.accent}; background: #E8EEF9; }}
QLabel#tileName {{ color: {C.accent}; background: transparent; }}
QLabel#tileStatus {{ color: {C.text}; background: transparent; }}
QLabel#tileClosed {{ color: {C.closed_text}; background: transparent; }}
QLabel#tileNameOff {{ color: {C.disabled_text}; background: transparent; }}
QLabel#badge {{
    background: {C.accent}; color: {C.accent_text}; border-radius: 14px;
}}
QLabel#badgeGreen {{
    background: {C.green_bg}; color: {C.green_text}; border-radius: 14px;
}}
QLabel#badgeOff {{
    background: #6B7280; color: #FFFFFF; border-radius: 14px;
}}
QLabel#prompt {{ color: {C.text}; }}
QLabel#promptGreen {{
    background: {C.green_bg}; color: {C.green_text}; border-radius: 14px; padding: 10px 20px;
}}
QLabel#banner {{
    background: {C.warning_bg}; color: {C.warning_text}; border: 2px solid #E0B84C;
    border-radius: 12px; padding: 14px 24px;
}}
QPushButton#greenEntry {{
    background: {C.green_bg}; color: {C.green_text}; border: none; border-radius: 18px;
}}
QPushButton#greenEntry:pressed {{ background: #15522A; }}
QPushButton#greenEntry:disabled {{ background: {C.disabled_bg}; color: {C.disabled_text}; }}
QLabel#greenWho {{ color: {C.green_text}; background: transparent; }}
QLabel#greenTitle {{ color: {C.green_text}; background: transparent; }}
QPushButton#secondary {{
    background: {C.card_bg}; color: {C.accent}; border: 3px solid {C.accent}; border-radius: 18px;
}}
QPushButton#secondary:pressed {{ background: #DCE6F7; }}
QPushButton#primary {{
    background: {C.accent}; color: {C.accent_text}; border: none; border-radius: 18px;
}}
QPushButton#primary:pressed {{ background: #082C69; }}
QPushButton#primary:disabled, QPushButton#secondary:disabled {{
    background: {C.disabled_bg}; color: {C.disabled_text}; border: none;
}}
QWidget#ticketCard {{ background: {C.card_bg}; border-radius: 24px; }}
QLabel#okHeading {{ color: {C.green_bg}; }}
QLabel#faultHeading {{
    background: {C.danger_bg}; color: {C.danger_text}; border-radius: 14px; padding: 14px 20px;
}}
QLabel#faultText {{ color: {C.danger_bg}; }}
QLabel#number {{ color: {C.text}; }}
QLabel#greenMark {{
    background: {C.green_bg}; color: {C.green_text}; border-radius: 10px; padding: 4px 16px;
}}
QLabel#appointmentMark {{
    background: {C.appointment_bg}; color: {C.appointment_text}; border-radius: 10px;
    padding: 4px 16px;
}}
QPushButton#appointmentEntry {{
    background: {C.card_bg}; border: 4px solid {C.appointment_bg}; border-radius: 18px;
}}
QPushButton#appointmentEntry:pressed {{ background: #F6E7D8; }}
QPushButton#appointmentEntry:disabled {{ background: {C.disabled_bg}; border-color: #8C939E; }}
QLabel#appointmentTitle {{ color: {C.appointment_bg}; background: transparent; }}
QLabel#appointmentWho {{ color: {C.text}; background: transparent; }}
QLabel#appointmentHeading {{
    background: {C.appointment_bg}; color: {C.appointment_text}; border-radius: 14px;
    padding: 10px 20px;
}}
QLineEdit#appointmentInput {{
    background: {C.card_bg}; color: {C.text}; border: 4px solid {C.accent};
    border-radius: 14px; padding: 8px 20px;
}}
QPushButton#key {{
    background: {C.card_bg}; color: {C.text}; border: 3px solid #8C939E; border-radius: 14px;
}}
QPushButton#key:pressed {{ background: #DCE6F7; }}
QLabel#info {{ color: {C.text}; }}
QLabel#muted {{ color: {C.muted}; }}
QLabel#idleTouch {{ color: {C.accent}; }}
QPushButton#elderlyEntry {{
    background: {C.card_bg}; color: {C.accent}; border: 4px solid {C.accent}; border-radius: 18px;
}}
QPushButton#elderlyEntry:pressed {{ background: #DCE6F7; }}
QPushButton#elderlyEntry:disabled {{ background: {C.disabled_bg}; border: none; }}
QLabel#elderlyTitle {{ color: {C.accent}; background: transparent; }}
QLabel#elderlyHint {{ color: {C.text}; background: transparent; }}
QLabel#pageLabel {{ color: {C.text}; }}
QWidget#helpFooter {{ background: {C.card_bg}; border-top: 2px solid #C9D1DE; }}
QLabel#helpHint {{ color: {C.text}; background: transparent; }}
QPushButton#helpButton {{
    background: {C.warning_bg}; color: {C.warning_text}; border: 3px solid #9A5B00;
    border-radius: 14px;
    padding: 0 18px;
}}
QPushButton#helpButton:pressed {{ background: #F2DD8F; }}
QPushButton#helpButton[state="asked"], QPushButton#helpButton[state="asking"] {{
    background: {C.card_bg}; color: {C.accent};
}}
QPushButton#helpButton[state="taken"] {{ background: {C.green_bg}; color: {C.green_text}; }}
QLabel#idleClock {{ color: {C.text}; }}
"""
