"""A call to be said by the hall display (the speech queue itself is app_shell.voice.queue)."""

from __future__ import annotations

from dataclasses import dataclass

from display_app.voice.words import CallWords


@dataclass(frozen=True)
class Announcement:
    """A call to be said: from the live feed's `ticket.called` / `ticket.recalled`."""

    seq: int
    number: str
    window: str
    recall: bool = False

    @property
    def words(self) -> CallWords:
        return CallWords(self.number, self.window)

    @property
    def text(self) -> str:
        return self.words.sentence()
