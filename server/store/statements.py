"""Prebuilt statements for the hot paths (issuing, calling, the event log).

Built once with bind parameters, so each execution skips statement construction and
cache-key generation; executed on the Core connection, so no ORM bookkeeping either.
This is what lets one writer thread keep up with many kiosks at once.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, bindparam, case, func, insert, select, text, update
from sqlalchemy.dialects import postgresql, sqlite

from server.store.tables import Event, Hall, Ticket, TicketCounter, Window


def _table(model: Any) -> Table:
    table: Table = model.__table__
    return table


TICKET = _table(Ticket)
HALL = _table(Hall)
EVENT = _table(Event)
COUNTER = _table(TicketCounter)
WINDOW = _table(Window)

QUEUE_COUNTS = select(
    func.count(),
    func.coalesce(func.sum(case((TICKET.c.priority != "normal", 1), else_=0)), 0),
).where(
    TICKET.c.service_id == bindparam("service_id"),
    TICKET.c.business_day == bindparam("day"),
    TICKET.c.status == "waiting",
)

NEXT_SEQ = (
    update(HALL)
    .where(HALL.c.id == bindparam("hall_id"))
    .values(last_seq=HALL.c.last_seq + 1)
    .returning(HALL.c.last_seq)
)

INSERT_EVENT = insert(EVENT)

# The hall row is the lock every change of a hall takes first (see Tx.lock_hall). FOR NO KEY
# UPDATE: the same lock the event counter's UPDATE takes, and no conflict with the key-share
# locks that foreign-key checks take when rows of the hall are inserted.
LOCK_HALL = (
    select(HALL.c.id).where(HALL.c.id == bindparam("hall_id")).with_for_update(key_share=True)
)
# A waiting lock times out instead of waiting for the deadlock detector (1 s by default).
SHORT_LOCK_TIMEOUT = text("SET LOCAL lock_timeout = '200ms'")
DEFAULT_LOCK_TIMEOUT = text("SET LOCAL lock_timeout TO DEFAULT")
HALL_OF_TICKET = select(TICKET.c.hall_id).where(TICKET.c.id == bindparam("id"))
HALL_OF_WINDOW = select(WINDOW.c.hall_id).where(WINDOW.c.id == bindparam("id"))

NOTIFY = text("SELECT pg_notify('govqueue_events', :payload)")

# A device revoked or a staff account changed (payload "device:ID" / "staff:ID"): every
# server process empties its access caches and closes the live connections (server/access.py).
REVOCATION_CHANNEL = "govqueue_revocations"
NOTIFY_REVOCATION = text(f"SELECT pg_notify('{REVOCATION_CHANNEL}', :payload)")

INSERT_TICKET = insert(TICKET).returning(TICKET.c.id)


def _next_number(dialect: Any) -> Any:
    """(the next number, tickets counted against the limit): `counted` is 1 for a ticket
    taken at a kiosk or by staff, 0 for one created by a transfer."""
    stmt = dialect.insert(COUNTER).values(
        service_id=bindparam("service_id"),
        business_day=bindparam("day"),
        last_number=1,
        issued=bindparam("counted"),
    )
    return stmt.on_conflict_do_update(
        index_elements=[COUNTER.c.service_id, COUNTER.c.business_day],
        set_={
            "last_number": COUNTER.c.last_number + 1,
            "issued": COUNTER.c.issued + stmt.excluded.issued,
        },
    ).returning(COUNTER.c.last_number, COUNTER.c.issued)


NEXT_NUMBER = {"sqlite": _next_number(sqlite), "postgresql": _next_number(postgresql)}
