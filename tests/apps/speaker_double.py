"""A recording speaker: stands in for the sound card in the display's tests."""

from __future__ import annotations

import asyncio
import threading
import time
from array import array
from dataclasses import dataclass, field

from app_shell.voice.audio import Audio
from app_shell.voice.queue import Utterance
from display_app.voice.words import CallWords


@dataclass
class Played:
    text: str
    repeats: int
    seconds: float
    started: float
    ended: float


@dataclass
class RecordingSpeaker:
    """Records each utterance; `play_s` is how long a "sound" lasts (0: return at once)."""

    play_s: float = 0.0
    played: list[Played] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _playing: int = 0
    overlaps: int = 0

    async def play(self, utterance: Utterance) -> None:
        with self._lock:
            self._playing += 1
            if self._playing > 1:
                self.overlaps += 1
        started = time.monotonic()
        try:
            if self.play_s:
                await asyncio.sleep(self.play_s)
        finally:
            with self._lock:
                self._playing -= 1
                self.played.append(
                    Played(
                        utterance.text,
                        utterance.repeats,
                        utterance.audio.seconds,
                        started,
                        time.monotonic(),
                    )
                )

    @property
    def texts(self) -> list[str]:
        with self._lock:
            return [p.text for p in self.played]


class QuickEngine:
    """Renders any call as a short click: tests of what is said, not of the voice itself."""

    name = "quick"

    def chime(self) -> Audio:
        return Audio(8000, array("h", [100] * 8))

    def say(self, words: CallWords) -> Audio:
        return Audio(8000, array("h", [200] * 80))
