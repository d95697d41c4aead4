"""The 差评整改 records of an export, kept with each closed day's rollup.

A year's export lists ~125,000 rectifications. Read from the live tables, each one looks up
its ticket and its rating by id: random pages all over the ticket and rating tables, so a
year's sheet touched ~1.5 GB of a 2.5 GB SQLite file (19 s from a cold page cache, against
~2 s of CPU). The records of a closed day are therefore stored in the day's rollup
(rollup.py) when it is built — from the day's own tickets, which the rollup reads anyway —
and read back from there: ~30 KB a day, next to the day's facts. Any later change to a
rectification or a rating marks its ticket's day (server/commands/stats_marks.py), which
rebuilds the rollup, records included. Today and days not rolled up are read live.

A record is a list in the order of FIELDS; instants as whole µs since the epoch (UTC), the
business day as its ordinal. Names (service, window, staff) are not stored: they are looked
up when the sheet is written, so a renamed window shows its name of today, as live.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from server.queries.stats.facts import micros, tickets_of_days
from server.queries.stats.sql import EVALUATION, RECTIFICATION, TICKET

FIELDS = (
    "id",
    "ticket_id",
    "hall_id",
    "ticket_number",
    "business_day",
    "service_id",
    "window_id",
    "staff_id",
    "level",
    "reasons",
    "comment",
    "opened_at",
    "deadline",
    "rectified_at",
    "measures",
    "followup_at",
    "followup_way",
    "followup_result",
    "followup_satisfied",
)
AT = {name: i for i, name in enumerate(FIELDS)}
TIMES = ("opened_at", "deadline", "rectified_at", "followup_at")
Record = list[Any]


def _us(instant: Any) -> int | None:
    return None if instant is None else micros(instant)


def _query(hall_days: dict[int, list[date]]) -> Any:
    r, t, e = RECTIFICATION.c, TICKET.c, EVALUATION.c
    period = tickets_of_days(hall_days)
    return (
        select(
            r.id,
            r.ticket_id,
            t.hall_id,
            t.number,
            t.business_day,
            t.service_id,
            t.window_id,
            t.staff_id,
            e.level,
            e.reasons,
            e.comment,
            r.opened_at,
            r.deadline,
            r.closed_at,
            r.note,
            r.followup_at,
            r.followup_way,
            r.followup_note,
            r.followup_satisfied,
        )
        .select_from(
            TICKET.join(RECTIFICATION, r.ticket_id == t.id).join(
                EVALUATION, e.id == r.evaluation_id
            )
        )
        .where(period)
    )


def live_records(
    session: Session, hall_days: dict[int, list[date]]
) -> dict[tuple[int, int], list[Record]]:
    """The records of each (hall, day ordinal) asked for (tickets of those business days),
    from the live tables, through the ticket index of each day."""
    hall_days = {h: sorted(set(days)) for h, days in hall_days.items() if days}
    found: dict[tuple[int, int], list[Record]] = {
        (h, d.toordinal()): [] for h, days in hall_days.items() for d in days
    }
    if not hall_days:
        return found
    for row in session.execute(_query(hall_days)):
        record = list(row)
        day = record[AT["business_day"]].toordinal()
        record[AT["business_day"]] = day
        record[AT["reasons"]] = list(record[AT["reasons"]] or [])
        for name in TIMES:
            record[AT[name]] = _us(record[AT[name]])
        if record[AT["followup_satisfied"]] is not None:
            record[AT["followup_satisfied"]] = bool(record[AT["followup_satisfied"]])
        found[(record[AT["hall_id"]], day)].append(record)
    return found


def pack_records(records: list[Record]) -> bytes:
    return zlib.compress(json.dumps(records, ensure_ascii=False).encode(), 1)


def unpack_records(packed: bytes | memoryview) -> list[Record]:
    records: list[Record] = json.loads(zlib.decompress(packed))
    return records


def in_order(parts: Iterable[list[Record]]) -> list[Record]:
    """Every record of the parts, oldest first (opened, then id), as the sheet lists them."""
    opened, ident = AT["opened_at"], AT["id"]
    merged = [record for part in parts for record in part]
    merged.sort(key=lambda record: (record[opened], record[ident]))
    return merged
