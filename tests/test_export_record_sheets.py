"""The 差评整改/投诉 sheets rendered in batches (fast_rows.record_cells) read back exactly as
the per-cell XlsxWriter API wrote them: numbers, times, booleans, lists, dates, and text with
XML specials, control characters, Excel's own escapes, '@', blanks and over-long strings."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlsxwriter

from server.exports.fast_rows import excel_serial
from server.exports.layout import Column
from server.exports.xlsx import Formats, _record_sheet, _sheet

COLUMNS = [
    Column("编号", "id", "int"),
    Column("时间", "at", "time"),
    Column("分", "score", "score"),
    Column("秒", "sec", "sec"),
    Column("逾期", "overdue", "text"),
    Column("原因", "reasons", "text"),
    Column("日期", "day", "day"),
    Column("内容", "content", "text"),
]
TEXTS = [
    "普通的中文内容",
    "a & b < c > d",
    "邮箱 someone@example.com 与 @ 符号",
    "控制\x01字符\x1f与\t制表",
    "_x0041_ 已是 Excel 的转义",
    "  前后空格  ",
    "\n换行开头",
    "",
    "长" * 40_000,
    "引号\"与'单引号",
    "\ufffe非字符",
]


def items() -> list[dict[str, Any]]:
    start = datetime(2026, 3, 1, 8, 30, 15, 250_000)
    out = []
    for i, content in enumerate(TEXTS):
        out.append(
            {
                "id": i + 1,
                "at": start + timedelta(hours=i * 7, seconds=i),
                "score": 4.5 if i % 2 else None,
                "sec": 123_456 + i,
                "overdue": bool(i % 2),
                "reasons": ["态度差", "等候久"][: i % 3],
                "day": date(2026, 3, 1) + timedelta(days=i),
                "content": content,
            }
        )
    return out


def per_cell_reference(path: Path) -> None:
    """The sheet as the per-cell API wrote it before the batch renderer."""
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    fmt = Formats(book)
    sheet = _sheet(book, "差评整改", COLUMNS, fmt)
    for row, item in enumerate(items(), start=1):
        for c, column in enumerate(COLUMNS):
            value = item.get(column.key)
            if value is None:
                continue
            if column.kind == "time":
                sheet.write_datetime(row, c, value, fmt.kind["time"])
            elif column.kind in ("int", "sec", "score"):
                sheet.write_number(row, c, value, fmt.kind[column.kind])
            elif isinstance(value, bool):
                sheet.write_string(row, c, "是" if value else "否")
            elif isinstance(value, list):
                sheet.write_string(row, c, "、".join(str(v) for v in value))
            elif isinstance(value, date):
                sheet.write_string(row, c, value.isoformat())
            else:
                sheet.write_string(row, c, str(value))
    book.close()


def read(path: Path) -> list[list[tuple[Any, str]]]:
    sheet = openpyxl.load_workbook(path)["差评整改"]
    return [[(c.value, c.number_format) for c in row] for row in sheet.iter_rows()]


def test_batch_rendered_records_read_back_like_per_cell(tmp_path: Path) -> None:
    per_cell, batched = tmp_path / "per_cell.xlsx", tmp_path / "batched.xlsx"
    per_cell_reference(per_cell)
    book = xlsxwriter.Workbook(str(batched), {"constant_memory": True})
    counted: list[int] = []
    written = _record_sheet(
        book, "差评整改", COLUMNS, iter(items()), Formats(book), lambda t: t, counted.append
    )
    book.close()
    assert written == sum(counted) == len(TEXTS)
    expected, got = read(per_cell), read(batched)
    assert got == expected
    assert got[3][7][0] == "邮箱 someone@example.com 与 @ 符号"
    assert got[4][7][0] == "控制_x0001_字符_x001F_与\t制表"  # Excel shows the characters
    assert got[6][7][0] == "  前后空格  "
    assert len(got[9][7][0]) == 32_767
    assert got[1][1][0] == datetime(2026, 3, 1, 8, 30, 15, 250_000)
    assert got[2][4][0] == "是" and got[2][5][0] == "态度差"


def test_times_given_as_serials_by_the_database_read_back_the_same(tmp_path: Path) -> None:
    """The export asks the database for the times as local Excel serials (floats)."""
    per_cell, batched = tmp_path / "per_cell.xlsx", tmp_path / "serials.xlsx"
    per_cell_reference(per_cell)
    as_serials = [{**item, "at": excel_serial(item["at"])} for item in items()]
    book = xlsxwriter.Workbook(str(batched), {"constant_memory": True})
    never = lambda t: pytest.fail("a serial is not converted again")  # noqa: E731
    _record_sheet(book, "差评整改", COLUMNS, iter(as_serials), Formats(book), never, print)
    book.close()
    assert read(batched) == read(per_cell)
