"""The web console's sessions as writes: a sign-in stores the SHA-256 of a new random token
(never the token), a sign-out marks its row ended (server/auth/console_session.py is the cookie
side)."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import select

from server.store.tables import ConsoleSession
from server.store.transaction import Tx


@dataclass(frozen=True)
class SignedIn:
    token: str
    expires_at: datetime


def token_hash(token: str) -> str:
    """What is stored of a session token: its SHA-256, in hex."""
    return hashlib.sha256(token.encode()).hexdigest()


def start(tx: Tx, staff_id: int, hours: float, now: datetime) -> SignedIn:
    """A new session of `hours` for the staff member: its token, shown to the browser once."""
    token = secrets.token_urlsafe(32)
    expires = now + timedelta(hours=hours)
    tx.session.add(
        ConsoleSession(
            token_hash=token_hash(token), staff_id=staff_id, created_at=now, expires_at=expires
        )
    )
    tx.session.flush()
    return SignedIn(token, expires)


def end(tx: Tx, token: str, now: datetime) -> None:
    """End the session at `now` (an ended or unknown one stays as it is)."""
    row = tx.session.exec(
        select(ConsoleSession).where(ConsoleSession.token_hash == token_hash(token))
    ).first()
    if row is not None and row.ended_at is None:
        row.ended_at = now
        tx.session.add(row)
