"""语音引导 at the kiosk: with a speaker, the screen reads itself (a service touched once is read
out, touched again it is taken) and says the ticket, a printer fault and a help request. One
phrase at a time, never over another (the queue is app_shell.voice's)."""

from __future__ import annotations

import logging
from concurrent.futures import Future
from typing import Any

from app_shell.bridge import AsyncRunner
from app_shell.voice.queue import SpeechQueue
from kiosk_app.guidance import Guide

log = logging.getLogger(__name__)


class VoiceGuide:
    def __init__(self, runner: AsyncRunner, speech: SpeechQueue | None) -> None:
        self.runner = runner
        self.speech = speech  # None: no speaker, nothing is said
        self._speaking: Future[Any] | None = None

    @property
    def on(self) -> bool:
        return self.speech is not None

    def start(self) -> None:
        if self.speech is not None:
            self._speaking = self.runner.submit(self.speech.run())
            log.info("voice guidance on (touch once to hear, again to choose)")

    def stop(self) -> None:
        if self._speaking is not None:
            self._speaking.cancel()

    def say(self, phrase: Guide | None, *, passing: bool = False) -> None:
        """Through the speaker (none: nothing); after what is being said, never over it. A
        `passing` phrase (a service read out) gives way to the next passing one if it has not
        begun."""
        if phrase is not None and self.speech is not None:
            self.speech.put(phrase, passing=passing)
