"""Driver-level SQL for the hot paths: issuing, calling, the ticket transitions, the event log.

These statements run on the DBAPI cursor of the writer's own transaction (sqlite3 or psycopg),
so each costs the driver's few microseconds instead of SQLAlchemy's statement execution
(~100 µs of Python per statement on this machine, most of a ticket's writer time; see
docs/benchmarks.md). They are the same statements the Core versions were, in the same
transaction, after the same hall lock (Tx.lock_hall), so nothing changes in what is
committed: values are stored exactly as the SQLAlchemy column types store them (UTC
instants; on SQLite as SQLAlchemy's text format, which sorts in time order).

The statements themselves are in store/hot_sql.py.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime
from operator import attrgetter
from typing import Any, NamedTuple

from sqlalchemy import Connection

from server.store.hot_sql import (
    MUTABLE,
    POSTGRES_SQL,
    SQLITE_SQL,
    TICKET_COLUMNS,
    TIME_COLUMNS,
    queue_heads_sql,
)

# --- values as the SQLAlchemy column types store them -----------------------------------


def db_time(instant: datetime, sqlite: bool) -> Any:
    """A UTC instant as UTCDateTime stores it (naive UTC text on SQLite)."""
    if instant.tzinfo is None:
        raise ValueError("refusing to store a naive datetime")
    if not sqlite:
        return instant.astimezone(UTC)
    u = instant if instant.tzinfo is UTC else instant.astimezone(UTC)
    # "YYYY-MM-DD HH:MM:SS.ffffff", microseconds always written (C, not a Python format)
    return u.replace(tzinfo=None).isoformat(" ", "microseconds")


def from_db_time(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    assert isinstance(value, datetime)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def db_day(day: date, sqlite: bool) -> Any:
    return day.isoformat() if sqlite else day


def from_db_day(value: Any) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value


# --- a ticket row -----------------------------------------------------------------------


@dataclass(slots=True)
class TicketRow:
    """A ticket as a plain record (no ORM state): what the hot paths read and change."""

    id: int
    hall_id: int
    service_id: int
    business_day: date
    sequence: int
    number: str
    priority: str
    source: str
    status: str
    outcome: str | None
    public_token: str
    issued_at: datetime
    entered_queue_at: datetime
    called_at: datetime | None
    last_called_at: datetime | None
    recall_count: int
    serving_started_at: datetime | None
    finished_at: datetime | None
    no_show_count: int
    window_id: int | None
    staff_id: int | None
    origin_ticket_id: int | None
    transferred_to_id: int | None
    device_id: int | None
    request_id: str | None
    appointment_id: int | None
    slot_start: datetime | None
    slot_end: datetime | None
    elderly: bool = False  # taken in the kiosk's 长辈版

    @classmethod
    def from_db(cls, row: tuple[Any, ...]) -> TicketRow:
        """The row of TICKET_COLUMNS (in that order: the fields' order) as a TicketRow."""
        values = list(row[:_WIDTH])
        for index in _TIME_INDEXES:
            values[index] = from_db_time(values[index])
        values[_DAY_INDEX] = from_db_day(values[_DAY_INDEX])
        values[_ELDERLY_INDEX] = bool(values[_ELDERLY_INDEX])  # SQLite: 0 / 1
        return cls(*values)

    def __reduce__(self) -> tuple[type[TicketRow], tuple[Any, ...]]:
        # pickled in every writer process answer: the fields in order, rebuilt by __init__
        # (pickle's default for a slots class goes through copyreg, ~twice the time)
        return TicketRow, _ALL_FIELDS(self)


_WIDTH = len(TICKET_COLUMNS)
_INSERTED = TICKET_COLUMNS[1:]  # every column but the id
_INSERTED_TIMES = tuple(name for name in _INSERTED if name in TIME_COLUMNS)
_TIME_INDEXES = tuple(i for i, name in enumerate(TICKET_COLUMNS) if name in TIME_COLUMNS)
_DAY_INDEX = TICKET_COLUMNS.index("business_day")
_ELDERLY_INDEX = TICKET_COLUMNS.index("elderly")
_ALL_FIELDS = attrgetter(*TICKET_COLUMNS)
if tuple(f.name for f in fields(TicketRow)) != TICKET_COLUMNS:  # from_db passes them by position
    raise AssertionError("TicketRow's fields must be TICKET_COLUMNS, in order")


class FoundTicket(NamedTuple):
    """A ticket as a change finds it (Hot.ticket)."""

    ticket: TicketRow
    window_number: str | None  # of the window it is at (None: at none)
    window_staff: int | None  # signed in at that window
    waiting: int | None  # its service's waiting tickets that day (None: no counter row)


# json.dumps(data, ensure_ascii=False, separators=(",", ":")), without building an encoder
# on every call
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def encode_json(data: dict[str, Any]) -> str:
    return _ENCODER.encode(data)


class Hot:
    """The hot statements on the DBAPI connection of one transaction."""

    __slots__ = ("_cursor", "_sql", "sqlite")

    def __init__(self, conn: Connection) -> None:
        self.sqlite = conn.dialect.name == "sqlite"
        self._sql = SQLITE_SQL if self.sqlite else POSTGRES_SQL
        driver = conn.connection.driver_connection
        assert driver is not None
        self._cursor = driver.cursor()

    def one(self, name: str, params: dict[str, Any]) -> tuple[Any, ...] | None:
        cursor = self._cursor
        cursor.execute(self._sql[name], params)
        row: tuple[Any, ...] | None = cursor.fetchone()
        if row is not None and self.sqlite:
            cursor.fetchall()  # finish the statement (RETURNING rows are read to the end)
        return row

    def all(self, name: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
        cursor = self._cursor
        cursor.execute(self._sql[name], params)
        rows: list[tuple[Any, ...]] = cursor.fetchall()
        return rows

    def run(self, name: str, params: dict[str, Any]) -> None:
        self._cursor.execute(self._sql[name], params)

    def time(self, instant: datetime) -> Any:
        return db_time(instant, self.sqlite)

    def day(self, day: date) -> Any:
        return db_day(day, self.sqlite)

    # --- statements with their values -----------------------------------------------------

    def next_seq(self, hall_id: int) -> int:
        row = self.one("next_seq", {"hall_id": hall_id})
        assert row is not None
        return int(row[0])

    def insert_event(self, hall_id: int, seq: int, type_: str, at: datetime, data: str) -> None:
        """Append an event; `data` is its JSON text (encode_json)."""
        self.run(
            "insert_event",
            {"hall_id": hall_id, "seq": seq, "type": type_, "at": self.time(at), "data": data},
        )

    def notify(self, hall_id: int) -> None:
        self.one("notify", {"payload": str(hall_id)})

    def ticket(self, ticket_id: int) -> FoundTicket | None:
        row = self.one("ticket", {"id": ticket_id})
        if row is None:
            return None
        n = _WIDTH
        waiting = row[n + 2]
        return FoundTicket(
            TicketRow.from_db(row), row[n], row[n + 1], None if waiting is None else int(waiting)
        )

    def ticket_by_request(self, device_id: int, request_id: str) -> TicketRow | None:
        """The ticket a kiosk already took with this idempotency key, if any."""
        row = self.one("ticket_by_request", {"device_id": device_id, "request_id": request_id})
        return TicketRow.from_db(row) if row is not None else None

    def update_ticket(self, ticket: TicketRow) -> None:
        params: dict[str, Any] = {c: getattr(ticket, c) for c in MUTABLE}
        for name in TIME_COLUMNS.intersection(MUTABLE):
            if params[name] is not None:
                params[name] = self.time(params[name])
        params["id"] = ticket.id
        self.run("update_ticket", params)

    def insert_ticket(self, values: dict[str, Any]) -> int:
        params: dict[str, Any] = dict.fromkeys(_INSERTED)  # a column not given is NULL
        params.update(values)
        for name in _INSERTED_TIMES:
            instant = params[name]
            if instant is not None:
                params[name] = self.time(instant)
        params["business_day"] = self.day(params["business_day"])
        row = self.one("insert_ticket", params)
        assert row is not None
        return int(row[0])

    def queue_heads(self, service_ids: list[int], day: date) -> list[TicketRow]:
        """The first waiting ticket of each of the services for each priority (green
        channel, normal walk-ins) and the first appointment ticket in slot order: at most
        three a service, in one statement."""
        if not service_ids:
            return []
        sql = queue_heads_sql(len(service_ids), self.sqlite)
        params: dict[str, Any] = {f"s{i}": service_id for i, service_id in enumerate(service_ids)}
        params["day"] = self.day(day)
        self._cursor.execute(sql, params)
        return [TicketRow.from_db(row) for row in self._cursor.fetchall()]

    def window_to_call(
        self, window_id: int
    ) -> tuple[int, str, str, int | None, str | None, list[int]] | None:
        """(hall, number, state, signed-in staff, number of the ticket called or served
        there or None, its services by rank) of the window; None when there is no such
        window."""
        rows = self.all("window_to_call", {"id": window_id})
        if not rows:
            return None
        hall_id, number, state, staff_id, busy = rows[0][:5]
        ranked = sorted((int(r[6]), int(r[5])) for r in rows if r[5] is not None)
        return int(hall_id), str(number), str(state), staff_id, busy, [s for _, s in ranked]

    def waiting(self, service_id: int, day: date) -> int:
        """The service's waiting tickets that day (its counter; counted when it has none)."""
        params = {"service_id": service_id, "day": self.day(day)}
        row = self.one("counter_get", params)
        if row is None:
            row = self.one("queue_count", params)
            assert row is not None
        return int(row[0])

    def add_waiting(self, service_id: int, day: date, delta: int, green: bool) -> int:
        """Move the service's waiting count by `delta` (a ticket entered or left the queue);
        the count after it."""
        params = {"service_id": service_id, "day": self.day(day)}
        row = self.one(
            "counter_add", {**params, "delta": delta, "green_delta": delta if green else 0}
        )
        if row is None:  # no counter row for that day: count
            row = self.one("queue_count", params)
            assert row is not None
        return int(row[0])
