"""SQL building blocks shared by the statistics queries, for SQLite and PostgreSQL.

SQLite stores instants as naive UTC text (see server/store/types.py), PostgreSQL as
timestamptz; durations and local hours are computed in the database on both.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import BigInteger, Integer, Select, Table, case, cast, func, literal
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement

from server.store.tables import (
    Appeal,
    Complaint,
    Evaluation,
    Event,
    Hall,
    Rectification,
    ReRating,
    Service,
    Staff,
    Ticket,
    Window,
)
from server.store.types import UTCDateTime


def _table(model: Any) -> Table:
    table: Table = model.__table__
    return table


TICKET = _table(Ticket)
APPEAL = _table(Appeal)
RE_RATING = _table(ReRating)
SERVICE = _table(Service)
WINDOW = _table(Window)
STAFF = _table(Staff)
HALL = _table(Hall)
EVALUATION = _table(Evaluation)
RECTIFICATION = _table(Rectification)
COMPLAINT = _table(Complaint)
EVENT = _table(Event)


class unindexed(FunctionElement[Any]):
    """The column's value, barred from index use on SQLite (unary +): steers SQLite's
    planner, which has no statistics on a live database, to a better index of another
    table. Plain on PostgreSQL (its planner has statistics)."""

    inherit_cache = True

    def __init__(self, column: Any) -> None:
        super().__init__(column)
        self.type = column.type


@compiles(unindexed)
def _unindexed(element: unindexed, compiler: Any, **kw: Any) -> str:
    return str(compiler.process(element.clauses, **kw))


@compiles(unindexed, "sqlite")
def _unindexed_sqlite(element: unindexed, compiler: Any, **kw: Any) -> str:
    return "+" + str(compiler.process(element.clauses, **kw))


def instant(value: datetime) -> ColumnElement[Any]:
    """A bound instant, stored the way the columns store them."""
    return literal(value, UTCDateTime())


def seconds_between(dialect: str, start: Any, end: Any) -> ColumnElement[Any]:
    """Whole seconds from `start` to `end` (NULL if either is NULL), rounded like the API."""
    if dialect == "sqlite":
        raw = (func.julianday(end) - func.julianday(start)) * 86400.0
        return cast(func.round(raw), Integer)
    return cast(func.round(func.extract("epoch", end - start)), BigInteger)


def epoch_seconds(dialect: str, column: Any) -> ColumnElement[Any]:
    """Whole seconds since 1970-01-01 UTC, rounded down."""
    if dialect == "sqlite":
        return cast(func.strftime("%s", column), Integer)
    return cast(func.floor(func.extract("epoch", column)), BigInteger)


def offset_segments(zone: ZoneInfo, start: datetime, end: datetime) -> list[tuple[datetime, int]]:
    """(from instant, UTC offset in seconds) for each stretch of constant offset in [start, end)."""
    segments: list[tuple[datetime, int]] = []
    cursor = start
    step = timedelta(hours=1)
    while cursor < end + step:
        offset = cursor.astimezone(zone).utcoffset()
        seconds = int(offset.total_seconds()) if offset else 0
        if not segments or segments[-1][1] != seconds:
            segments.append((cursor.astimezone(UTC), seconds))
        cursor += step
    return segments


def local_hour(
    dialect: str, column: Any, zone: ZoneInfo, start: datetime, end: datetime
) -> ColumnElement[Any]:
    """The hour of day (0–23) of `column` in `zone`, as an integer expression."""
    epoch = epoch_seconds(dialect, column)
    segments = offset_segments(zone, start, end)

    def hour(offset: int) -> ColumnElement[Any]:
        return ((epoch + offset) // 3600) % 24

    if len(segments) == 1:
        return hour(segments[0][1])
    whens = [
        (column < instant(until), hour(offset))
        for (_, offset), (until, _) in itertools.pairwise(segments)
    ]
    return case(*whens, else_=hour(segments[-1][1]))


def _sqlite_offset(column: Any, zone: ZoneInfo, start: datetime, end: datetime) -> Any:
    segments = offset_segments(zone, start, end)
    if len(segments) == 1:
        return literal(segments[0][1])
    whens = [
        (column < instant(until), offset)
        for (_, offset), (until, _) in itertools.pairwise(segments)
    ]
    return case(*whens, else_=segments[-1][1])


def _sqlite_modifier(column: Any, zone: ZoneInfo, start: datetime, end: datetime) -> Any:
    """The date-function modifier '+N seconds' that turns `column` into local time."""
    segments = offset_segments(zone, start, end)
    if len(segments) == 1:
        return literal(f"{segments[0][1]:+d} seconds")
    whens = [
        (column < instant(until), f"{offset:+d} seconds")
        for (_, offset), (until, _) in itertools.pairwise(segments)
    ]
    return case(*whens, else_=f"{segments[-1][1]:+d} seconds")


EXCEL_EPOCH_JULIAN = 2415018.5  # julianday('1899-12-30'), day 0 of Excel's 1900 date system
EXCEL_EPOCH_UNIX_DAYS = 25569  # 1970-01-01 as an Excel serial


def local_time_text(
    dialect: str, column: Any, zone: ZoneInfo, start: datetime, end: datetime
) -> ColumnElement[Any]:
    """`column` as 'YYYY-MM-DD HH:MM:SS' in `zone` (NULL stays NULL), formatted by the database."""
    if dialect == "sqlite":
        return func.datetime(column, _sqlite_modifier(column, zone, start, end))
    return func.to_char(func.timezone(zone.key, column), "YYYY-MM-DD HH24:MI:SS")


def local_time_serial(
    dialect: str, column: Any, zone: ZoneInfo, start: datetime, end: datetime
) -> ColumnElement[Any]:
    """`column` as an Excel date serial (days since 1899-12-30) in `zone`."""
    if dialect == "sqlite":
        offset = _sqlite_offset(column, zone, start, end)
        serial: ColumnElement[Any] = func.julianday(column) - EXCEL_EPOCH_JULIAN + offset / 86400.0
        return serial
    local = func.timezone(zone.key, column)
    return func.extract("epoch", local) / 86400.0 + EXCEL_EPOCH_UNIX_DAYS


S = TypeVar("S", bound=Select[Any])


def of_halls(query: S, column: ColumnElement[Any], hall_ids: tuple[int, ...] | None) -> S:
    """`query` limited to the rows whose `column` is one of `hall_ids` (None: every hall)."""
    return query if hall_ids is None else query.where(column.in_(hall_ids))
