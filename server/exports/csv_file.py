"""The 明细 as CSV: UTF-8 with a byte-order mark (Excel and WPS open it without garbling),
Chinese headings, local times, durations in seconds; streamed batch by batch."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any, BinaryIO

from server.exports.layout import TICKET_COLUMNS, code_text
from server.queries.stats.records import EXPORT_FIELDS

BOM = "\ufeff".encode()


def write_records(
    out: BinaryIO, batches: Iterable[list[tuple[Any, ...]]], progress: Callable[[int], None]
) -> int:
    position = [EXPORT_FIELDS.index(c.key) for c in TICKET_COLUMNS]
    coded = [
        (i, c.key)
        for i, c in enumerate(TICKET_COLUMNS)
        if c.key in ("status", "outcome", "priority", "source")
    ]
    day_at = [i for i, c in enumerate(TICKET_COLUMNS) if c.kind == "day"]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    out.write(BOM)
    writer.writerow([c.heading for c in TICKET_COLUMNS])
    total = 0
    for batch in batches:
        for record in batch:
            row = [record[p] for p in position]
            for i, key in coded:
                row[i] = code_text(key, row[i])
            for i in day_at:
                value = row[i]
                row[i] = value.isoformat() if isinstance(value, date) else value
            writer.writerow(row)
        out.write(buffer.getvalue().encode())
        buffer.seek(0)
        buffer.truncate()
        total += len(batch)
        progress(len(batch))
    out.write(buffer.getvalue().encode())
    out.flush()
    return total
