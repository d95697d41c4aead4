"""Running an export: gather the indicators, then stream the records into XLSX or CSV.

Used in-process by `govqueue export` and, for the server, in a separate worker process
(server/exports/worker.py) so that a long export never competes with calls for the event
loop, the GIL or the garbage collector of the serving process.
"""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import Engine
from sqlmodel import Session

from server.domain.errors import InvalidInput
from server.domain.indicators import GROUPINGS
from server.domain.texts import text
from server.exports.details import csv_lines, xlsx_rows
from server.exports.masking import mask_name, mask_phone
from server.exports.report_data import ReportData
from server.exports.worker_command import worker_command, worker_env
from server.queries.complaints import ComplaintFilter, stream_complaints
from server.queries.stats.indicators import Scope, compute
from server.queries.stats.labels import load_labels
from server.queries.stats.records import count_records

Progress = Callable[[int], None]
MAX_DETAIL_SHEETS = 4  # beyond 4 × 1,048,575 rows the 明细 goes to CSV


def hall_name(session: Session, scope: Scope) -> str:
    labels = load_labels(session, scope.hall_ids)
    if scope.hall_ids is not None and len(scope.hall_ids) == 1:
        return labels.halls.get(str(scope.hall_ids[0]), "")
    return "全部大厅"


def gather(
    session: Session, scope: Scope, *, counts_basic: bool, build: Engine | None = None
) -> ReportData:
    """Every grouping's indicators; with `build`, closed days are rolled up on the way."""
    groupings = [
        g for g in GROUPINGS if g != "hall" or scope.hall_ids is None or len(scope.hall_ids) > 1
    ]
    results = compute(session, scope, groupings, counts_basic=counts_basic, build=build)
    total = results.pop("total").total
    return ReportData(
        scope=scope,
        hall_name=hall_name(session, scope),
        generated_at=scope.now.astimezone(scope.zone).strftime("%Y-%m-%d %H:%M:%S"),
        indicators=results,
        total=total,
        ticket_count=int(total["issued"]),  # every ticket of the period, as the 明细 lists them
    )


def check_xlsx_rows(rows: int, rows_per_sheet: int) -> None:
    if rows > rows_per_sheet * MAX_DETAIL_SHEETS:
        raise InvalidInput(
            text(
                "export.too_many_rows",
                rows=f"{rows:,}",
                limit=f"{rows_per_sheet * MAX_DETAIL_SHEETS:,}",
            ),
            code="too_many_rows",
        )


def _masked_complaints(items: Iterator[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for item in items:
        item["complainant_name"] = mask_name(item.get("complainant_name"))
        item["complainant_phone"] = mask_phone(item.get("complainant_phone"))
        yield item


def write_xlsx(
    engine: Engine,
    scope: Scope,
    path: Path,
    *,
    counts_basic: bool,
    details: bool = True,
    progress: Progress = lambda _n: None,
    on_total: Callable[[int], None] = lambda _n: None,
    rows_per_sheet: int | None = None,
) -> ReportData:
    from server.exports.layout import ROWS_PER_SHEET
    from server.exports.rectification_items import rectification_items  # numpy: see indicators.py
    from server.exports.xlsx import write_workbook

    rows_per_sheet = rows_per_sheet or ROWS_PER_SHEET
    with Session(engine) as session:
        data = gather(session, scope, counts_basic=counts_basic, build=engine)
        if details:
            check_xlsx_rows(data.ticket_count, rows_per_sheet)
        on_total(data.ticket_count if details else 0)
        hall_ids = scope.hall_ids
        write_workbook(
            path,
            data,
            tickets=(
                lambda style: xlsx_rows(
                    session, hall_ids, scope.start, scope.end, scope.zone, style
                )
            )
            if details
            else None,
            rectifications=rectification_items(session, scope),
            complaints=_masked_complaints(
                stream_complaints(session, ComplaintFilter(hall_ids, *scope.bounds), scope.now)
            ),
            progress=progress,
            rows_per_sheet=rows_per_sheet,
        )
    return data


def write_csv(
    engine: Engine,
    scope: Scope,
    out: BinaryIO,
    *,
    progress: Progress = lambda _n: None,
    on_total: Callable[[int], None] = lambda _n: None,
    split: bool = True,
) -> int:
    """The 明细 as CSV (UTF-8 with BOM, so Excel opens it without garbling). A period of more
    than SPLIT_DAYS days is written by two processes at once (the database's formatting is
    most of the cost): a helper writes the second half to a temporary file while this one
    writes the first half, then the file is appended."""
    from server.exports.csv_file import write_heading

    days = (scope.end - scope.start).days + 1
    with Session(engine) as session:
        on_total(count_records(session, scope.hall_ids, scope.start, scope.end))
    if not split or days <= SPLIT_DAYS:
        write_heading(out)
        return write_csv_part(engine, scope, out, progress)
    middle = scope.start + timedelta(days=days // 2)
    first = replace(scope, end=middle - timedelta(days=1))
    second = replace(scope, start=middle)
    with tempfile.TemporaryDirectory(prefix="govqueue-csv-") as folder:
        part = Path(folder) / "second.csv"
        # the with block closes the helper's stderr pipe and waits for it, whatever happens
        with _csv_helper(engine, second, part) as helper:
            try:
                write_heading(out)
                total = write_csv_part(engine, first, out, progress)
                _, problem = helper.communicate()  # its stderr read while it runs: never stuck
                if helper.returncode != 0:
                    said = problem.decode(errors="replace") if problem else ""
                    raise RuntimeError(f"CSV helper failed: {said[-2000:]}")
                with part.open("rb") as rest:
                    while chunk := rest.read(1 << 20):
                        out.write(chunk)
                        progress(chunk.count(b"\n"))
                        total += chunk.count(b"\n")
            finally:
                if helper.poll() is None:
                    helper.kill()
        out.flush()
    return total


SPLIT_DAYS = 40


def write_csv_part(engine: Engine, scope: Scope, out: BinaryIO, progress: Progress) -> int:
    from server.exports.csv_file import write_records

    with Session(engine) as session:
        lines = csv_lines(session, scope.hall_ids, scope.start, scope.end, scope.zone)
        return write_records(out, lines, progress)


def _csv_helper(engine: Engine, scope: Scope, path: Path) -> subprocess.Popen[bytes]:
    """`python -m server.exports.worker --format csv-part` for `scope`, into `path`."""
    url = engine.url.render_as_string(hide_password=False)
    return subprocess.Popen(
        worker_command(scope, "--format", "csv-part", "--out", str(path)),
        env=worker_env(url),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
