"""What the kiosk says through its speaker (语音引导), in plain words. Pure, tested without Qt.

- a service, when touched (touch once to hear, again to choose): 户籍办理。现在有 3 人在等。再点一下取号。
- the ticket: 您的号码是 A012，前面还有 3 人。 (the number read character by character)
- a printer fault: what the screen says (打印机缺纸，请凭屏幕上的号码等候叫号，或扫码保存。)
- 呼叫帮办: 已通知工作人员，请在这里稍等。
"""

from __future__ import annotations

from dataclasses import dataclass

from app_shell.voice.words import DIGIT_CLIPS, number_clips, spoken_number
from kiosk_app import elderly
from kiosk_app.printing.status import PrinterState
from kiosk_app.services import ServiceButton
from kiosk_app.texts import text

FAULTS = {
    PrinterState.offline: "fault.offline",
    PrinterState.paper_out: "fault.paper_out",
    PrinterState.cover_open: "fault.cover_open",
    PrinterState.error: "fault.error",
}


@dataclass(frozen=True)
class Guide:
    """A phrase of the kiosk for the speech queue: `text` as written, `words` for espeak-ng."""

    text: str
    words_: str = ""
    pack_clips: tuple[str, ...] | None = None

    @property
    def words(self) -> Guide:
        return self

    def spoken(self) -> str:
        return self.words_ or self.text

    def clips(self) -> list[str] | None:
        return list(self.pack_clips) if self.pack_clips is not None else None


def service(button: ServiceButton) -> Guide:
    """A service touched once: its name, how it stands, and how to choose it."""
    status = elderly.status_text(button).replace(" · ", "，")
    again = text("voice.again") if button.pressable else ""
    return Guide(f"{button.name}。{status}。{again}".rstrip("。") + "。")


def result(number: str, ahead: int) -> Guide:
    """您的号码是 A012，前面还有 3 人 — the number read A 零 一 二."""
    written = text("voice.result", number=number, ahead=ahead)
    spoken = text("voice.result", number=spoken_number(number), ahead=ahead)
    clips = None
    if ahead < 10 and all(c in DIGIT_CLIPS or c.isalpha() for c in number_clips(number)):
        # a pack with the kiosk's own clips says it in the hall's voice (docs/voice.md)
        clips = ("ninde_haoma_shi", *number_clips(number), "qianmian_haiyou", str(ahead), "ren")
    return Guide(written, spoken, clips)


def fault(state: PrinterState) -> Guide | None:
    """The printer fault the screen shows, said; None when there is nothing to say."""
    key = FAULTS.get(state)
    return Guide(text(key)) if key else None


def help_asked() -> Guide:
    return Guide(text("help.hint_asked"))


SAMPLE = result("A012", 3)
