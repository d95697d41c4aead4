"""Writing millions of plain rows quickly into an XlsxWriter sheet (constant-memory mode).

XlsxWriter spends ~10 µs per cell (a Python object per cell, dimension checks, an XML call
per cell). For the 明细 — hundreds of thousands of rows of numbers and short strings — this
sheet class renders each row's `<row>` element in one f-string per cell and appends it to
the sheet's row-data file, exactly where constant-memory mode puts the rows it writes
itself. Everything else (header, formats, widths, autofilter, panes) uses the normal API.
The result is read back with openpyxl in the tests; XlsxWriter is pinned in uv.lock.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

# XML 1.0 forbids most control characters; drop them, escape the three specials.
_ESCAPE = {ord("&"): "&amp;", ord("<"): "&lt;", ord(">"): "&gt;"}
_ESCAPE.update({c: None for c in range(32) if c not in (9, 10, 13)})  # type: ignore[misc]


class BulkRowsWorksheet(Worksheet):
    """A worksheet that also takes whole batches of rows at once (`write_rows`)."""

    def write_rows(
        self,
        first_row: int,
        rows: Sequence[Sequence[Any]],
        kinds: Sequence[str],
        styles: Sequence[int],
    ) -> None:
        """Rows from `first_row` on (0-based). kinds: "n" number, "s" string, per column;
        styles: the cells' xf indexes (Format._get_xf_index()), 0 for none. None = empty."""
        me: Any = self  # XlsxWriter's attributes are untyped
        if not me.constant_memory or first_row < me.previous_row:
            raise ValueError("write_rows needs constant_memory and rows after those written")
        me._write_single_row(first_row)  # flush the pending row (the heading)
        letters = [xl_col_to_name(c) for c in range(len(kinds))]
        cells = list(zip(letters, kinds, [f' s="{s}"' if s else "" for s in styles], strict=True))
        out: list[str] = []
        for offset, row in enumerate(rows):
            number = first_row + offset + 1
            out.append(f'<row r="{number}">')
            for (letter, kind, style), value in zip(cells, row, strict=True):
                if value is None:
                    continue
                if kind == "n":
                    out.append(f'<c r="{letter}{number}"{style}><v>{value}</v></c>')
                else:
                    text = str(value).translate(_ESCAPE)
                    space = ' xml:space="preserve"' if text != text.strip() else ""
                    out.append(
                        f'<c r="{letter}{number}"{style} t="inlineStr"><is><t{space}>{text}</t></is></c>'
                    )
            out.append("</row>")
        self.fh.write("".join(out))
        last = first_row + len(rows) - 1
        if rows:
            me.dim_rowmax = max(me.dim_rowmax or 0, last)
            me.dim_rowmin = first_row if me.dim_rowmin is None else min(me.dim_rowmin, first_row)
            me.dim_colmin = 0
            me.dim_colmax = max(me.dim_colmax or 0, len(kinds) - 1)
        me.previous_row = last + 1
