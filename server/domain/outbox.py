"""The outbox's rules, apart from any store or network: a message's states, when to try
again (exponential back-off with jitter), and what a receiver's answer means.

One design for every message that leaves the hall (the 好差评 platform, later SMS): a row
written in the same transaction as the change, sent at least once by a sender outside the
event loop and the writer, with an idempotency key the receiver can drop a repeat by. See
server/outbox/ and docs/platform.md.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from enum import StrEnum


class OutboxState(StrEnum):
    pending = "pending"  # to send (now, or at next_attempt_at)
    sent = "sent"  # the receiver acknowledged it (any 2xx)
    failed = "failed"  # refused, or still not acknowledged after the last try: a person looks
    marked = "marked"  # a person settled it by hand (reported another way, or not needed)
    skipped = "skipped"  # the hall's profile takes no message of this kind


# a message still to go, or waiting for a person: later messages of its subject wait behind it
OPEN_STATES = (OutboxState.pending, OutboxState.failed)


class Verdict(StrEnum):
    ack = "ack"  # delivered: never sent again
    retry = "retry"  # not delivered (network, timeout, 5xx, 429): again after a back-off
    reject = "reject"  # the receiver refused the message itself (4xx): a person must look


# statuses that mean "not now" rather than "not this message"
RETRY_STATUSES = frozenset({408, 425, 429})


def verdict(status: int | None) -> Verdict:
    """What an answer means. `None`: no answer (refused connection, timeout, dropped
    connection, a broken answer). Any 2xx acknowledges; 408/425/429 and 5xx are tried again;
    any other status (4xx, a redirect to somewhere else) is a refusal of this message."""
    if status is None or status in RETRY_STATUSES or status >= 500:
        return Verdict.retry
    if 200 <= status < 300:
        return Verdict.ack
    return Verdict.reject


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential back-off with jitter: the n-th failed try waits
    min(cap, base·factor^(n−1)) × a random share in [1 − jitter, 1] before the next one, so
    senders that failed together do not come back together. After `max_attempts` tries
    without an acknowledgement the message is `failed` and waits for a person."""

    base_s: float = 10.0
    factor: float = 2.0
    cap_s: float = 1800.0
    jitter: float = 0.5
    max_attempts: int = 48  # ~1 day of trying with the defaults

    def delay(self, attempts: int, rng: random.Random | None = None) -> float:
        """Seconds to wait after the `attempts`-th failed try (1 = the first)."""
        exponent = max(attempts - 1, 0)
        ceiling = (
            self.cap_s if exponent > 64 else min(self.cap_s, self.base_s * self.factor**exponent)
        )
        share = (rng or random).uniform(1.0 - self.jitter, 1.0)
        return ceiling * share

    def gives_up(self, attempts: int) -> bool:
        return attempts >= self.max_attempts
