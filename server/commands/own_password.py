"""A staff member changes their own password (POST /api/v1/auth/password).

The route checks the old password and hashes the new one before the writer (argon2 takes
~0.15 s; inside a job it would hold up every write of the hall), then this job stores it:
only if the password is still the one that was checked, so two changes at once cannot both
pass on the same old password. The account's earlier sessions end (a new token is issued to
the caller by the route; the console's current cookie session goes on, its others end) and
`must_change_password` is cleared: a first password, once changed, is the person's own.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, select

from client.events import StaffUpdated
from server.commands.admin import _notify_revocation as notify_revocation
from server.commands.console_sessions import token_hash
from server.domain.errors import Conflict
from server.domain.texts import text
from server.security import HashedPassword
from server.store import lookups
from server.store.tables import ConsoleSession, Staff
from server.store.transaction import Tx

audit = logging.getLogger("govqueue.audit")


@dataclass(frozen=True)
class Changed:
    """The account after its new password: exactly the claims of its next access token
    (POST /auth/password issues it with `issue_access_token(secret, **asdict(changed), …)`)."""

    staff_id: int
    staff_no: str
    name: str
    role: str
    hall_id: int | None
    token_version: int


def change_own_password(
    tx: Tx,
    staff_id: int,
    checked_hash: str,
    new: HashedPassword,
    keep_session: str | None,
    now: datetime,
) -> Changed:
    """Store the account's new password, if its password is still `checked_hash` (the one the
    caller proved to know). `keep_session`: the console session making the change (its token),
    which stays signed in; every other session and token of the account ends."""
    staff = lookups.get_or_404(tx.session, Staff, staff_id, "staff.not_found", staff_id=staff_id)
    if staff.hall_id is not None:
        tx.lock_hall(staff.hall_id)  # before any change: one lock order
    if staff.password_hash != checked_hash:
        raise Conflict(text("password.changed_meanwhile"), code="password_changed_meanwhile")
    staff.password_hash = new.value
    staff.must_change_password = False
    staff.token_version += 1
    tx.session.add(staff)
    others = select(ConsoleSession).where(
        ConsoleSession.staff_id == staff_id, col(ConsoleSession.ended_at).is_(None)
    )
    kept = token_hash(keep_session) if keep_session else None
    for session in tx.session.exec(others).all():
        if session.token_hash != kept:
            session.ended_at = now
            tx.session.add(session)
    tx.session.flush()
    notify_revocation(tx, "staff", staff_id)
    event = StaffUpdated(
        staff_id=staff_id,
        staff_no=staff.staff_no,
        name=staff.name,
        role=staff.role,
        active=staff.active,
        changed=["password"],
        by_staff_id=staff_id,
        by_staff_no=staff.staff_no,
    )
    if staff.hall_id is not None:
        tx.emit(staff.hall_id, event)
    else:  # a deployment-wide account belongs to no hall's log
        audit.info("staff.updated %s", event.model_dump_json())
    return Changed(
        staff_id, staff.staff_no, staff.name, staff.role, staff.hall_id, staff.token_version
    )
