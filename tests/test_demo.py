"""`govqueue demo`: a faithful simulated day — the same seed gives the same day at any speed —
and the history it leaves behind, which `govqueue plan` reads."""

from __future__ import annotations

import asyncio
import os
import re
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from server.demo.des import Scheduler
from server.domain.clock import ManualClock
from tests.test_cli import GOVQUEUE, run
from tests.test_plan_cli import HOUR_LINE, day_total

DAY = "2026-03-03"  # a Tuesday
FIRST_DAY = "2026-03-02"  # the working day before it: `--days 2` simulates both
TICKETS = (
    "select t.number, t.status, t.outcome, t.source, t.priority, t.issued_at, t.called_at, "
    "t.serving_started_at, t.finished_at, w.number from ticket t "
    "left join window w on w.id = t.window_id where t.business_day = ? order by t.id"
)


def start_demo(data_dir: Path, speed: str, days: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            GOVQUEUE,
            "demo",
            "--seed",
            "7",
            "--day",
            DAY,
            "--days",
            str(days),
            "--speed",
            speed,
            "--data-dir",
            str(data_dir),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "GOVQUEUE_NO_GUI": "1"},
    )


def report(out: str) -> str:
    """Everything the demo prints about the day (not where its files are)."""
    return out[out.index("取号机取号") : out.index("明细与数据库保留在")]


@pytest.mark.slow
@pytest.mark.timeout(600)  # three whole days, a plan, then a third start: minutes when busy
def test_the_same_seed_gives_the_same_day_at_any_speed(tmp_path: Path) -> None:
    """Both at once (two cores): two working days unpaced (the day before draws a seed of its
    own; the day reported keeps the seed's), and the reported day alone paced at 4000× real
    time: the same day, table for table and ticket for ticket. Then a plan from the two days."""
    runs = {
        "0": start_demo(tmp_path / "0", "0", 2),
        "4000": start_demo(tmp_path / "4000", "4000", 1),
    }
    outputs = {speed: proc.communicate(timeout=600) for speed, proc in runs.items()}
    for speed, proc in runs.items():
        assert proc.returncode == 0, outputs[speed][0][-3000:] + outputs[speed][1][-3000:]
    fast, paced = outputs["0"][0], outputs["4000"][0]
    assert f"模拟 {FIRST_DAY} 至 {DAY} 共 2 个工作日" in fast
    assert report(fast) == report(paced)
    tickets = {
        speed: sqlite3.connect(tmp_path / speed / "govqueue.db").execute(TICKETS, (DAY,)).fetchall()
        for speed in runs
    }
    assert tickets["0"] == tickets["4000"] and len(tickets["0"]) > 150

    # Piped to a file (no terminal): one line per simulated hour, then the end of the day.
    hours = re.findall(r"^(\d\d:00) 取号 (\d+) · 办结 (\d+)", fast, re.M)
    assert [h for h, _, _ in hours] == [f"{h}:00" for h in range(10, 18)]
    assert [int(i) for _, i, _ in hours] == sorted(int(i) for _, i, _ in hours)
    assert re.search(r"^1[78]:\d\d 全部窗口已关闭", fast, re.M)

    # The header explains the tables' 取号量: kiosk tickets plus the transfers' new tickets.
    total, kiosk, transfers = map(
        int,
        re.search(
            r"表中“取号量”合计 (\d+) = 取号机取号 (\d+) \+ 转办生成的新号 (\d+)", fast
        ).groups(),  # type: ignore[union-attr]
    )
    sources = [t[3] for t in tickets["0"]]
    assert kiosk == sources.count("kiosk") and transfers == sources.count("transfer") > 0
    assert total == kiosk + transfers == len(tickets["0"])
    first_table = fast[fast.index("办事效率") :]
    assert re.search(rf"│ 合计\s+│\s+{total} │", first_table)
    for heading in ("满意度与异常办理", "窗口服务", "户籍办理", "社保医保", "6号窗口"):
        assert heading in fast, heading

    # A faithful day: numbers unique per service, most served, and served in queue order.
    numbers = [t[0] for t in tickets["0"]]
    assert len(numbers) == len(set(numbers))
    done = sum(1 for t in tickets["0"] if t[1] == "done")
    assert done > 0.85 * kiosk
    # The demo refuses to reuse a directory that holds a database.
    again = run("demo", "--data-dir", str(tmp_path / "0"))
    assert again.returncode == 2 and "空目录" in again.stderr

    plan_from_the_two_days(tmp_path / "0", fast)


def plan_from_the_two_days(folder: Path, demo_output: str) -> None:
    """`govqueue plan` for the next day on the database the two simulated days left behind:
    its expected day is the mean of the two (kiosk tickets and transfers)."""
    first_day = re.search(rf"^{FIRST_DAY}（第 1 天）取号 (\d+)", demo_output, re.M)
    last_day = re.search(r"表中“取号量”合计 (\d+)", demo_output)
    assert first_day and last_day
    result = run(
        "plan", "--db", f"sqlite:///{folder / 'govqueue.db'}", "--hall", "DEMO",
        "--from", FIRST_DAY, "--to", DAY, "--day", "2026-03-04", "--runs", "10",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("示范区政务服务中心（DEMO）2026-03-04（周三）开窗建议")
    assert [h[0] for h in HOUR_LINE.findall(out)][:8] == [f"{h:02d}" for h in range(9, 17)]
    assert "按 2 个“工作日”的平均估计" in out and f"“现行”为 {DAY} 的实际开窗" in out
    expected, _ = day_total(out)
    issued = (int(first_day.group(1)), int(last_day.group(1)))
    assert min(issued) * 0.9 <= expected <= max(issued) * 1.1


async def test_simultaneous_events_run_in_the_order_they_were_scheduled() -> None:
    clock = ManualClock(datetime(2026, 3, 2, 1, 0, tzinfo=UTC))
    sim = Scheduler(clock, speed=None)
    log: list[tuple[str, float]] = []

    def seen(name: str) -> None:
        log.append((name, (clock.now() - datetime(2026, 3, 2, 1, 0, tzinfo=UTC)).total_seconds()))

    async def sleeper(name: str, pause: float) -> None:
        await asyncio.sleep(0.01 if name == "slow" else 0)  # real time does not matter
        await sim.sleep(pause)
        seen(name)
        sim.notify("bell")

    async def waiter(name: str) -> None:
        notified = await sim.wait(["bell"], 100)
        seen(f"{name} {'notified' if notified else 'timed out'}")

    sim.spawn(waiter("w1"))
    sim.spawn(sleeper("slow", 5))
    sim.spawn(sleeper("fast", 5))
    sim.spawn(waiter("w2"), delay=6)
    await sim.run()
    # "slow" was started first, so it goes first although it takes longer in real time;
    # the waiter it notifies runs after "fast", which was scheduled before the notification.
    assert log == [
        ("slow", 5.0),
        ("fast", 5.0),
        ("w1 notified", 5.0),
        ("w2 timed out", 106.0),
    ]


async def test_an_actor_failure_stops_the_day() -> None:
    sim = Scheduler(ManualClock(datetime(2026, 3, 2, tzinfo=UTC)), speed=None)

    async def broken() -> None:
        await sim.sleep(1)
        raise RuntimeError("boom")

    async def forever() -> None:
        while True:
            await sim.sleep(60)

    sim.spawn(broken())
    sim.spawn(forever())
    with pytest.raises(RuntimeError, match="boom"):
        await sim.run()
