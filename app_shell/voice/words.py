"""What an engine is given to say: a `Phrase` gives the words espeak-ng reads and, where a voice
pack can say it, the pack's clips in order. Numbers as halls say them: a ticket number
character by character (A012: A 零 一 二), so nobody mistakes 十二 for 一二. Pure functions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

DIGITS = "零一二三四五六七八九"
CHIME = "chime"  # the clip (or the built-in sound) before a call
DIGIT_CLIPS: dict[str, str] = {str(d): DIGITS[d] for d in range(10)}
LETTER_CLIPS: dict[str, str] = {chr(c): chr(c) for c in range(ord("A"), ord("Z") + 1)}


class Phrase(Protocol):
    def spoken(self) -> str:
        """The words espeak-ng's Mandarin voice reads."""
        ...

    def clips(self) -> list[str] | None:
        """A voice pack's clips, in order; None when a pack cannot say it (espeak-ng does)."""
        ...


def number_clips(number: str) -> list[str]:
    """A ticket number, character by character: A012 -> A 0 1 2."""
    return [ch.upper() if ch.isascii() else ch for ch in number.strip() if not ch.isspace()]


def spoken_number(number: str) -> str:
    """A012 -> "A 零 一 二" (what espeak-ng is given for a ticket number)."""
    return " ".join(DIGIT_CLIPS.get(c) or c for c in number_clips(number))


@dataclass(frozen=True)
class Sentence:
    """A sentence only a synthesiser says (a service name, a printer fault): no clips."""

    text: str
    words: str = ""  # what espeak-ng reads, when not `text` itself

    def spoken(self) -> str:
        return self.words or self.text

    def clips(self) -> list[str] | None:
        return None
