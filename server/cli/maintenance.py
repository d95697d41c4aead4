"""`govqueue maintenance run`: the nightly maintenance by hand (server/maintenance/nightly.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from server.cli.common import DbOption, console, fail, settings_for
from server.cli.database import database_url, migrated_writer, opened

maintenance_app = typer.Typer(help="The nightly maintenance.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(maintenance_app, name="maintenance")


@maintenance_app.command("run")
def run(
    db: DbOption = None,
    data_dir: Annotated[Path | None, typer.Option(help="Data directory")] = None,
) -> None:
    """Run the due night's maintenance now (rollup of closed days, personal-data retention,
    backup to GOVQUEUE_BACKUP_DIR, WAL checkpoint), unless it ran already; works while the
    server runs."""
    import asyncio

    from server.domain.clock import SystemClock
    from server.maintenance.nightly import Nightly
    from server.store.job import Call
    from server.store.transaction import transaction

    settings = settings_for(db, data_dir)
    url = database_url(settings)
    clock = SystemClock()
    with opened(url):
        engine = migrated_writer(url)

        async def write(job: Call[Any]) -> Any:
            with transaction(engine, clock) as tx:
                return job(tx)

        try:
            done = asyncio.run(Nightly(settings, url, clock, write, runner="cli").run_due())
        finally:
            engine.dispose()
    if done is None:
        console.print("本夜的维护已完成或正在进行，无需再做。")
        return
    from sqlmodel import Session

    from server.queries.maintenance import recent_runs
    from server.store.engine import make_engine

    reader = make_engine(url)
    with Session(reader) as session:
        last = recent_runs(session, 1)[0]
    reader.dispose()
    for step in last.steps:
        mark = "[green]✓[/green]" if step.ok else "[red]✗[/red]"
        console.print(f"{mark} {step.step}：{step.detail}", soft_wrap=True)
    if not last.ok:
        raise fail("夜间维护有步骤失败（见上）。", 1)
