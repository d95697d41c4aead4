"""`govqueue demo`: a whole business day through the real server, in about a minute.

The demo owns the server's clock (a ManualClock) and moves it with a discrete-event scheduler,
so a seed reproduces the same day exactly at any speed and on any machine. `--speed` only
paces real time (0: as fast as the server answers).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from client.rest import ApiClient
from server.app import create_app
from server.commands.admin import create_staff, new_password_hash, new_staff_row
from server.demo import scenario
from server.demo.des import Scheduler
from server.demo.report import print_report, print_totals
from server.demo.simulation import DaySimulation, Hall
from server.domain.calendar import WorkingCalendar
from server.domain.clock import ManualClock, SystemClock
from server.domain.enums import Role
from server.embedded import running_server
from server.settings import Settings
from server.store import migrate
from server.store.engine import make_engine
from server.store.transaction import transaction

ADMIN_NO, ADMIN_PASSWORD = "admin", "demo-admin-pass"
ZONE = ZoneInfo("Asia/Shanghai")
DAY_START, DAY_END = "09:00", "17:00"


@dataclass(frozen=True)
class DemoHall:
    """What a viewer of the simulated day needs, handed to `on_ready` once the hall is set up
    and before the day starts (e.g. to open the hall display on it)."""

    base_url: str
    hall_id: int
    display_token: str
    kiosk_token: str
    day: date
    clock: ManualClock


OnReady = Callable[[DemoHall], Awaitable[None]]


def demo_database(data_dir: Path) -> str:
    return f"sqlite:///{(data_dir / 'govqueue.db').resolve()}"


def prepare_demo(data_dir: Path) -> str:
    """Create the demo's database (migrated, with the demo's admin account); its URL."""
    data_dir.mkdir(parents=True, exist_ok=True)
    url = demo_database(data_dir)
    migrate.upgrade(url)
    admin_password = new_password_hash(ADMIN_PASSWORD)  # before the transaction
    engine = make_engine(url, writer=True)
    try:
        with transaction(engine, SystemClock()) as tx:
            create_staff(
                tx, new_staff_row(ADMIN_NO, "演示管理员", Role.admin, admin_password, None)
            )
    finally:
        engine.dispose()
    return url


def run_demo(
    *,
    speed: float,
    seed: int,
    data_dir: Path,
    port: int,
    console: Console,
    day: date | None = None,
    on_ready: OnReady | None = None,
    days: int = 1,
) -> int:
    """Simulate the day (or the `days` working days ending with it) on the database
    `prepare_demo(data_dir)` made; print the report of the day."""
    day = day or datetime.now(ZONE).date()  # today, read now (never frozen at start-up)
    return asyncio.run(_demo(speed, seed, data_dir, port, console, demo_days(day, days), on_ready))


def demo_days(day: date, count: int) -> list[date]:
    """`day` and the working days before it (China's calendar: no weekends or holidays, 调休
    Saturdays worked), `count` in all, oldest first — weeks of history for `govqueue plan`."""
    calendar = WorkingCalendar()
    found = [day]
    before = day
    while len(found) < count:
        before -= timedelta(days=1)
        if calendar.is_working_day(before):
            found.append(before)
    return found[::-1]


async def _demo(
    speed: float,
    seed: int,
    data_dir: Path,
    port: int,
    console: Console,
    days: list[date],
    on_ready: OnReady | None,
) -> int:
    settings = Settings(
        data_dir=data_dir, database_url=demo_database(data_dir), queue_counts_interval_s=0.25
    )
    pace = f"{speed:g} 倍速" if speed > 0 else "不限速"
    day = days[-1]
    which = (
        f"{day} 一个工作日"
        if len(days) == 1
        else f"{days[0]} 至 {day} 共 {len(days)} 个工作日（报告为最后一天）"
    )
    console.print(
        f"[bold]govqueue 演示[/bold]：模拟 {which} {DAY_START}–{DAY_END}"
        f"（{pace}，种子 {seed}），数据库 {settings.database_url}",
        soft_wrap=True,
    )
    clock = ManualClock(scenario.local(days[0], "08:55", ZONE))
    async with running_server(create_app(settings, clock), port=port) as base:
        console.print(f"服务器已启动：{base}  （接口文档 {base}/docs）")
        admin = ApiClient(base)
        hall: Hall | None = None
        try:
            for n, today in enumerate(days, start=1):
                clock.set(scenario.local(today, "08:55", ZONE))
                await admin.login(ADMIN_NO, ADMIN_PASSWORD)  # yesterday's sign-in has expired
                scheduler = Scheduler(clock, speed=speed if speed > 0 else None)
                # the day reported keeps the seed's own day; the ones before draw their own
                sim = DaySimulation(base, scheduler, today, ZONE, seed - len(days) + n, admin, hall)
                try:
                    if hall is None:
                        await sim.seed_hall()
                        console.print(
                            f"已建立：{len(scenario.SERVICES)} 项业务、{len(scenario.WINDOWS)} 个窗口、"
                            f"{len(scenario.WINDOWS) + 1} 名工作人员、1 台取号机、1 块大厅显示屏、"
                            f"{len(scenario.WINDOWS)} 台评价器"
                        )
                        if on_ready is not None:
                            h = sim.hall
                            await on_ready(
                                DemoHall(
                                    base, h.hall_id, h.display_token, h.kiosk_token, today, clock
                                )
                            )
                    hall = sim.hall
                    await sim.start()
                    with _progress(console, sim, scheduler, hourly=today == day) as progress:
                        await scheduler.run()
                    if today != day:
                        console.print(f"{today}（第 {n} 天）{progress.summary()}")
                        continue
                    by_service = await admin.indicators(
                        sim.hall.hall_id, group_by="service", start=day.isoformat()
                    )
                    by_window = await admin.indicators(
                        sim.hall.hall_id, group_by="window", start=day.isoformat()
                    )
                finally:
                    await sim.close()
        finally:
            await admin.aclose()
    print_totals(console, sim.tally, by_service)
    print_report(console, day.isoformat(), by_service, by_window)
    console.print(f"\n明细与数据库保留在 {data_dir}", soft_wrap=True)
    return 0


class _progress:
    """Shows how the day goes: a live bar on a terminal, else one line per simulated hour."""

    def __init__(
        self, console: Console, sim: DaySimulation, scheduler: Scheduler, *, hourly: bool = True
    ) -> None:
        """`hourly`: without a terminal, a line per simulated hour (else none)."""
        self.console, self.sim, self.scheduler, self.hourly = console, sim, scheduler, hourly
        self.start, self.end = sim.at(DAY_START), sim.at(DAY_END)
        self.total = (self.end - self.start).total_seconds()
        self.bar: Progress | None = None
        self.task: Any = None
        self.next_hour = self.start.replace(hour=self.start.hour + 1)
        self.last_draw = 0.0

    def __enter__(self) -> _progress:
        if self.console.is_terminal:
            columns = [
                TextColumn("{task.description}"),
                BarColumn(),
                TextColumn("{task.fields[info]}"),
                TimeElapsedColumn(),
            ]
            self.bar = Progress(*columns, console=self.console, transient=not self.hourly)
            self.bar.__enter__()
            self.task = self.bar.add_task(f"模拟时间 {DAY_START}", total=self.total, info="")
        self.scheduler.on_instant = self.instant
        return self

    def __exit__(self, *exc: object) -> None:
        self.scheduler.on_instant = None
        if self.bar is not None:
            self.draw(self.scheduler.now(), final=True)
            self.bar.__exit__(None, None, None)
        elif exc[0] is None and self.hourly:
            self.console.print(
                f"{self.scheduler.now().astimezone(ZONE):%H:%M} 全部窗口已关闭 · {self.summary()}"
            )

    def summary(self) -> str:
        t = self.sim.tally
        return (
            f"取号 {t.issued} · 办结 {t.served} · 过号 {t.no_shows} · 转办 {t.transfers} · "
            f"评价 {t.evaluations}"
        )

    def instant(self, now: datetime) -> None:
        if self.bar is not None:
            if time.monotonic() - self.last_draw > 0.1:
                self.draw(now)
            return
        while self.hourly and now >= self.next_hour and self.next_hour <= self.end:
            self.console.print(f"{self.next_hour:%H:%M} {self.summary()}")
            self.next_hour = self.next_hour.replace(hour=self.next_hour.hour + 1)

    def draw(self, now: datetime, final: bool = False) -> None:
        assert self.bar is not None
        self.last_draw = time.monotonic()
        done = min(self.total, max(0.0, (now - self.start).total_seconds()))
        self.bar.update(
            self.task,
            completed=self.total if final else done,
            description=f"模拟时间 {now.astimezone(ZONE):%H:%M}",
            info=self.summary(),
        )
