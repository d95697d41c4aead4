"""The SQL of the hot paths (store/hot.py runs it on the driver's cursor).

Written once with `:name` parameters (sqlite3's named style) and turned into psycopg's
`%(name)s` for PostgreSQL.
"""

from __future__ import annotations

import functools
import re

from server.domain.enums import Priority

TICKET_COLUMNS = (
    "id",
    "hall_id",
    "service_id",
    "business_day",
    "sequence",
    "number",
    "priority",
    "source",
    "status",
    "outcome",
    "public_token",
    "issued_at",
    "entered_queue_at",
    "called_at",
    "last_called_at",
    "recall_count",
    "serving_started_at",
    "finished_at",
    "no_show_count",
    "window_id",
    "staff_id",
    "origin_ticket_id",
    "transferred_to_id",
    "device_id",
    "request_id",
    "appointment_id",
    "slot_start",
    "slot_end",
    "elderly",
)
TIME_COLUMNS = frozenset(
    {"issued_at", "entered_queue_at", "called_at", "last_called_at", "serving_started_at",
     "finished_at", "slot_start", "slot_end"}
)  # fmt: skip
# the columns a transition may change (one UPDATE writes them all)
MUTABLE = (
    "status",
    "outcome",
    "called_at",
    "last_called_at",
    "recall_count",
    "serving_started_at",
    "finished_at",
    "no_show_count",
    "window_id",
    "staff_id",
    "transferred_to_id",
)


def _select_ticket(alias: str = "") -> str:
    prefix = f"{alias}." if alias else ""
    return ", ".join(prefix + c for c in TICKET_COLUMNS)


# --- the statements ---------------------------------------------------------------------

SQL: dict[str, str] = {
    # (the next number, counted against the limit, waiting, priority waiting) after this ticket
    "next_number": """
        INSERT INTO ticketcounter
            (service_id, business_day, last_number, issued, waiting, priority_waiting)
        VALUES (:service_id, :day, 1, :counted, 1, :green)
        ON CONFLICT (service_id, business_day) DO UPDATE SET
            last_number = ticketcounter.last_number + 1,
            issued = ticketcounter.issued + excluded.issued,
            waiting = ticketcounter.waiting + 1,
            priority_waiting = ticketcounter.priority_waiting + excluded.priority_waiting
        RETURNING last_number, issued, waiting, priority_waiting""",
    "insert_ticket": f"""
        INSERT INTO ticket ({", ".join(TICKET_COLUMNS[1:])})
        VALUES ({", ".join(":" + c for c in TICKET_COLUMNS[1:])})
        RETURNING id""",
    "counter_add": """
        UPDATE ticketcounter SET
            waiting = waiting + :delta,
            priority_waiting = priority_waiting + :green_delta
        WHERE service_id = :service_id AND business_day = :day
        RETURNING waiting""",
    "counter_get": """
        SELECT waiting, priority_waiting FROM ticketcounter
        WHERE service_id = :service_id AND business_day = :day""",
    # counted, only for a day whose counter row is missing (tickets written by other means)
    "queue_count": """
        SELECT count(*) FROM ticket
        WHERE service_id = :service_id AND business_day = :day AND status = 'waiting'""",
    "next_seq": "UPDATE hall SET last_seq = last_seq + 1 WHERE id = :hall_id RETURNING last_seq",
    "insert_event": """
        INSERT INTO event (hall_id, seq, type, at, data)
        VALUES (:hall_id, :seq, :type, :at, :data)""",
    "notify": "SELECT pg_notify('govqueue_events', :payload)",
    "hall_of_ticket": "SELECT hall_id FROM ticket WHERE id = :id",
    # the ticket a kiosk already took with this idempotency key (ux_ticket_device_request)
    "ticket_by_request": f"""
        SELECT {_select_ticket()} FROM ticket
        WHERE device_id = :device_id AND request_id = :request_id""",
    # the ticket, its window's number and signed-in staff, and its service's waiting count
    # that day (NULL when the day has no counter row)
    "ticket": f"""
        SELECT {_select_ticket("t")}, w.number, w.staff_id, c.waiting
        FROM ticket t LEFT JOIN "window" w ON w.id = t.window_id
        LEFT JOIN ticketcounter c
          ON c.service_id = t.service_id AND c.business_day = t.business_day
        WHERE t.id = :id""",
    "update_ticket": f"""
        UPDATE ticket SET {", ".join(f"{c} = :{c}" for c in MUTABLE)}
        WHERE id = :id""",
    "window": 'SELECT hall_id, number, state, staff_id FROM "window" WHERE id = :id',
    # what call-next needs of the window in one statement: the window, the number of a ticket
    # still called or served there (if any), and its services with their rank (a row each)
    "window_to_call": """
        SELECT w.hall_id, w.number, w.state, w.staff_id,
            (SELECT t.number FROM ticket t
             WHERE t.window_id = w.id AND t.status IN ('called', 'serving') LIMIT 1),
            ws.service_id, ws.rank
        FROM "window" w LEFT JOIN windowservice ws ON ws.window_id = w.id
        WHERE w.id = :id""",
}


@functools.lru_cache(maxsize=64)
def queue_heads_sql(services: int, sqlite: bool) -> str:
    """The heads of several services' queues in one statement (services :s0, :s1, …),
    joined by UNION ALL: per service the first of each priority in queue order, walk-ins
    only for the normal one, and the first appointment ticket in slot order. Each is an
    equality on the leading columns of ix_ticket_queue (or of the partial
    ix_ticket_appointment_queue) and its order, so one index probe however long the queue
    is (`priority != 'normal'` walked every waiting ticket of the service); the normal
    probe steps over the appointment tickets that entered before the first walk-in."""
    lanes = [
        (f"priority = '{p.value}'" + (" AND slot_start IS NULL" if p == Priority.normal else ""),
         "entered_queue_at, id")
        for p in Priority
    ] + [("slot_start IS NOT NULL", "slot_start, id")]  # fmt: skip
    parts = [
        f"""SELECT * FROM (
            SELECT {_select_ticket()} FROM ticket
            WHERE service_id = :s{i} AND business_day = :day AND status = 'waiting'
              AND {where}
            ORDER BY {order} LIMIT 1) AS h{i}_{n}"""
        for i in range(services)
        for n, (where, order) in enumerate(lanes)
    ]
    sql = " UNION ALL ".join(parts)
    return " ".join((sql if sqlite else _for_postgres("queue_heads", sql)).split())


# PostgreSQL only: the event's data into its JSON column
_POSTGRES_EDITS = {"insert_event": (":data)", "CAST(:data AS json))")}


def _for_postgres(name: str, sql: str) -> str:
    if name in _POSTGRES_EDITS:
        old, new = _POSTGRES_EDITS[name]
        sql = sql.replace(old, new)
    return re.sub(r"(?<!:):([a-z_][a-z0-9_]*)", r"%(\1)s", sql)


SQLITE_SQL = {name: " ".join(sql.split()) for name, sql in SQL.items()}
POSTGRES_SQL = {name: " ".join(_for_postgres(name, sql).split()) for name, sql in SQL.items()}
