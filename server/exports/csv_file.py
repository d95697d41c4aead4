"""The 明细 as CSV: UTF-8 with a byte-order mark (Excel and WPS open it without garbling),
Chinese headings, local times, durations in seconds; streamed batch by batch."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from typing import BinaryIO

from server.exports.layout import TICKET_COLUMNS

BOM = "\ufeff".encode()


def write_heading(out: BinaryIO) -> None:
    """The byte-order mark and the Chinese headings."""
    heading = io.StringIO()
    csv.writer(heading, lineterminator="\r\n").writerow([c.heading for c in TICKET_COLUMNS])
    out.write(BOM + heading.getvalue().encode())


def write_records(
    out: BinaryIO, batches: Iterable[list[str]], progress: Callable[[int], None]
) -> int:
    """Each batch of lines rendered by the database (detail_rows.py)."""
    total = 0
    for batch in batches:
        if batch:
            out.write(("\r\n".join(batch) + "\r\n").encode())
        total += len(batch)
        progress(len(batch))
    out.flush()
    return total
