"""Writing millions of plain rows quickly into an XlsxWriter sheet (constant-memory mode).

XlsxWriter spends ~10 µs per cell (a Python object per cell, dimension checks, an XML call
per cell). For the 明细 — hundreds of thousands of rows of numbers and short strings — the
database renders each row's cells as XML (server/queries/stats/detail_rows.py) and this
sheet class appends whole batches of them to the sheet's row-data file, exactly where
constant-memory mode puts the rows it writes itself. Everything else (header, formats, widths, autofilter, panes) uses the normal API.
The result is read back with openpyxl in the tests; XlsxWriter is pinned in uv.lock.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from xlsxwriter.worksheet import Worksheet

from server.queries.stats.detail_rows import ROW_MARK


class BulkRowsWorksheet(Worksheet):
    """A worksheet that also takes whole batches of rows already rendered as XML."""

    def write_rendered(self, first_row: int, rows: Sequence[str], columns: int) -> None:
        """Rows from `first_row` on (0-based), each the XML of its cells with ROW_MARK where
        its row number goes (server/queries/stats/detail_rows.py)."""
        me: Any = self  # XlsxWriter's attributes are untyped
        if not me.constant_memory or first_row < me.previous_row:
            raise ValueError("write_rendered needs constant_memory and rows after those written")
        me._write_single_row(first_row)  # flush the pending row (the heading)
        out: list[str] = []
        for number, cells in enumerate(rows, start=first_row + 1):
            n = str(number)
            out.append(f'<row r="{n}">{cells.replace(ROW_MARK, n)}</row>')
        self.fh.write("".join(out))
        if rows:
            last = first_row + len(rows) - 1
            me.dim_rowmax = max(me.dim_rowmax or 0, last)
            me.dim_rowmin = first_row if me.dim_rowmin is None else min(me.dim_rowmin, first_row)
            me.dim_colmin = 0
            me.dim_colmax = max(me.dim_colmax or 0, columns - 1)
            me.previous_row = last + 1
