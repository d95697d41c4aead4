"""Writing millions of plain rows quickly into an XlsxWriter sheet (constant-memory mode).

XlsxWriter spends ~10 µs per cell (a Python object per cell, dimension checks, an XML call
per cell). For the 明细 — hundreds of thousands of rows of numbers and short strings — the
database renders each row's cells as XML (server/queries/stats/detail_rows.py) and this
sheet class appends whole batches of them to the sheet's row-data file, exactly where
constant-memory mode puts the rows it writes itself. Everything else (header, formats, widths, autofilter, panes) uses the normal API.
The result is read back with openpyxl in the tests; XlsxWriter is pinned in uv.lock.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

from server.queries.stats.detail_rows import ROW_MARK


class BulkRowsWorksheet(Worksheet):  # type: ignore[misc]  # xlsxwriter has no types
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


# --- record sheets (差评整改, 投诉): rows rendered in Python, a few µs a row -----------------

EXCEL_EPOCH = datetime(1899, 12, 30)  # serial 0 (dates after 1900-02-28, as XlsxWriter)
TEXT_CACHE = 4096  # rendered texts kept per column
MAX_TEXT = 32_767  # characters in a cell (XlsxWriter truncates longer strings too)
_SPECIAL = re.compile(r"[&<>\x00-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9a-fA-F]{4}_|" + ROW_MARK)
_ESCAPE_LIKE = re.compile(r"(_x[0-9a-fA-F]{4}_)")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f]")


def excel_serial(local: datetime) -> float:
    """A naive local time as an Excel date serial (XlsxWriter's arithmetic)."""
    delta = local - EXCEL_EPOCH
    return delta.days + (float(delta.seconds) + float(delta.microseconds) / 1e6) / 86400


def text_cell(letter: str, value: str) -> str:
    """An inline-string cell, escaped as XlsxWriter escapes it (control characters as
    _xHHHH_, XML specials, leading/trailing blanks preserved)."""
    if len(value) > MAX_TEXT:
        value = value[:MAX_TEXT]
    if _SPECIAL.search(value):
        value = _ESCAPE_LIKE.sub(r"_x005F\1", value)
        value = _CONTROL.sub(lambda m: f"_x{ord(m.group()):04X}_", value)
        value = value.replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")
        value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        value = value.replace(ROW_MARK, "&#64;")
    keep = ' xml:space="preserve"' if value[:1].isspace() or value[-1:].isspace() else ""
    return f'<c r="{letter}{ROW_MARK}" t="inlineStr"><is><t{keep}>{value}</t></is></c>'


@dataclass(frozen=True)
class RecordColumn:
    key: str
    kind: str  # time, int, sec, score (numbers), anything else text


def record_cells(
    columns: Sequence[RecordColumn],
    styles: dict[str, int],
    local: Callable[[datetime], datetime],
) -> Callable[[dict[str, Any]], str]:
    """A function rendering one record (a dict) as its row's cells, the way the per-cell
    API wrote them: times as serials in the time style, numbers in their style, booleans
    as 是/否, lists joined with 、, dates in ISO form, anything else as text. Each column
    gets its own small function, chosen once."""

    def text_of(letter: str) -> Callable[[Any], str]:
        # most texts repeat (names, states, 是/否, days, reasons): each rendered once
        rendered = functools.lru_cache(maxsize=TEXT_CACHE)(functools.partial(text_cell, letter))

        def cell(value: Any) -> str:
            if isinstance(value, str):
                return rendered(value)
            if isinstance(value, bool):
                return rendered("是" if value else "否")
            if isinstance(value, list):
                return rendered("、".join(str(v) for v in value))
            if isinstance(value, date):
                return rendered(value.isoformat())
            return rendered(str(value))

        return cell

    def number_of(letter: str, style: int) -> Callable[[Any], str]:
        head = f'<c r="{letter}{ROW_MARK}"' + (f' s="{style}"' if style else "") + "><v>"
        return lambda value: f"{head}{value:.16G}</v></c>"

    def time_of(letter: str, style: int) -> Callable[[Any], str]:
        number = number_of(letter, style)

        def cell(value: Any) -> str:  # a serial already (made by the database), or an instant
            return number(value if isinstance(value, float) else excel_serial(local(value)))

        return cell

    plan: list[tuple[str, Callable[[Any], str]]] = []
    for i, column in enumerate(columns):
        letter = xl_col_to_name(i)
        if column.kind == "time":
            plan.append((column.key, time_of(letter, styles["time"])))
        elif column.kind in ("int", "sec", "score"):
            plan.append((column.key, number_of(letter, styles[column.kind])))
        else:
            plan.append((column.key, text_of(letter)))

    def render(item: dict[str, Any]) -> str:
        return "".join([cell(value) for key, cell in plan if (value := item.get(key)) is not None])

    return render
