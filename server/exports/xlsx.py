"""The auditor's workbook (XlsxWriter, constant memory): 汇总 first, one sheet per grouping,
明细 (split across sheets past Excel's row limit), 差评整改 and 投诉, with native charts."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import xlsxwriter
import xlsxwriter.workbook
from xlsxwriter.worksheet import Worksheet

from server.exports.fast_rows import BulkRowsWorksheet, RecordColumn, record_cells
from server.exports.layout import (
    COMPLAINT_COLUMNS,
    GROUPING_SHEETS,
    INDICATOR_BY_KEY,
    INDICATOR_COLUMNS,
    RECTIFICATION_COLUMNS,
    ROWS_PER_SHEET,
    SUMMARY_SECTIONS,
    TICKET_COLUMNS,
    Column,
    display_width,
)
from server.exports.report_data import ReportData
from server.queries.stats.detail_rows import Style

SECONDS_PER_DAY = 86400.0
NUMBER_FORMATS = {
    "int": "#,##0",
    "sec": "#,##0",
    "dur": "[h]:mm:ss",
    "pct": "0.0%",
    "score": "0.00",
    "time": "yyyy-mm-dd hh:mm:ss",
}
Progress = Callable[[int], None]


class Formats:
    def __init__(self, book: xlsxwriter.Workbook) -> None:
        base = {"font_name": "等线", "font_size": 10}
        self.header = book.add_format(
            {
                **base,
                "bold": True,
                "bg_color": "#DDEBF7",
                "border": 1,
                "text_wrap": True,
                "valign": "vcenter",
                "align": "center",
            }
        )
        self.title = book.add_format({**base, "bold": True, "font_size": 16})
        self.section = book.add_format({**base, "bold": True, "bg_color": "#F2F2F2"})
        self.text = book.add_format(base)
        self.dash = book.add_format({**base, "align": "center", "font_color": "#808080"})
        self.kind = {
            k: book.add_format({**base, "num_format": f}) for k, f in NUMBER_FORMATS.items()
        }
        self.kind["text"] = self.text
        self.kind["day"] = self.text


def _sheet(
    book: xlsxwriter.Workbook,
    name: str,
    columns: list[Column],
    fmt: Formats,
    worksheet_class: type[Worksheet] | None = None,
) -> Worksheet:
    sheet = book.add_worksheet(name, worksheet_class=worksheet_class)
    for i, column in enumerate(columns):
        width = column.width or max(display_width(column.heading) + 2, 11)
        sheet.set_column(i, i, width)
    sheet.set_row(0, 30)
    for i, column in enumerate(columns):
        sheet.write_string(0, i, column.heading, fmt.header)
    sheet.freeze_panes(1, 1)
    return sheet


def _write_value(sheet: Worksheet, row: int, col: int, kind: str, value: Any, fmt: Formats) -> None:
    """An indicator value: numbers in their format, None as "—"."""
    if value is None:
        sheet.write_string(row, col, "—", fmt.dash)
    elif kind == "dur":
        sheet.write_number(row, col, value / SECONDS_PER_DAY, fmt.kind["dur"])
    elif kind in ("text", "day"):
        sheet.write_string(row, col, str(value), fmt.text)
    else:
        sheet.write_number(row, col, value, fmt.kind[kind])


def _summary(book: xlsxwriter.Workbook, data: ReportData, fmt: Formats) -> Worksheet:
    sheet = book.add_worksheet("汇总")
    sheet.set_column(0, 0, 24)
    sheet.set_column(1, 1, 16)
    sheet.set_column(2, 2, 12)
    sheet.write_string(0, 0, f"{data.hall_name} 窗口服务统计报表", fmt.title)
    sheet.write_string(1, 0, "统计区间", fmt.text)
    sheet.write_string(
        1, 1, f"{data.scope.start.isoformat()} 至 {data.scope.end.isoformat()}", fmt.text
    )
    sheet.write_string(2, 0, "大厅", fmt.text)
    sheet.write_string(2, 1, data.hall_name, fmt.text)
    sheet.write_string(3, 0, "生成时间", fmt.text)
    sheet.write_string(3, 1, data.generated_at, fmt.text)
    sheet.write_string(
        4, 0, "说明：“—”表示无数据或分母为零；时长为 时:分:秒；公式见 docs/indicators.md", fmt.text
    )
    row = 6
    sheet.write_string(row, 0, "指标", fmt.header)
    sheet.write_string(row, 1, "数值", fmt.header)
    total = data.total
    for section, keys in SUMMARY_SECTIONS:
        row += 1
        sheet.write_string(row, 0, section, fmt.section)
        sheet.write_blank(row, 1, None, fmt.section)
        for key in keys:
            row += 1
            column = INDICATOR_BY_KEY[key]
            sheet.write_string(row, 0, column.heading, fmt.text)
            _write_value(sheet, row, 1, column.kind, total.get(key), fmt)
    sheet.freeze_panes(7, 0)
    return sheet


def _grouping_sheet(
    book: xlsxwriter.Workbook, grouping: str, data: ReportData, fmt: Formats
) -> tuple[str, int]:
    name, first_heading = GROUPING_SHEETS[grouping]
    columns = [Column(first_heading, "label", "text", 22), *INDICATOR_COLUMNS]
    sheet = _sheet(book, name, columns, fmt)
    rows = data.indicators[grouping].rows
    for r, item in enumerate(rows, start=1):
        sheet.write_string(r, 0, item.label, fmt.text)
        for c, column in enumerate(INDICATOR_COLUMNS, start=1):
            _write_value(sheet, r, c, column.kind, item.values.get(column.key), fmt)
    last = len(rows) + 1
    sheet.write_string(last, 0, "合计", fmt.section)
    for c, column in enumerate(INDICATOR_COLUMNS, start=1):
        _write_value(sheet, last, c, column.kind, data.total.get(column.key), fmt)
    sheet.autofilter(0, 0, max(len(rows), 1), len(columns) - 1)
    return name, len(rows)


def _charts(
    book: xlsxwriter.Workbook, summary: Worksheet, sheets: dict[str, tuple[str, int]]
) -> None:
    def col(key: str) -> int:
        return 1 + [c.key for c in INDICATOR_COLUMNS].index(key)

    def chart(kind: str, title: str, y_format: str, y_title: str) -> Any:
        made = book.add_chart({"type": kind})
        made.set_title({"name": title, "name_font": {"size": 12}})
        made.set_y_axis({"num_format": y_format, "name": y_title})
        made.set_size({"width": 620, "height": 300})
        return made

    anchor = 1
    if "hour" in sheets:
        name, n = sheets["hour"]
        waits = chart("column", "各时段平均等候时长", "[h]:mm:ss", "平均等候")
        waits.add_series(
            {
                "name": "平均等候时长",
                "categories": [name, 1, 0, max(n, 1), 0],
                "values": [name, 1, col("wait_avg_s"), max(n, 1), col("wait_avg_s")],
                "fill": {"color": "#2F75B5"},
            }
        )
        waits.set_legend({"none": True})
        summary.insert_chart(anchor, 4, waits)
        anchor += 16
    if "window" in sheets:
        name, n = sheets["window"]
        satisfaction = chart("column", "各窗口满意率", "0%", "满意率")
        satisfaction.add_series(
            {
                "name": "满意率",
                "categories": [name, 1, 0, max(n, 1), 0],
                "values": [name, 1, col("satisfaction_rate"), max(n, 1), col("satisfaction_rate")],
                "fill": {"color": "#70AD47"},
            }
        )
        satisfaction.set_y_axis({"num_format": "0%", "min": 0, "max": 1, "name": "满意率"})
        satisfaction.set_legend({"none": True})
        summary.insert_chart(anchor, 4, satisfaction)
        anchor += 16
    if "day" in sheets:
        name, n = sheets["day"]
        volume = chart("line", "每日取号量与办结量", "#,##0", "张")
        for key, label, color in (("issued", "取号量", "#2F75B5"), ("served", "办结量", "#ED7D31")):
            volume.add_series(
                {
                    "name": label,
                    "categories": [name, 1, 0, max(n, 1), 0],
                    "values": [name, 1, col(key), max(n, 1), col(key)],
                    "line": {"color": color, "width": 2},
                    "marker": {"type": "circle", "size": 5},
                }
            )
        volume.set_legend({"position": "bottom"})
        summary.insert_chart(anchor, 4, volume)


def _ticket_sheets(
    book: xlsxwriter.Workbook,
    tickets: Callable[[Style], Iterable[list[str]]],
    fmt: Formats,
    progress: Progress,
    rows_per_sheet: int,
) -> int:
    """明细, 明细(2), … : rows rendered by the database (times as Excel serials, durations in
    seconds), appended in whole batches through BulkRowsWorksheet (see fast_rows.py)."""
    style = Style(time=fmt.kind["time"]._get_xf_index(), number=fmt.kind["int"]._get_xf_index())
    columns = len(TICKET_COLUMNS)
    sheets: list[tuple[BulkRowsWorksheet, int]] = []
    total = 0

    def new_sheet() -> None:
        n = len(sheets) + 1
        sheet = _sheet(
            book, "明细" if n == 1 else f"明细({n})", TICKET_COLUMNS, fmt, BulkRowsWorksheet
        )
        assert isinstance(sheet, BulkRowsWorksheet)
        sheets.append((sheet, 0))

    new_sheet()
    for rows in tickets(style):
        start = 0
        while start < len(rows):
            sheet, written = sheets[-1]
            if written >= rows_per_sheet:
                new_sheet()
                continue
            part = rows[start : start + rows_per_sheet - written]
            sheet.write_rendered(written + 1, part, columns)
            sheets[-1] = (sheet, written + len(part))
            start += len(part)
        total += len(rows)
        progress(len(rows))
    for sheet, written in sheets:
        sheet.autofilter(0, 0, max(written, 1), columns - 1)
    return total


RECORD_BATCH = 2_000


def _record_sheet(
    book: xlsxwriter.Workbook,
    name: str,
    columns: list[Column],
    items: Iterator[dict[str, Any]],
    fmt: Formats,
    local: Callable[[datetime], datetime],
    progress: Progress,
) -> int:
    """差评整改 or 投诉: a year holds 100,000s of records, so their rows are rendered in
    Python a batch at a time (fast_rows.record_cells) rather than cell by cell."""
    sheet = _sheet(book, name, columns, fmt, BulkRowsWorksheet)
    assert isinstance(sheet, BulkRowsWorksheet)
    styles = {k: fmt.kind[k]._get_xf_index() for k in ("time", "int", "sec", "score")}
    render = record_cells([RecordColumn(c.key, c.kind) for c in columns], styles, local)
    count = 0
    batch: list[str] = []
    for item in items:
        batch.append(render(item))
        if len(batch) == RECORD_BATCH:
            sheet.write_rendered(count + 1, batch, len(columns))
            count += len(batch)
            progress(len(batch))
            batch = []
    sheet.write_rendered(count + 1, batch, len(columns))
    count += len(batch)
    progress(len(batch))
    sheet.autofilter(0, 0, max(count, 1), len(columns) - 1)
    return count


def write_workbook(
    path: Path,
    data: ReportData,
    *,
    tickets: Callable[[Style], Iterable[list[str]]] | None,
    rectifications: Iterator[dict[str, Any]],
    complaints: Iterator[dict[str, Any]],
    progress: Progress,
    rows_per_sheet: int = ROWS_PER_SHEET,
) -> None:
    book = xlsxwriter.Workbook(
        str(path),
        {"constant_memory": True, "default_date_format": NUMBER_FORMATS["time"]},
    )
    book.set_properties(
        {
            "title": f"{data.hall_name} 窗口服务统计报表",
            "author": "govqueue",
            "company": data.hall_name,
        }
    )
    fmt = Formats(book)
    summary = _summary(book, data, fmt)
    sheets = {}
    for grouping in data.indicators:
        sheets[grouping] = _grouping_sheet(book, grouping, data, fmt)
    _charts(book, summary, sheets)
    if tickets is not None:
        _ticket_sheets(book, tickets, fmt, progress, rows_per_sheet)
    _record_sheet(
        book, "差评整改", RECTIFICATION_COLUMNS, rectifications, fmt, data.local, progress
    )
    _record_sheet(book, "投诉", COMPLAINT_COLUMNS, complaints, fmt, data.local, progress)
    summary.activate()
    with _fast_deflate():
        book.close()


@contextlib.contextmanager
def _fast_deflate() -> Iterator[None]:
    """Zip the workbook with zlib level 1 instead of 6: ~3× faster on a 明细 of hundreds of
    MB of XML, for a file ~15 % larger. XlsxWriter offers no option; it calls ZipFile by this
    name when it closes the book (exports run in their own process: nothing else zips)."""
    original = xlsxwriter.workbook.ZipFile
    xlsxwriter.workbook.ZipFile = functools.partial(original, compresslevel=1)
    try:
        yield
    finally:
        xlsxwriter.workbook.ZipFile = original
