"""The outbox's writer jobs (server/outbox/): a message written in the transaction of the
change that causes it; a sender's claim on what is due; the receiver's answer recorded; a
person's retry or mark of a failed message.

A sender claims messages for a lease (`claimed_until`): another sender (another server
process on PostgreSQL) leaves them alone until then, so two never post the same message at
once. If the sender dies mid-send, the lease runs out and the message is sent again with the
same key: at least once, never lost. Only the oldest open message of a subject is due, so a
subject's messages leave in the order they were written; a failed one holds the ones after it
until a person retries or marks it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import exists, or_
from sqlalchemy.orm import aliased
from sqlmodel import col, select
from sqlmodel.sql.expression import SelectOfScalar

from server.domain.actor import StaffActor, ensure_hall
from server.domain.errors import Conflict, NotFound
from server.domain.outbox import OPEN_STATES, OutboxState, RetryPolicy, Verdict, verdict
from server.domain.texts import text
from server.store.tables import OutboxMessage
from server.store.transaction import Tx

ANSWER_CHARS = 1000


@dataclass(frozen=True)
class Claimed:
    """A message a sender holds for its lease (picklable: it crosses the writer's pipe)."""

    id: int
    channel: str
    hall_id: int
    kind: str
    key: str
    payload: dict[str, Any]
    attempts: int


def enqueue(
    tx: Tx,
    *,
    channel: str,
    hall_id: int,
    subject: str,
    kind: str,
    key: str,
    payload: dict[str, Any],
) -> OutboxMessage:
    """Write a message to send; the same key again leaves the one written first as it is."""
    existing = find(tx, channel, key)
    if existing is not None:
        return existing
    message = OutboxMessage(
        channel=channel,
        hall_id=hall_id,
        subject=subject,
        kind=kind,
        key=key,
        payload=payload,
        created_at=tx.now,
        state=OutboxState.pending,
        next_attempt_at=tx.now,
    )
    tx.session.add(message)
    tx.session.flush()
    return message


def find(tx: Tx, channel: str, key: str) -> OutboxMessage | None:
    return tx.session.exec(
        select(OutboxMessage).where(OutboxMessage.channel == channel, OutboxMessage.key == key)
    ).first()


def resend(tx: Tx, message: OutboxMessage, payload: dict[str, Any]) -> None:
    """Send a message again (a replay): same key, the record as it is now, from the start."""
    message.payload = payload
    message.state = OutboxState.pending
    message.attempts = 0
    message.next_attempt_at = tx.now
    message.claimed_by = message.claimed_until = None
    tx.session.add(message)


def due_query(
    now: datetime, limit: int, *, only_sender: str | None = None
) -> SelectOfScalar[OutboxMessage]:
    """Due messages, oldest first: pending, their time come, nobody's lease running on them,
    and the first of their subject still open (the sender's probe reads it too).
    `only_sender`: the only sender there is (a SQLite server, alone on its file) — a claim of
    any other is one of a sender that died, and counts for nothing."""
    earlier = aliased(OutboxMessage)
    blocked = exists().where(
        col(earlier.channel) == col(OutboxMessage.channel),
        col(earlier.subject) == col(OutboxMessage.subject),
        col(earlier.id) < col(OutboxMessage.id),
        col(earlier.state).in_([s.value for s in OPEN_STATES]),
    )
    return (
        select(OutboxMessage)
        .where(
            OutboxMessage.state == OutboxState.pending,
            col(OutboxMessage.next_attempt_at) <= now,
            or_(
                col(OutboxMessage.claimed_until).is_(None),
                col(OutboxMessage.claimed_until) <= now,
                col(OutboxMessage.claimed_by) != (only_sender or ""),
            )
            if only_sender is not None
            else or_(
                col(OutboxMessage.claimed_until).is_(None),
                col(OutboxMessage.claimed_until) <= now,
            ),
            ~blocked,
        )
        .order_by(col(OutboxMessage.id))
        .limit(limit)
    )


def claim_due(
    tx: Tx, owner: str, lease_s: float, limit: int = 20, *, only_sender: bool = False
) -> list[Claimed]:
    """Claim up to `limit` due messages for `owner` until now + lease_s (`only_sender`: see
    `due_query`)."""
    query = due_query(tx.now, limit, only_sender=owner if only_sender else None)
    if tx.conn.dialect.name == "postgresql":  # another process's claim in flight: skip it
        query = query.with_for_update(skip_locked=True, of=OutboxMessage)
    until = tx.now + timedelta(seconds=lease_s)
    claimed = []
    for message in tx.session.exec(query).all():
        message.claimed_by = owner
        message.claimed_until = until
        tx.session.add(message)
        claimed.append(
            Claimed(
                message.id or 0,
                message.channel,
                message.hall_id,
                message.kind,
                message.key,
                dict(message.payload),
                message.attempts,
            )
        )
    return claimed


def record_answer(
    tx: Tx,
    owner: str,
    message_id: int,
    status: int | None,
    answer: str,
    policy: RetryPolicy,
    *,
    skipped: bool = False,
) -> str:
    """The receiver's answer to one try (status None: no answer). An acknowledgement counts
    while the message is claimed, by the owner or by a sender that took it over when the
    owner's lease ran out (that one's try is a repeat the receiver drops); anything else only
    while the claim is still the owner's. A message a person started over meanwhile (a
    replay, a retry: no claim) goes again whatever this try's answer. Returns its state."""
    message = tx.session.get(OutboxMessage, message_id, populate_existing=True)
    if message is None or message.state != OutboxState.pending:
        return message.state if message is not None else ""
    if message.claimed_by is None:
        return message.state
    message.last_attempt_at = tx.now
    message.last_status = status
    message.last_answer = answer[:ANSWER_CHARS]
    outcome = verdict(status)
    if skipped:
        message.state = OutboxState.skipped
    elif outcome == Verdict.ack:
        message.state = OutboxState.sent
        message.sent_at = tx.now
        message.attempts += 1
    elif message.claimed_by != owner:
        tx.session.add(message)
        return message.state
    else:
        message.attempts += 1
        if outcome == Verdict.reject or policy.gives_up(message.attempts):
            message.state = OutboxState.failed
        else:
            delay = policy.delay(message.attempts)
            message.next_attempt_at = tx.now + timedelta(seconds=delay)
    message.claimed_by = message.claimed_until = None
    tx.session.add(message)
    return message.state


def _to_handle(tx: Tx, actor: StaffActor, message_id: int) -> OutboxMessage:
    message = tx.session.get(OutboxMessage, message_id, populate_existing=True)
    if message is None:
        raise NotFound(text("outbox.not_found", message_id=message_id))
    ensure_hall(actor, message.hall_id)
    if message.state not in OPEN_STATES:
        raise Conflict(text("outbox.not_open", message_id=message_id))
    return message


def retry(tx: Tx, actor: StaffActor, message_id: int) -> OutboxMessage:
    """Send a failed (or waiting) message again now, counting tries from zero."""
    message = _to_handle(tx, actor, message_id)
    message.state = OutboxState.pending
    message.attempts = 0
    message.next_attempt_at = tx.now
    message.claimed_by = message.claimed_until = None  # a try under way does not settle it
    message.handled_by = actor.staff_id
    message.handled_note = text("outbox.retried", staff_no=actor.staff_no)
    tx.session.add(message)
    tx.session.flush()
    return message


def mark(tx: Tx, actor: StaffActor, message_id: int, note: str) -> OutboxMessage:
    """Settle a message by hand (reported another way, or not to be sent): it stops holding
    the messages after it."""
    message = _to_handle(tx, actor, message_id)
    message.state = OutboxState.marked
    message.claimed_by = message.claimed_until = None
    message.handled_by = actor.staff_id
    message.handled_note = note
    tx.session.add(message)
    tx.session.flush()
    return message
