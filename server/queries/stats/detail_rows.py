"""The 明细 of an export, each row rendered by the database: a CSV line, or the `<row>` XML of
an XLSX sheet. Millions of rows cost no per-cell Python work: the database formats the
numbers, times and codes in C, Python adds the names (hall, service, window, staff: few,
escaped once in Python) and, for XLSX, the row number. A row comes back as four pieces
around those names (`RowPieces`); `ROW_MARK` stands for the row number.

Columns: server/exports/layout.py TICKET_COLUMNS, in that order (A … AA).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import String, and_, case, cast, literal, select
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session

from server.domain.calendar import day_bounds
from server.domain.enums import TicketStatus
from server.queries.stats.sql import (
    APPEAL,
    EVALUATION,
    SERVICE,
    TICKET,
    local_time_serial,
    local_time_text,
    seconds_between,
)

ROW_MARK = "@"  # the row number in XLSX pieces; "@" in any text is written as &#64;


@dataclass(frozen=True)
class Style:
    """How one kind of value is written: XLSX style index (0: none)."""

    time: int
    number: int


@dataclass(frozen=True)
class Codes:
    """Chinese for the coded columns: status, outcome, priority, source (value → text)."""

    status: dict[str, str]
    outcome: dict[str, str]
    priority: dict[str, str]
    source: dict[str, str]
    appeal: dict[str, str]  # 申诉 of the rating


def _text(x: Any) -> ColumnElement[Any]:
    return cast(x, String)


def _join(parts: Sequence[Any]) -> ColumnElement[Any]:
    pieces = [p if isinstance(p, ColumnElement) else literal(p, String) for p in parts]
    return functools.reduce(lambda a, b: a.concat(b), pieces)


def _coded(column: Any, texts: dict[str, str]) -> ColumnElement[Any]:
    return case(
        *((column == value, literal(t, String)) for value, t in texts.items()), else_=column
    )


def _xml_escape(x: Any) -> ColumnElement[Any]:
    from sqlalchemy import func

    escaped = func.replace(func.replace(func.replace(x, "&", "&amp;"), "<", "&lt;"), ">", "&gt;")
    return func.replace(escaped, ROW_MARK, "&#64;")


class _Cells:
    """XLSX cells: numbers and inline strings; NULL leaves the cell out."""

    def __init__(self, style: Style) -> None:
        self.style = style

    def number(self, letter: str, x: Any, styled: int = 0) -> ColumnElement[Any]:
        s = f' s="{styled}"' if styled else ""
        return case(
            (x.is_(None), literal("", String)),
            else_=_join([f'<c r="{letter}{ROW_MARK}"{s}><v>', _text(x), "</v></c>"]),
        )

    def text(self, letter: str, x: Any) -> ColumnElement[Any]:
        return case(
            (x.is_(None), literal("", String)),
            else_=_join([f'<c r="{letter}{ROW_MARK}" t="inlineStr"><is><t>', x, "</t></is></c>"]),
        )


def _csv_quote(dialect: str, x: Any) -> ColumnElement[Any]:
    """A text field the CSV way (quoted only when it holds a comma, quote or line break)."""
    from sqlalchemy import func

    find = func.instr if dialect == "sqlite" else func.strpos
    special = [find(x, ch) > 0 for ch in (",", '"', "\n", "\r")]
    from sqlalchemy import or_

    return case(
        (or_(*special), _join(['"', func.replace(x, '"', '""'), '"'])),
        else_=x,
    )


def _columns(dialect: str, zone: ZoneInfo, start: date, end: date) -> dict[str, Any]:
    from sqlalchemy import func

    t, e = TICKET.c, EVALUATION.c
    # a ticket's wait counts from when it first joined the queue (扫码过号重排 moves its place)
    joined = func.coalesce(t.first_entered_queue_at, t.entered_queue_at)
    target = aliased(TICKET, name="target")
    done = t.status == TicketStatus.done.value
    lo, hi = day_bounds(start, zone)[0], day_bounds(end, zone)[1]
    return {
        "target": target,
        "ticket_id": t.id,
        "business_day": t.business_day,
        "number": t.number,
        "priority": t.priority,
        "source": t.source,
        "status": t.status,
        "outcome": t.outcome,
        "times": {
            name: column
            for name, column in (
                ("issued_at", t.issued_at),
                ("called_at", t.called_at),
                ("serving_started_at", t.serving_started_at),
                ("finished_at", t.finished_at),
                ("evaluated_at", e.created_at),
                ("slot_start", t.slot_start),
            )
        },
        "serial": lambda c: local_time_serial(dialect, c, zone, lo, hi),
        "local": lambda c: local_time_text(dialect, c, zone, lo, hi),
        "wait_s": seconds_between(dialect, joined, t.called_at),
        "walk_s": seconds_between(dialect, t.called_at, t.serving_started_at),
        "handle_s": case((done, seconds_between(dialect, t.serving_started_at, t.finished_at))),
        "total_s": case((done, seconds_between(dialect, joined, t.finished_at))),
        "target_wait_min": SERVICE.c.target_wait_minutes,
        "target_handle_min": SERVICE.c.target_handle_minutes,
        "recall_count": t.recall_count,
        "no_show_count": t.no_show_count,
        "transferred_to": target.c.number,
        "evaluation_level": e.level,
        "appeal": APPEAL.c.state,
    }


def _pieces_query(
    dialect: str,
    hall_ids: tuple[int, ...] | None,
    start: date,
    end: date,
    zone: ZoneInfo,
    render: Callable[[dict[str, Any]], tuple[Any, Any, Any, Any]],
) -> Any:
    t, e = TICKET.c, EVALUATION.c
    c = _columns(dialect, zone, start, end)
    one, two, three, four = render(c)
    period = and_(t.business_day >= start, t.business_day <= end)
    where = period if hall_ids is None else and_(t.hall_id.in_(hall_ids), period)
    target = c["target"]
    source = (
        TICKET.join(SERVICE, SERVICE.c.id == t.service_id)
        .outerjoin(target, target.c.id == t.transferred_to_id)
        .outerjoin(EVALUATION, e.ticket_id == t.id)
        .outerjoin(APPEAL, APPEAL.c.evaluation_id == e.id)
    )
    return (
        select(
            one.label("a"),
            t.hall_id,
            two.label("b"),
            t.service_id,
            three.label("c"),
            t.window_id,
            t.staff_id,
            four.label("d"),
        )
        .select_from(source)
        .where(where)
        .order_by(t.business_day, t.issued_at, t.id)
    )


def xlsx_pieces(dialect: str, codes: Codes, style: Style) -> Callable[[dict[str, Any]], Any]:
    """XLSX: A-B | hall C | D | service E | F-S | window T, staff U-V | W-AB."""
    cells = _Cells(style)

    def render(c: dict[str, Any]) -> tuple[Any, Any, Any, Any]:
        serial, times = c["serial"], c["times"]
        one = _join(
            [
                cells.number("A", c["ticket_id"], style.number),
                cells.text("B", _text(c["business_day"])),
            ]
        )
        two = cells.text("D", _xml_escape(c["number"]))
        three = _join(
            [
                cells.text("F", _coded(c["priority"], codes.priority)),
                cells.text("G", _coded(c["source"], codes.source)),
                cells.text("H", _coded(c["status"], codes.status)),
                cells.text("I", _coded(c["outcome"], codes.outcome)),
                cells.number("J", serial(times["issued_at"]), style.time),
                cells.number("K", serial(times["called_at"]), style.time),
                cells.number("L", serial(times["serving_started_at"]), style.time),
                cells.number("M", serial(times["finished_at"]), style.time),
                cells.number("N", c["wait_s"], style.number),
                cells.number("O", c["walk_s"], style.number),
                cells.number("P", c["handle_s"], style.number),
                cells.number("Q", c["total_s"], style.number),
                cells.number("R", c["target_wait_min"], style.number),
                cells.number("S", c["target_handle_min"], style.number),
            ]
        )
        four = _join(
            [
                cells.number("W", c["recall_count"], style.number),
                cells.number("X", c["no_show_count"], style.number),
                cells.text("Y", _xml_escape(c["transferred_to"])),
                cells.number("Z", c["evaluation_level"], style.number),
                cells.number("AA", serial(times["evaluated_at"]), style.time),
                cells.number("AB", serial(times["slot_start"]), style.time),
                cells.text("AC", _coded(c["appeal"], codes.appeal)),
            ]
        )
        return one, two, three, four

    return render


def csv_pieces(dialect: str, codes: Codes) -> Callable[[dict[str, Any]], Any]:
    """CSV: ticket,day, | hall | ,number, | service | ,priority … target, | window,staff_no,
    staff_name | ,recall … evaluated_at — the names' fields include their commas. Each piece
    is one printf/format call (NULL prints as nothing): a quarter of the cost of `||`."""
    from sqlalchemy import func

    printf = func.printf if dialect == "sqlite" else func.format

    def line(template: str, *values: Any) -> ColumnElement[Any]:
        return printf(template, *values)

    def render(c: dict[str, Any]) -> tuple[Any, Any, Any, Any]:
        local, times = c["local"], c["times"]
        one = line("%s,%s,", c["ticket_id"], _text(c["business_day"]))
        two = line(",%s,", _csv_quote(dialect, c["number"]))
        middle = [
            _coded(c["priority"], codes.priority),
            _coded(c["source"], codes.source),
            _coded(c["status"], codes.status),
            _coded(c["outcome"], codes.outcome),
            local(times["issued_at"]),
            local(times["called_at"]),
            local(times["serving_started_at"]),
            local(times["finished_at"]),
            c["wait_s"],
            c["walk_s"],
            c["handle_s"],
            c["total_s"],
            c["target_wait_min"],
            c["target_handle_min"],
        ]
        three = line("," + "%s," * len(middle), *middle)
        last = [
            c["recall_count"],
            c["no_show_count"],
            _csv_quote(dialect, c["transferred_to"]),
            c["evaluation_level"],
            local(times["evaluated_at"]),
            local(times["slot_start"]),
            _coded(c["appeal"], codes.appeal),
        ]
        return one, two, three, line(",%s" * len(last), *last)

    return render


@dataclass(frozen=True)
class Names:
    """Each name's rendered field(s), by id: hall, service, window + staff (two fields)."""

    halls: dict[int, str]
    services: dict[int, str]
    windows: dict[int | None, str]
    staff: dict[int | None, str]


def stream_rendered(
    session: Session,
    hall_ids: tuple[int, ...] | None,
    start: date,
    end: date,
    zone: ZoneInfo,
    render: Callable[[dict[str, Any]], Any],
    names: Names,
    *,
    batch: int = 10_000,
) -> Iterator[list[str]]:
    """Batches of rendered rows (pieces joined with the names; XLSX rows still carry
    ROW_MARK for their number)."""
    connection = session.connection()
    dialect = connection.dialect.name
    query = _pieces_query(dialect, hall_ids, start, end, zone, render)
    halls, services, windows, staff = names.halls, names.services, names.windows, names.staff
    if dialect == "sqlite":
        # SQLite's cursor streams by itself: its rows straight from the driver (every column
        # is text or an integer), without SQLAlchemy's row objects (~10 % of the CPU)
        result = connection.execute(query)
        fetch = result.cursor.fetchmany
    else:  # a server-side cursor, read through SQLAlchemy's buffer
        result = connection.execute(query.execution_options(stream_results=True))
        fetch = result.fetchmany
    try:
        while rows := fetch(batch):
            yield [
                f"{a}{halls[h]}{b}{services[s]}{c}{windows[w]}{staff[st]}{d}"
                for a, h, b, s, c, w, st, d in rows
            ]
    finally:
        result.close()
