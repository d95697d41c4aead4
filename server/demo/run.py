"""`govqueue demo`: a whole business day in about a minute, through the real server."""

from __future__ import annotations

import asyncio
import tempfile
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from client.rest import ApiClient
from server.app import create_app
from server.commands.admin import create_staff
from server.demo import scenario
from server.demo.report import print_report
from server.demo.simulation import DaySimulation
from server.domain.clock import ScaledClock, SystemClock
from server.domain.enums import Role
from server.embedded import running_server
from server.settings import Settings
from server.store import migrate
from server.store.engine import make_engine
from server.store.transaction import transaction

ADMIN_NO, ADMIN_PASSWORD = "admin", "demo-admin-pass"
ZONE = ZoneInfo("Asia/Shanghai")


def run_demo(*, speed: float, seed: int, data_dir: Path | None, port: int, console: Console) -> int:
    if data_dir is None:
        data_dir = Path(tempfile.mkdtemp(prefix="govqueue-demo-"))
    elif (data_dir / "govqueue.db").exists():
        console.print(
            f"[red]{data_dir} 中已有数据库；演示需要一个空目录，请换一个目录或删除它。[/red]"
        )
        return 2
    return asyncio.run(_demo(speed, seed, data_dir, port, console))


async def _demo(speed: float, seed: int, data_dir: Path, port: int, console: Console) -> int:
    settings = Settings(data_dir=data_dir, queue_counts_interval_s=0.25)
    url = settings.resolved_database_url()
    console.print(
        f"[bold]govqueue 演示[/bold]：模拟一个工作日 09:00–17:00（{speed:g} 倍速），数据库 {url}"
    )
    await asyncio.to_thread(migrate.upgrade, url)
    engine = make_engine(url, writer=True)
    with transaction(engine, SystemClock()) as tx:
        create_staff(tx, ADMIN_NO, "演示管理员", Role.admin, ADMIN_PASSWORD, None)
    engine.dispose()

    day = datetime.now(ZONE).date()  # today, read now (never frozen at start-up)
    clock = ScaledClock(scenario.local(day, "08:55", ZONE), speed, running=False)
    async with running_server(create_app(settings, clock), port=port) as base:
        console.print(f"服务器已启动：{base}  （接口文档 {base}/docs）")
        admin = ApiClient(base)
        await admin.login(ADMIN_NO, ADMIN_PASSWORD)
        sim = DaySimulation(base, clock, day, ZONE, seed, admin)
        await sim.seed()
        console.print("已建立：4 项业务、6 个窗口、7 名工作人员、1 台取号机、6 台评价器")
        clock.run()
        run = asyncio.create_task(sim.run())
        await _show_progress(console, sim, clock, run)
        await run
        by_service = await admin.indicators(
            sim.hall.hall_id, group_by="service", start=day.isoformat()
        )
        by_window = await admin.indicators(
            sim.hall.hall_id, group_by="window", start=day.isoformat()
        )
        await sim.close()
        await admin.aclose()
    t = sim.tally
    console.print(
        f"取号 {t.issued} 张（另有 {t.refused} 次被拒：{t.last_error or '—'}），办结 {t.served}，"
        f"过号 {t.no_shows}，转办 {t.transfers}，评价 {t.evaluations}"
    )
    print_report(console, day.isoformat(), by_service, by_window)
    console.print(f"\n明细与数据库保留在 {data_dir}")
    return 0


async def _show_progress(
    console: Console, sim: DaySimulation, clock: ScaledClock, run: asyncio.Task[None]
) -> None:
    start, end = sim.at("09:00"), sim.at("17:00")
    total = (end - start).total_seconds()
    columns = [
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.fields[info]}"),
        TimeElapsedColumn(),
    ]
    with Progress(*columns, console=console, transient=False) as progress:
        task = progress.add_task("模拟时间 09:00", total=total, info="")
        while not run.done():
            now = clock.now()
            t = sim.tally
            progress.update(
                task,
                completed=min(total, max(0.0, (now - start).total_seconds())),
                description=f"模拟时间 {now.astimezone(ZONE):%H:%M}",
                info=f"取号 {t.issued} · 办结 {t.served} · 过号 {t.no_shows} · 评价 {t.evaluations}",
            )
            await asyncio.sleep(0.2)
        progress.update(task, completed=total)
