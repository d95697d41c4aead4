"""The speech queue: every phrase is said, one at a time, in the order it came.

    speech = SpeechQueue(engine, speaker, repeats=2, volume=80, shorten_at=3)
    runner.submit(speech.run())            # the worker, on the app's asyncio loop
    speech.put(Announcement(seq, "A012", "3"))   # from any thread (the GUI's, usually)

Phrases never overlap: a new one waits until the one being said has finished. The hall
display's calls are never dropped: when a backlog builds up (`shorten_at` or more waiting, the
one about to be said included) each is said once instead of `repeats` times, so the voice
catches up with the screen, which shows every call anyway. The kiosk puts a service it reads
out with `passing=True`: such a phrase waiting is dropped when another passing one comes (a
person who touched three services in a row hears the one under their finger, after the one
being said has ended); the others (the ticket, a fault) are never dropped.

Rendering (espeak-ng, joining clips) runs in a worker thread via `asyncio.to_thread`; the
speaker plays the result (`Speaker.play` returns when the sound has ended). Qt-free.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from dataclasses import dataclass
from typing import Protocol

from app_shell.voice.audio import Audio
from app_shell.voice.engines import VoiceEngine, VoiceError, render_call
from app_shell.voice.words import Phrase

log = logging.getLogger(__name__)


class Sayable(Protocol):
    """What the queue is given: a call of the hall display, a phrase of the kiosk."""

    @property
    def words(self) -> Phrase: ...

    @property
    def text(self) -> str:
        """The sentence as written (logs, tests, subtitles)."""
        ...


@dataclass(frozen=True)
class Utterance:
    """What the speaker is given: the sentence, its sound and how often it is said in it."""

    announcement: Sayable
    audio: Audio
    repeats: int

    @property
    def text(self) -> str:
        return self.announcement.text


class Speaker(Protocol):
    async def play(self, utterance: Utterance) -> None:
        """Play the sound; return when it has ended (or at once, without a sound device)."""
        ...


class SpeechQueue:
    def __init__(
        self,
        engine: VoiceEngine,
        speaker: Speaker,
        *,
        repeats: int = 2,
        volume: int = 80,
        shorten_at: int = 3,
        chime: bool = True,
    ) -> None:
        self.engine, self.speaker = engine, speaker
        self.repeats, self.volume, self.shorten_at = repeats, volume, shorten_at
        self.chime = chime
        self._lock = threading.Lock()
        self._pending: list[tuple[Sayable, bool]] = []  # (phrase, passing)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake: asyncio.Event | None = None
        self._failures: set[str] = set()
        self.said = 0  # utterances handed to the speaker

    @property
    def pending(self) -> int:
        """Calls waiting to be said (not counting the one being said)."""
        with self._lock:
            return len(self._pending)

    def put(self, announcement: Sayable, *, passing: bool = False) -> None:
        """Queue a phrase (thread-safe; never blocks). A `passing` one replaces the passing
        ones still waiting (never the one being said, never one that is not passing)."""
        with self._lock:
            if passing:
                self._pending = [(p, was) for p, was in self._pending if not was]
            self._pending.append((announcement, passing))
        if self._loop is not None and self._wake is not None:
            self._loop.call_soon_threadsafe(self._wake.set)

    async def run(self) -> None:
        """Say the queued calls, in order, until cancelled."""
        self._loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        while True:
            with self._lock:
                item = self._pending.pop(0)[0] if self._pending else None
                backlog = len(self._pending)
            if item is None:
                self._wake.clear()
                with self._lock:
                    empty = not self._pending
                if empty:
                    await self._wake.wait()
                continue
            await self._say(item, backlog)

    def repeats_for(self, backlog: int) -> int:
        """How often a call is said when `backlog` more are waiting behind it."""
        return 1 if backlog + 1 >= self.shorten_at else self.repeats

    async def _say(self, item: Sayable, backlog: int) -> None:
        repeats = self.repeats_for(backlog)
        try:
            audio = await asyncio.to_thread(
                render_call,
                self.engine,
                item.words,
                repeats=repeats,
                volume=self.volume,
                chime=self.chime,
            )
        except VoiceError as exc:
            self._fail_once(str(exc), item)
            return
        self.said += 1
        try:
            await self.speaker.play(Utterance(item, audio, repeats))
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            self._fail_once(f"播放失败：{exc}", item)

    def _fail_once(self, message: str, item: Sayable) -> None:
        """Log a voice failure once per kind (a missing clip must not flood the log)."""
        if message not in self._failures:
            self._failures.add(message)
            log.error("未能播报（%s）：%s；屏幕照常显示。", item.text, message)
        else:
            log.debug("call %s not voiced: %s", item.text, message)
