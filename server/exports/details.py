"""The 明细 rows of an export, rendered by the database (server/queries/stats/detail_rows.py):
the codes' Chinese and the names, escaped once here, for CSV and for XLSX."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlmodel import Session

from server.domain.enums import Outcome, Priority, TicketSource, TicketStatus
from server.exports.layout import code_text
from server.queries.stats.detail_rows import (
    ROW_MARK,
    Codes,
    Names,
    Style,
    csv_pieces,
    stream_rendered,
    xlsx_pieces,
)
from server.queries.stats.sql import HALL, SERVICE, STAFF, WINDOW, of_halls

# XML 1.0 forbids most control characters; drop them, escape the specials and the row mark.
_XML = {ord("&"): "&amp;", ord("<"): "&lt;", ord(">"): "&gt;", ord(ROW_MARK): "&#64;"}
_XML.update({c: None for c in range(32) if c not in (9, 10, 13)})  # type: ignore[misc]


def codes() -> Codes:
    def texts(field: str, values: list[str]) -> dict[str, str]:
        return {v: code_text(field, v) or v for v in values}

    return Codes(
        status=texts("status", [s.value for s in TicketStatus]),
        outcome=texts("outcome", [o.value for o in Outcome]),
        priority=texts("priority", [p.value for p in Priority]),
        source=texts("source", [s.value for s in TicketSource]),
        appeal=texts("appeal", ["pending", "upheld", "rejected"]),
    )


def _all(session: Session, query: Any) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in session.execute(query)]


def _csv_field(value: str | None) -> str:
    if value is None:
        return ""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow([value])
    return buffer.getvalue()


def _xml_cell(letter: str, value: str | None) -> str:
    if value is None:
        return ""
    text = value.translate(_XML)
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f'<c r="{letter}{ROW_MARK}" t="inlineStr"><is><t{space}>{text}</t></is></c>'


def _names(session: Session, hall_ids: tuple[int, ...] | None, xlsx: bool) -> Names:
    halls = _all(session, of_halls(select(HALL.c.id, HALL.c.name), HALL.c.id, hall_ids))
    services = _all(
        session, of_halls(select(SERVICE.c.id, SERVICE.c.name), SERVICE.c.hall_id, hall_ids)
    )
    windows = _all(
        session, of_halls(select(WINDOW.c.id, WINDOW.c.number), WINDOW.c.hall_id, hall_ids)
    )
    staff = _all(session, select(STAFF.c.id, STAFF.c.staff_no, STAFF.c.name))
    if xlsx:
        return Names(
            halls={int(i): _xml_cell("C", str(n)) for i, n in halls},
            services={int(i): _xml_cell("E", str(n)) for i, n in services},
            windows={None: "", **{int(i): _xml_cell("T", str(n)) for i, n in windows}},
            staff={
                None: "",
                **{int(i): _xml_cell("U", str(no)) + _xml_cell("V", str(n)) for i, no, n in staff},
            },
        )
    return Names(
        halls={int(i): _csv_field(str(n)) for i, n in halls},
        services={int(i): _csv_field(str(n)) for i, n in services},
        windows={None: ",", **{int(i): _csv_field(str(n)) + "," for i, n in windows}},
        staff={
            None: ",",
            **{int(i): f"{_csv_field(str(no))},{_csv_field(str(n))}" for i, no, n in staff},
        },
    )


def csv_lines(
    session: Session, hall_ids: tuple[int, ...] | None, start: date, end: date, zone: ZoneInfo
) -> Iterator[list[str]]:
    """Batches of 明细 CSV lines (without line ends), local times as text."""
    dialect = session.get_bind().dialect.name
    render = csv_pieces(dialect, codes())
    names = _names(session, hall_ids, xlsx=False)
    return stream_rendered(session, hall_ids, start, end, zone, render, names)


def xlsx_rows(
    session: Session,
    hall_ids: tuple[int, ...] | None,
    start: date,
    end: date,
    zone: ZoneInfo,
    style: Style,
) -> Iterator[list[str]]:
    """Batches of 明细 rows as sheet XML (cells only; ROW_MARK for the row number); times as
    Excel serials."""
    dialect = session.get_bind().dialect.name
    render = xlsx_pieces(dialect, codes(), style)
    names = _names(session, hall_ids, xlsx=True)
    return stream_rendered(session, hall_ids, start, end, zone, render, names)
