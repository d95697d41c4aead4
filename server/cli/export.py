"""`govqueue export`: the statistics workbook (XLSX) or the 明细 (CSV), straight from the database."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from server.cli.common import DbOption, settings_for
from server.cli.database import database_url, opened


def _fail(console: Console, message: str) -> typer.Exit:
    console.print(f"[red]{message}[/red]")
    return typer.Exit(2)


def export(
    hall: Annotated[
        str, typer.Option("--hall", help="Hall id or code (大厅编号或编码); 'all' = every hall")
    ],
    start: Annotated[str, typer.Option("--from", help="First business day YYYY-MM-DD")],
    out: Annotated[Path, typer.Option("--out", help="File to write")],
    end: Annotated[
        str | None, typer.Option("--to", help="Last business day (default: --from)")
    ] = None,
    format: Annotated[str, typer.Option("--format", help="xlsx (workbook) or csv (明细)")] = "xlsx",
    details: Annotated[
        bool, typer.Option("--details/--no-details", help="XLSX: include the 明细 sheet(s)")
    ] = True,
    db: DbOption = None,
) -> None:
    """Export a period's statistics: XLSX (汇总, groupings, 明细, 差评整改, 投诉) or CSV (明细)."""
    from sqlmodel import Session, select

    from server.api.stats_scope import parse_day, period
    from server.domain.calendar import hall_zone
    from server.domain.clock import SystemClock
    from server.domain.errors import DomainError
    from server.exports.report import write_csv, write_xlsx
    from server.queries.stats.indicators import Scope
    from server.store import migrate
    from server.store.engine import make_engine
    from server.store.tables import Hall

    console = Console(stderr=True)
    if format not in ("xlsx", "csv"):
        raise _fail(console, f"格式“{format}”无效，应为 xlsx 或 csv。")
    settings = settings_for(db)
    url = database_url(settings)
    with opened(url):
        if not migrate.is_up_to_date(url):
            raise _fail(console, "数据库不存在或未升级，请先运行 govqueue db upgrade。")
    try:
        first, last = parse_day(start, "--from"), parse_day(end, "--to")
    except DomainError as exc:
        raise _fail(console, exc.message) from None
    engine = make_engine(url)
    try:
        with opened(url), Session(engine) as session:
            hall_ids: tuple[int, ...] | None = None
            zone_name = settings.default_timezone
            if hall == "all":
                pass
            else:
                query = select(Hall).where(
                    Hall.id == int(hall) if hall.isdigit() else Hall.code == hall
                )
                found = session.exec(query).first()
                if found is None:
                    raise _fail(console, f"大厅“{hall}”不存在，请用大厅编号或编码。")
                hall_ids, zone_name = (found.id or 0,), found.timezone
        zone = hall_zone(zone_name)
        now = SystemClock().now()
        first_day, last_day = period(first, last, first or date.today())
        scope = Scope(hall_ids, first_day, last_day, now, zone)
        columns = [
            TextColumn("[bold]导出[/bold] {task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
        ]
        with Progress(*columns, console=console, transient=False) as bar:
            task = bar.add_task(f"{first_day} 至 {last_day}", total=None)

            def on_total(n: int) -> None:
                bar.update(task, total=max(n, 1))
                if not console.is_terminal:
                    console.print(f"明细 {n} 行，开始写入 {out} …")

            def advance(n: int) -> None:
                bar.advance(task, n)

            if format == "xlsx":
                write_xlsx(
                    engine,
                    scope,
                    out,
                    counts_basic=settings.satisfaction_counts_basic,
                    details=details,
                    progress=advance,
                    on_total=on_total,
                )
            else:
                with out.open("wb") as handle:
                    write_csv(engine, scope, handle, progress=advance, on_total=on_total)
    except DomainError as exc:
        raise _fail(console, exc.message) from None
    finally:
        engine.dispose()
    size = out.stat().st_size
    print(f"已导出 {out}（{size / 1024 / 1024:.1f} MB）", file=sys.stdout)


def register(app: typer.Typer) -> None:
    app.command("export")(export)
