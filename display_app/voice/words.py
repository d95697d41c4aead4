"""What is said for a call: the sentence on paper, the words for the synthesiser, and the clips
of a voice pack, in order. Pure functions; the hall's wording is in one place here.

    words = CallWords("A012", "3")
    words.sentence()  -> "请 A012 号 到 3 号窗口办理"
    words.spoken()    -> "请 A 零 一 二 号，到 三 号窗口办理"   (espeak-ng reads these)
    words.clips()     -> ["qing", "A", "0", "1", "2", "hao", "dao", "3", "hao", "chuangkou_banli"]

The ticket number is read character by character (A 零 一 二), as halls do so nobody mistakes
十二 for 一二; a window number up to 99 is read as a number (3 号, 十二 号), anything else
character by character.
"""

from __future__ import annotations

from dataclasses import dataclass

from app_shell.voice.words import CHIME, DIGIT_CLIPS, DIGITS, LETTER_CLIPS, number_clips

__all__ = ["CHIME", "DIGITS", "DIGIT_CLIPS", "LETTER_CLIPS", "CallWords", "number_clips"]
TEN = "10"  # the clip and the word 十

# Clip names of a voice pack (file NAME.wav) and what each says, in the order a hall records
# them. Letters A–Z and digits 0–9 are clips too (see LETTER_CLIPS / DIGIT_CLIPS).
WORD_CLIPS: dict[str, str] = {
    "qing": "请",
    "hao": "号",
    "dao": "到",
    "chuangkou_banli": "窗口办理",
    TEN: "十",
}


def spoken_clip(name: str) -> str:
    """The word a clip says (what espeak-ng is given to make it)."""
    return WORD_CLIPS.get(name) or DIGIT_CLIPS.get(name) or LETTER_CLIPS.get(name) or name


def window_clips(window: str) -> list[str]:
    """A window number as said in the hall: 3 -> 3; 10 -> 十; 12 -> 十 2; 23 -> 2 十 3;
    anything else (03, 101, A3) character by character."""
    text = window.strip()
    if text.isdigit() and text.isascii() and not (len(text) > 1 and text[0] == "0"):
        value = int(text)
        if value < 10:
            return [text]
        if value < 100:
            tens, ones = divmod(value, 10)
            clips = [] if tens == 1 else [str(tens)]
            clips.append(TEN)
            if ones:
                clips.append(str(ones))
            return clips
    return number_clips(text)


@dataclass(frozen=True)
class CallWords:
    number: str
    window: str

    def sentence(self) -> str:
        """The call as the hall writes it (and as the speech queue is given it)."""
        return f"请 {self.number} 号 到 {self.window} 号窗口办理"

    def clips(self) -> list[str] | None:
        """The voice-pack clips of one saying of the call, in order (no chime)."""
        return [
            "qing",
            *number_clips(self.number),
            "hao",
            "dao",
            *window_clips(self.window),
            "hao",
            "chuangkou_banli",
        ]

    def spoken(self) -> str:
        """The sentence as words espeak-ng's Mandarin voice reads well."""
        number = " ".join(spoken_clip(c) for c in number_clips(self.number))
        window = "".join(spoken_clip(c) for c in window_clips(self.window))
        return f"请 {number} 号，到 {window} 号窗口办理"
