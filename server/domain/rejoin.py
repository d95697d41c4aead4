"""扫码过号重排: an applicant whose number was passed (过号) puts the ticket back in the queue
from its page — if the hall allows it, within its minutes of the 过号, once per ticket — at
the hall's place: behind the next N waiting, or at the end. Pure rules; the command
(server/commands/rejoin.py) reads the ticket and the queue and writes the change."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from .errors import Conflict
from .texts import text


@dataclass(frozen=True)
class RejoinRule:
    allowed: bool
    minutes: int
    position: str  # "behind" | "end"
    behind: int

    def until(self, missed_at: datetime | None) -> datetime | None:
        """The last instant the ticket may rejoin; None when it cannot at all."""
        if not self.allowed or missed_at is None:
            return None
        return missed_at + timedelta(minutes=self.minutes)


def check_rejoin(
    rule: RejoinRule,
    *,
    number: str,
    status: str,
    status_text: str,
    rejoined: bool,
    missed_at: datetime | None,
    now: datetime,
    zone_format: str,
) -> None:
    """Refuse (409, a sentence that says why and what to do) a rejoin that the rules forbid.
    `zone_format` formats an instant in the hall's zone (HH:MM)."""
    if not rule.allowed:
        raise Conflict(text("rejoin.off", number=number), code="rejoin_off")
    if rejoined:
        raise Conflict(text("rejoin.used", number=number), code="rejoin_used")
    if status != "no_show":
        raise Conflict(text("rejoin.not_missed", number=number, status=status_text),
                       code="rejoin_not_missed")  # fmt: skip
    until = rule.until(missed_at)
    if until is None or now > until:
        raise Conflict(
            text("rejoin.too_late", number=number, minutes=rule.minutes, until=zone_format),
            code="rejoin_too_late",
        )


def place_after(
    keys: list[datetime], ahead_elsewhere: int, rule: RejoinRule, now: datetime
) -> datetime:
    """The rejoining ticket's new place in the queue (its entered_queue_at). `keys` are the
    entered_queue_at of the waiting tickets of its own class (green channel or not), in call
    order; `ahead_elsewhere` how many others are called before that class anyway (the green
    channel, for a normal ticket). Behind the next N: just after the (N − ahead_elsewhere)-th
    of `keys` (first of its class when the others already make N; at the end when fewer
    wait); at the end: now, or just after the last."""
    mine = rule.behind - ahead_elsewhere
    if rule.position == "behind" and mine <= 0:
        return keys[0] - timedelta(microseconds=1) if keys else now
    if rule.position == "behind" and len(keys) >= mine:
        return keys[mine - 1] + timedelta(microseconds=1)
    return max([now, *(k + timedelta(microseconds=1) for k in keys[-1:])])
