"""`govqueue plan`: how many windows to open hour by hour, from the hall's own history."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from server.cli.common import DbOption, settings_for
from server.cli.database import database_url, opened


def _fail(message: str) -> typer.Exit:
    Console(stderr=True).print(f"[red]{message}[/red]", soft_wrap=True)
    return typer.Exit(2)


def plan(
    hall: Annotated[str, typer.Option("--hall", help="Hall code (大厅编码), e.g. DEMO")],
    start: Annotated[str, typer.Option("--from", help="First day of history, YYYY-MM-DD")],
    end: Annotated[str, typer.Option("--to", help="Last day of history, YYYY-MM-DD")],
    day: Annotated[str, typer.Option("--day", help="The day to plan, YYYY-MM-DD")],
    target_minutes: Annotated[
        int | None,
        typer.Option(
            "--target-minutes",
            help="Target wait for every service (default: each service's own target)",
        ),
    ] = None,
    runs: Annotated[int, typer.Option("--runs", help="Simulated days (Monte Carlo runs)")] = 20,
    seed: Annotated[int, typer.Option("--seed", help="Random seed (same seed, same plan)")] = 1,
    xlsx: Annotated[Path | None, typer.Option("--xlsx", help="Also write the plan as XLSX")] = None,
    db: DbOption = None,
) -> None:
    """Recommend open windows per hour for --day (the fewest with which 90 % of each hour's
    applicants are called within the target), from the arrivals and handling times of
    --from..--to; compare with the current staffing. A seeded Monte Carlo of the day."""
    from sqlmodel import Session

    from server.api.stats_scope import parse_day
    from server.cli.plan_report import print_plan
    from server.domain.clock import SystemClock
    from server.domain.errors import DomainError
    from server.queries.plan_request import PlanRequest, hall_id_of
    from server.queries.staffing_plan import staffing_plan
    from server.store import migrate
    from server.store.engine import make_engine

    try:
        first, last, planned = (
            parse_day(start, "--from"),
            parse_day(end, "--to"),
            parse_day(day, "--day"),
        )
    except DomainError as exc:
        raise _fail(exc.message) from None
    assert first is not None and last is not None and planned is not None  # options required
    settings = settings_for(db)
    url = database_url(settings)
    console = Console()
    with opened(url):
        if not migrate.is_up_to_date(url):
            raise _fail("数据库不存在或未升级，请先运行 govqueue db upgrade。")
        engine = make_engine(url)
        try:
            with Session(engine) as session:
                hall_id = hall_id_of(session, hall)
                request = PlanRequest(hall_id, first, last, planned, target_minutes, runs, seed)
                with console.status(f"正在模拟 {runs} 个 {planned} …"):
                    report = staffing_plan(
                        session,
                        request,
                        now=SystemClock().now(),
                        calendar=settings.working_calendar(),
                    )
        except DomainError as exc:
            raise _fail(exc.message) from None
        finally:
            engine.dispose()
    print_plan(console, report)
    if xlsx is not None:
        from server.exports.plan_xlsx import write_plan_xlsx

        write_plan_xlsx(report, xlsx)
        console.print(f"已写入 {xlsx}", soft_wrap=True)


def register(app: typer.Typer) -> None:
    app.command("plan")(plan)
