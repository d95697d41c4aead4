"""Prebuilt Core statements: queue counts, the hall lock, hall lookups, notifications.

Built once with bind parameters, so each execution skips statement construction and
cache-key generation. The statements run for every ticket (issuing, calling, the
transitions, the event log) are driver-level SQL in hot.py.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, bindparam, case, func, select, text

from server.store.tables import Hall, Ticket, TicketCase, TicketCounter, Window


def _table(model: Any) -> Table:
    table: Table = model.__table__
    return table


TICKET = _table(Ticket)
HALL = _table(Hall)
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

# The earliest entry into one priority's queue of a service: with the priority fixed, the
# queue index (service_id, business_day, status, priority, entered_queue_at, id) answers it
# with one probe, however many wait (a GROUP BY over the waiting tickets scanned them all,
# on the writer, once a second for queue.counts).
OLDEST_WAITING = select(func.min(TICKET.c.entered_queue_at)).where(
    TICKET.c.service_id == bindparam("service_id"),
    TICKET.c.business_day == bindparam("day"),
    TICKET.c.status == "waiting",
    TICKET.c.priority == bindparam("priority"),
)

COUNTER_WAITING = select(COUNTER.c.waiting, COUNTER.c.priority_waiting).where(
    COUNTER.c.service_id == bindparam("service_id"),
    COUNTER.c.business_day == bindparam("day"),
)

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
CASE = _table(TicketCase)
# has a ticket a 办件编号? (a hall that requires one at 办结: one probe of its unique index)
HAS_CASE = select(CASE.c.id).where(CASE.c.ticket_id == bindparam("ticket_id")).limit(1)
HALL_OF_WINDOW = select(WINDOW.c.hall_id).where(WINDOW.c.id == bindparam("id"))

# A device revoked or a staff account changed (payload "device:ID" / "staff:ID"): every
# server process empties its access caches and closes the live connections (server/access.py).
REVOCATION_CHANNEL = "govqueue_revocations"
NOTIFY_REVOCATION = text(f"SELECT pg_notify('{REVOCATION_CHANNEL}', :payload)")
