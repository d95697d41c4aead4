"""The statistics audit's files (the scenario: scenario.py): the XLSX workbook and the CSV
against the API, the CLI export without a terminal, 明细 split across sheets, and a long CSV
written by two processes."""

from __future__ import annotations

import csv
import io
import statistics
import zipfile
from datetime import date
from typing import Any

import openpyxl
import pytest

from server.store.engine import make_engine
from tests.api.statistics_audit.expected import cell_value, same, ts
from tests.api.statistics_audit.scenario import PERIOD, READ_AT, SH, all_records, download

pytestmark = pytest.mark.asyncio(loop_scope="package")


async def test_xlsx_cells_and_csv_match_the_api(scenario: dict[str, Any], tmp_path: Any) -> None:
    from server.exports.layout import INDICATOR_COLUMNS, TICKET_COLUMNS

    sup, hall, server = scenario["sup"], scenario["hall"], scenario["server"]
    params = {"hall_id": hall.hall_id, "from": PERIOD[0], "to": PERIOD[1]}
    response = await download(server, sup, format="xlsx", **params)
    assert "attachment" in response.headers["content-disposition"]
    path = tmp_path / "report.xlsx"
    path.write_bytes(response.content)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == [
        "汇总",
        "按日",
        "按时段",
        "按事项",
        "按窗口",
        "按人员",
        "明细",
        "差评整改",
        "投诉",
    ]
    summary = book["汇总"]
    assert "2026-11-26 至 2026-11-28" in str(summary["B2"].value)
    labels = {
        summary.cell(r, 1).value: summary.cell(r, 2).value for r in range(1, summary.max_row + 1)
    }
    api_total = (await sup.indicators(hall.hall_id, start=PERIOD[0], end=PERIOD[1]))["total"]
    by_heading = {c.heading: c for c in INDICATOR_COLUMNS}
    checked = 0
    for heading, value in labels.items():
        if heading in by_heading:
            column = by_heading[heading]
            assert same(cell_value(value, column.kind), api_total[column.key]), heading
            checked += 1
    assert checked >= 30
    assert len(summary._charts) == 3  # wait by hour, satisfaction by window, issued vs served
    for grouping, sheet_name in [
        ("day", "按日"),
        ("hour", "按时段"),
        ("service", "按事项"),
        ("window", "按窗口"),
        ("staff", "按人员"),
    ]:
        sheet = book[sheet_name]
        assert sheet.freeze_panes == "B2" and sheet.auto_filter.ref
        headings = [c.value for c in sheet[1]]
        api = await sup.indicators(hall.hall_id, start=PERIOD[0], end=PERIOD[1], group_by=grouping)
        for i, row in enumerate(api.rows, start=2):
            assert sheet.cell(i, 1).value == row["label"]
            for c, column in enumerate(INDICATOR_COLUMNS, start=2):
                assert headings[c - 1] == column.heading
                got = cell_value(sheet.cell(i, c).value, column.kind)
                assert same(got, row["values"][column.key]), (sheet_name, row["label"], column.key)
        assert sheet.cell(len(api.rows) + 2, 1).value == "合计"
    # 明细: one row per ticket, every time, seconds that add up to the indicators
    details = book["明细"]
    headings = [c.value for c in details[1]]
    assert headings == [c.heading for c in TICKET_COLUMNS]
    rows = [
        dict(zip(headings, (c.value for c in r), strict=True)) for r in details.iter_rows(min_row=2)
    ]
    records = await all_records(sup, hall.hall_id)
    assert [r["号票编号"] for r in rows] == [r["ticket_id"] for r in records]
    for row, record in zip(rows, records, strict=True):
        assert row["等候时长(秒)"] == record["wait_s"] and row["办理时长(秒)"] == record["handle_s"]
        issued = ts(record["issued_at"]).astimezone(SH).replace(tzinfo=None)  # type: ignore[union-attr]
        assert abs((row["取号时间"] - issued).total_seconds()) < 1
    waits = [r["等候时长(秒)"] for r in rows if r["等候时长(秒)"] is not None]
    assert round(statistics.fmean(waits), 1) == api_total["wait_avg_s"]
    assert {r["状态"] for r in rows} >= {"已办结", "已转办", "已取消", "等候中"}
    # 差评整改 and 投诉, with the complainant masked
    rect = list(book["差评整改"].iter_rows(min_row=2, values_only=True))
    assert len(rect) == 1 and rect[0][1] == "B001"
    (listed,) = (await sup.rectifications(hall_id=hall.hall_id))["items"]
    for column, key in ((11, "opened_at"), (12, "deadline"), (13, "rectified_at")):
        local = ts(listed[key]).astimezone(SH).replace(tzinfo=None)  # type: ignore[union-attr]
        assert abs((rect[0][column] - local).total_seconds()) < 0.001, key  # local time
    assert rect[0][14] == ("是" if listed["overdue"] else "否")
    complaints = [
        dict(zip([c.value for c in book["投诉"][1]], r, strict=True))
        for r in book["投诉"].iter_rows(min_row=2, values_only=True)
    ]
    assert len(complaints) == 2
    assert complaints[0]["投诉人"] == "张*三" and complaints[0]["联系电话"] == "138****5678"
    with zipfile.ZipFile(path) as archive:  # the full number is nowhere in the file
        assert not any(b"13812345678" in archive.read(n) for n in archive.namelist())
        assert any("张*三".encode() in archive.read(n) for n in archive.namelist())
    # CSV: UTF-8 with BOM, the same 明细
    content = await sup.export(format="csv", **params)  # through the client library
    assert content.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert table[0] == [c.heading for c in TICKET_COLUMNS]
    assert [int(r[0]) for r in table[1:]] == [r["ticket_id"] for r in records]
    assert table[1][9] == "2026-11-26 09:00:00"  # local time, as written


@pytest.mark.timeout(300)
async def test_cli_export_without_a_terminal(scenario: dict[str, Any], tmp_path: Any) -> None:
    import asyncio
    import subprocess
    import sys
    from pathlib import Path

    server, sup, hall = scenario["server"], scenario["sup"], scenario["hall"]
    db = str(server.settings.database_url)
    govqueue = [str(Path(sys.executable).parent / "govqueue")]

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*govqueue, "export", "--db", db, *args],
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            timeout=120,
        )

    out = tmp_path / "明细.csv"
    done = await asyncio.to_thread(
        run,
        "--hall",
        "H1",
        "--from",
        PERIOD[0],
        "--to",
        PERIOD[1],
        "--format",
        "csv",
        "--out",
        str(out),
    )
    assert done.returncode == 0, done.stderr
    assert "已导出" in done.stdout and "明细 7 行" in done.stderr
    http = await download(
        server, sup, format="csv", hall_id=hall.hall_id, **{"from": PERIOD[0], "to": PERIOD[1]}
    )
    assert out.read_bytes() == http.content
    book_path = tmp_path / "report.xlsx"
    done = await asyncio.to_thread(
        run,
        "--hall",
        str(hall.hall_id),
        "--from",
        PERIOD[0],
        "--to",
        PERIOD[1],
        "--out",
        str(book_path),
    )
    assert done.returncode == 0, done.stderr
    book = openpyxl.load_workbook(book_path, read_only=True)
    assert book.sheetnames[0] == "汇总" and book["明细"].max_row == 8
    # refusals, in this process (starting the CLI costs seconds)
    from typer.testing import CliRunner

    from server.cli.main import app

    for args, message in [
        (["--hall", "NOPE", "--from", PERIOD[0]], "不存在"),
        (["--hall", "H1", "--from", "0001-01-01"], "2000-01-01"),
    ]:
        refused = await asyncio.to_thread(
            CliRunner().invoke, app, ["export", "--db", db, *args, "--out", str(out)]
        )
        assert refused.exit_code == 2 and message in refused.output


async def test_xlsx_details_split_across_sheets_or_refused(
    scenario: dict[str, Any], tmp_path: Any
) -> None:
    from server.domain.errors import InvalidInput
    from server.exports.report import write_xlsx
    from server.queries.stats.indicators import Scope
    from server.store.engine import make_engine

    hall = scenario["hall"]
    engine = make_engine(str(scenario["server"].settings.database_url))
    scope = Scope((hall.hall_id,), date(2026, 11, 26), date(2026, 11, 28), READ_AT, SH)
    path = tmp_path / "split.xlsx"
    try:
        write_xlsx(engine, scope, path, counts_basic=True, rows_per_sheet=3)
        book = openpyxl.load_workbook(path, read_only=True)
        sizes = [book[n].max_row - 1 for n in ("明细", "明细(2)", "明细(3)")]
        assert sizes == [3, 3, 1] and "明细(4)" not in book.sheetnames
        with pytest.raises(InvalidInput, match="CSV"):
            write_xlsx(engine, scope, path, counts_basic=True, rows_per_sheet=1)
    finally:
        engine.dispose()


async def test_long_csv_written_by_two_processes_is_the_same(
    scenario: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A long period's CSV is written in two halves by two processes: same bytes."""
    import asyncio
    import io

    from server.exports import report
    from server.queries.stats.indicators import Scope

    engine = make_engine(str(scenario["server"].settings.database_url))
    scope = Scope((scenario["hall"].hall_id,), date(2026, 11, 26), date(2026, 11, 28), READ_AT, SH)
    try:
        whole, halves = io.BytesIO(), io.BytesIO()
        assert await asyncio.to_thread(report.write_csv, engine, scope, whole, split=False) == 7
        monkeypatch.setattr(report, "SPLIT_DAYS", 1)
        lines: list[int] = []
        written = await asyncio.to_thread(
            report.write_csv, engine, scope, halves, progress=lines.append
        )
        assert written == 7
        assert halves.getvalue() == whole.getvalue() and sum(lines) == 7
    finally:
        engine.dispose()
