"""The nightly maintenance, on a server whose clock the test moves: after 02:00 the closed
day is rolled up, personal data past its retention is cleared, a backup is taken, the WAL is
truncated; each night runs once; nights the server missed are caught up; every run is
logged and listed for the console."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session

from server.domain.clock import ManualClock
from server.maintenance import backups
from server.maintenance.nightly import Nightly, due_night
from server.queries.stats.rollup import plan
from server.store.engine import make_engine
from tests.helpers import (
    HALL_OPENING,
    LiveServer,
    migrated_database,
    open_window,
    seed_hall,
    start_server,
)

SH = ZoneInfo("Asia/Shanghai")


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SH).astimezone(UTC)


def test_the_night_of_a_day_is_due_after_two_in_the_morning() -> None:
    thursday = date(2026, 11, 26)
    assert due_night(local(thursday + timedelta(days=1), 1, 59), SH) == thursday - timedelta(1)
    assert due_night(local(thursday + timedelta(days=1), 2, 0), SH) == thursday
    assert due_night(local(thursday, 23, 0), SH) == thursday - timedelta(days=1)


def rolled_up(server: LiveServer, hall_id: int, day: date, now: datetime) -> bool:
    engine = make_engine(str(server.settings.database_url))
    try:
        with Session(engine) as session:
            return (hall_id, day.toordinal()) in plan(session, (hall_id,), day, day, SH, now).cached
    finally:
        engine.dispose()


async def runs(server: LiveServer, supervisor: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = await supervisor.request("GET", "/maintenance/runs")
    return found


async def a_morning(server: LiveServer, hall: Any, clerk: Any) -> None:
    kiosk = server.client(hall.kiosk_token)
    for _ in range(2):
        ticket = await kiosk.issue_ticket(hall.services["A"])
        await clerk.call_next(hall.windows["1"])
        await clerk.ticket_action(ticket["id"], "start")
        await clerk.ticket_action(ticket["id"], "finish", {"outcome": "done"})


async def test_nightly_maintenance_runs_each_night_once_and_catches_up(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="govqueue.maintenance")
    clock = ManualClock(HALL_OPENING)  # Thursday 2026-11-26 09:00
    thursday = date(2026, 11, 26)
    async with start_server(
        tmp_path, clock, backup_dir=tmp_path / "backups", personal_data_days=180
    ) as server:
        nightly = Nightly(server.settings, str(server.settings.database_url), clock,
                          server.runtime.write)  # fmt: skip
        hall = await seed_hall(server)
        clerk = await open_window(server, hall, "1")
        sup = await server.login(hall.supervisor_no)
        await a_morning(server, hall, clerk)
        complaint = await sup.request(
            "POST",
            "/complaints",
            json={"channel": "phone", "content": "等候时间太长", "complainant_name": "张三",
                  "complainant_phone": "13800001234"},
        )  # fmt: skip
        await sup.request(
            "POST", f"/complaints/{complaint['id']}/handle", json={"result": "已致歉"}
        )

        assert await nightly.run_due() is not None  # Wednesday's night, at once
        assert await nightly.run_due() is None, "one run per night"
        clock.set(local(thursday + timedelta(days=1), 1, 30))
        assert await nightly.run_due() is None, "Thursday's night starts at 02:00"
        assert not rolled_up(server, hall.hall_id, thursday, clock.now())

        clock.set(local(thursday + timedelta(days=1), 2, 30))
        assert await nightly.run_due() is not None
        assert rolled_up(server, hall.hall_id, thursday, clock.now())
        (latest, wednesday) = await runs(server, sup)
        assert latest["night"] == "2026-11-26" and latest["ok"] is True, latest
        assert [s["step"] for s in latest["steps"]] == [
            "rollup",
            "retention",
            "backup",
            "checkpoint",
        ]
        assert all(s["ok"] for s in latest["steps"]) and wednesday["night"] == "2026-11-25"
        assert "WAL 已写回并截断" in latest["steps"][3]["detail"]
        (backup,) = backups.backups_in(tmp_path / "backups")[-1:]
        assert backup.manifest["tickets"] == 2
        assert "nightly maintenance for 2026-11-26: rollup ok" in caplog.text

        # Friday and Saturday are worked; the server is off Saturday night and Sunday night
        for day in (thursday + timedelta(days=1), thursday + timedelta(days=2)):
            clock.set(local(day, 10))
            await a_morning(server, hall, clerk)
        clock.set(local(thursday + timedelta(days=4), 3))  # Monday 03:00
        assert await nightly.run_due() is not None
        for day in (thursday + timedelta(days=1), thursday + timedelta(days=2)):
            assert rolled_up(server, hall.hall_id, day, clock.now()), day
        latest = (await runs(server, sup))[0]
        assert latest["night"] == "2026-11-29" and latest["steps"][0]["detail"] == "3 天"

        stored = await sup.request("GET", f"/complaints/{complaint['id']}")
        assert stored["complainant_phone"], "kept while within the retention period"
        clock.set(local(thursday + timedelta(days=200), 3))
        assert await nightly.run_due() is not None
        latest = (await runs(server, sup))[0]
        cleared = latest["steps"][1]["detail"].split("，")
        assert "投诉人姓名和电话 1 条" in cleared  # and each other registered job's count
        assert "预约人的证件号（哈希及后四位）、姓名和电话 0 条" in cleared
        stored = await sup.request("GET", f"/complaints/{complaint['id']}")
        assert stored["complainant_name"] is None and stored["complainant_phone"] is None
        assert stored["content"] == "等候时间太长" and stored["state"] == "closed"


async def test_the_server_runs_the_due_night_itself(tmp_path: Path) -> None:
    clock = ManualClock(HALL_OPENING)
    async with start_server(tmp_path, clock, nightly_maintenance=True) as server:
        sup = await server.login((await seed_hall(server)).supervisor_no)
        while not (found := await runs(server, sup)) or found[0]["ok"] is None:
            pass  # the server's first check runs at start
        assert found[0]["night"] == "2026-11-25" and found[0]["runner"] == "server"


def test_the_command_runs_the_due_night_once(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from server.cli.main import app

    command = ["maintenance", "run", "--db", migrated_database(tmp_path)]
    first = CliRunner().invoke(app, command)  # today's due night, by the real clock
    assert first.exit_code == 0, first.output
    assert "✓ rollup" in first.output and "✓ checkpoint" in first.output
    again = CliRunner().invoke(app, command)
    assert again.exit_code == 0 and "无需再做" in again.output
