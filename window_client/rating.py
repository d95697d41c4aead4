"""The rating pad's (评价器) screens and time-outs: a pure state machine, tested without Qt.

    idle ──ticket finished──► choices ──level 3..5──────────────► sending ──► thanks ──► idle
                                │  └──level 1..2──► reasons ──submit──┘  │
                                └──time-out: nothing recorded──► idle    └──failed──► failed ──► idle

Times are plain seconds (`now` is passed in), so tests run a whole time-out without waiting.
Any touch extends the current screen's time-out. A ticket is rated at most once: a finished
ticket already offered (or rated) is not offered again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from client.rating import BAD_LEVELS, LEVELS, MAX_COMMENT, MAX_REASONS

__all__ = ["BAD_LEVELS", "LEVELS", "MAX_COMMENT", "MAX_REASONS", "PadState", "Rating", "Screen"]


class Screen(StrEnum):
    idle = "idle"
    choices = "choices"
    reasons = "reasons"
    sending = "sending"
    thanks = "thanks"
    failed = "failed"


@dataclass(frozen=True)
class Timeouts:
    choices_s: float = 60.0  # no choice: back to idle, nothing recorded
    reasons_s: float = 90.0  # reasons not submitted: back to idle, nothing recorded
    thanks_s: float = 6.0
    failed_s: float = 10.0
    offer_s: float = 300.0  # a finish older than this (replayed after a blip) is not offered


@dataclass(frozen=True)
class Rating:
    """What is sent: POST /tickets/{ticket_id}/evaluation."""

    ticket_id: int
    level: int
    reasons: tuple[str, ...] = ()
    comment: str | None = None


@dataclass
class PadState:
    timeouts: Timeouts = field(default_factory=Timeouts)
    screen: Screen = Screen.idle
    ticket_id: int | None = None
    number: str = ""
    level: int | None = None
    reasons: list[str] = field(default_factory=list)
    comment: str = ""
    deadline: float | None = None
    message: str = ""  # the failure's sentence on the `failed` screen
    offered: set[int] = field(default_factory=set)
    _pending: tuple[int, str, float] | None = None  # a finish that came while busy

    # --- events --------------------------------------------------------------------------
    def ticket_finished(self, ticket_id: int, number: str, finished_at: float, now: float) -> bool:
        """The window finished a ticket: offer it (True when the screen changed)."""
        if ticket_id in self.offered or now - finished_at > self.timeouts.offer_s:
            return False
        if self.screen in (Screen.reasons, Screen.sending):
            # the applicant is in the middle of a rating: never change it under their finger
            self._pending = (ticket_id, number, finished_at)
            return False
        self._offer(ticket_id, number, now)
        return True

    def _offer(self, ticket_id: int, number: str, now: float) -> None:
        self.offered.add(ticket_id)
        self.screen = Screen.choices
        self.ticket_id, self.number = ticket_id, number
        self.level, self.reasons, self.comment, self.message = None, [], "", ""
        self.deadline = now + self.timeouts.choices_s

    def touch(self, now: float) -> None:
        """Any touch extends the current screen's time-out."""
        limits = {Screen.choices: self.timeouts.choices_s, Screen.reasons: self.timeouts.reasons_s}
        if self.screen in limits:
            self.deadline = now + limits[self.screen]

    def choose(self, level: int, now: float) -> Rating | None:
        """A level was touched: a rating to send now, or None when reasons are asked first."""
        if self.screen not in (Screen.choices, Screen.reasons) or level not in LEVELS:
            return None
        self.level = level
        if level in BAD_LEVELS:
            self.screen = Screen.reasons
            self.deadline = now + self.timeouts.reasons_s
            return None
        return self._send()

    def toggle_reason(self, tag: str, now: float) -> None:
        if self.screen is not Screen.reasons:
            return
        if tag in self.reasons:
            self.reasons.remove(tag)
        elif len(self.reasons) < MAX_REASONS:
            self.reasons.append(tag)
        self.touch(now)

    def set_comment(self, comment: str, now: float) -> None:
        if self.screen is Screen.reasons:
            self.comment = comment[:MAX_COMMENT]
            self.touch(now)

    def back(self, now: float) -> None:
        """From the reasons back to the five choices (the applicant changed their mind)."""
        if self.screen is Screen.reasons:
            self.screen = Screen.choices
            self.level = None
            self.deadline = now + self.timeouts.choices_s

    def submit(self) -> Rating | None:
        """The reasons screen's 提交评价."""
        if self.screen is not Screen.reasons or self.level is None:
            return None
        return self._send()

    def _send(self) -> Rating:
        assert self.ticket_id is not None and self.level is not None
        self.screen = Screen.sending
        self.deadline = None
        comment = self.comment.strip() or None
        return Rating(self.ticket_id, self.level, tuple(self.reasons), comment)

    def sent(self, now: float) -> None:
        """The server recorded the rating (or already had one for this ticket)."""
        if self.screen is Screen.sending:
            self.screen = Screen.thanks
            self.deadline = now + self.timeouts.thanks_s

    def send_failed(self, message: str, now: float) -> None:
        if self.screen is Screen.sending:
            self.screen = Screen.failed
            self.message = message
            self.deadline = now + self.timeouts.failed_s

    def tick(self, now: float) -> bool:
        """Apply a time-out that has passed; True when the screen changed."""
        if self.deadline is None or now < self.deadline:
            return False
        self._idle()
        if self._pending is not None:
            ticket_id, number, finished_at = self._pending
            self._pending = None
            if now - finished_at <= self.timeouts.offer_s:
                self._offer(ticket_id, number, now)
        return True

    def _idle(self) -> None:
        self.screen = Screen.idle
        self.ticket_id, self.number, self.level = None, "", None
        self.reasons, self.comment, self.deadline, self.message = [], "", None, ""
