"""`govqueue hcp …`: the 好差评 platform (docs/platform.md)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from server.cli.common import DbOption, console, fail, settings_for
from server.cli.database import database_url, migrated_writer, opened

hcp_app = typer.Typer(help="好差评 to the government platform.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(hcp_app, name="hcp")


def _day(raw: str, option: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise fail(f"{option} 应是日期 YYYY-MM-DD（收到“{raw}”）。", 2) from None


@hcp_app.command("replay")
def replay(
    start: Annotated[str, typer.Option("--from", help="First day (YYYY-MM-DD, the hall's days)")],
    end: Annotated[str, typer.Option("--to", help="Last day, inclusive")],
    hall: Annotated[
        str | None, typer.Option("--hall", help="Hall code (default: every hall that reports)")
    ] = None,
    db: DbOption = None,
) -> None:
    """Send a period's ratings again (e.g. after the platform lost data), with the same keys.

    Every rating made on those days, with its 整改 and 回访, is queued again as it is now; the
    server's sender delivers them (works while `govqueue serve` runs)."""
    from server.commands.platform_records import replay as replay_period
    from server.domain.clock import SystemClock
    from server.store.transaction import transaction

    first, last = _day(start, "--from"), _day(end, "--to")
    if first > last:
        raise fail(f"--from（{first}）不能晚于 --to（{last}）。", 2)
    if (last - first).days > 366:
        raise fail("一次最多重发 367 天，请分段执行。", 2)
    url = database_url(settings_for(db))
    with opened(url):
        engine = migrated_writer(url)
        try:
            with transaction(engine, SystemClock()) as tx:
                done = replay_period(tx, hall, first, last)
        finally:
            engine.dispose()
    if not done.resent and not done.written:
        where = f"大厅 {hall} " if hall else ""
        raise fail(f"{where}没有配置好差评平台（大厅文件的 [platform]），没有可重发的记录。")
    for code in done.resent:
        console.print(
            f"大厅 {code}：{first} 至 {last} 重新排队 {done.resent[code]} 条记录，"
            f"新写入 {done.written[code]} 条；由运行中的服务发送。",
            soft_wrap=True,
        )
