"""`govqueue backup` during a ticket rush, `govqueue restore` into an empty data directory:
the restored database is the served one as of one commit (its tickets, events and seq a
consistent prefix of the original's), and a server started on it serves."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text

from client.rest import ApiClient
from server.store.engine import make_engine
from tests.helpers import STAFF_PASSWORD, fresh_database_url, migrated_database
from tests.processes import (
    GOVQUEUE,
    OneWindowHall,
    one_window_hall,
    start_server_process,
    stop_server_processes,
)

ENV = {**os.environ, "GOVQUEUE_SECRET_KEY": "process-test-secret-0123456789abcdef"}


async def govqueue(*args: str) -> tuple[int, str]:
    """The real command, run while the event loop goes on serving the rush."""
    proc = await asyncio.create_subprocess_exec(
        GOVQUEUE, *args, env=ENV, stdout=asyncio.subprocess.PIPE, stderr=subprocess.STDOUT
    )
    out, _ = await proc.communicate()
    return proc.returncode or 0, out.decode()


class Rush:
    """Six kiosks issuing and one window calling, until stopped."""

    def __init__(self, base: str, hall: OneWindowHall) -> None:
        self.base, self.hall = base, hall
        self.issued: list[int] = []
        self.calls = 0
        self.stop = asyncio.Event()

    async def kiosk(self) -> None:
        async with ApiClient(self.base, self.hall.kiosk_token, timeout=10) as kiosk:
            while not self.stop.is_set():
                self.issued.append((await kiosk.issue_ticket(self.hall.service_id))["id"])

    async def window(self) -> None:
        async with ApiClient(self.base, timeout=10) as clerk:
            await clerk.login(self.hall.staff_no, STAFF_PASSWORD)
            await clerk.window_action(self.hall.window_id, "open")
            while not self.stop.is_set():
                ticket = await clerk.call_next(self.hall.window_id)
                if ticket is None:
                    await asyncio.sleep(0.01)
                    continue
                self.calls += 1
                await clerk.ticket_action(ticket["id"], "start")
                await clerk.ticket_action(ticket["id"], "finish", {"outcome": "done"})

    async def until(self, tickets: int) -> None:
        while len(self.issued) < tickets:
            await asyncio.sleep(0.01)


def rows(engine: Engine, sql: str) -> list[tuple[Any, ...]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql)).all()]


def check_consistent_prefix(original: Engine, restored: Engine, hall_id: int) -> int:
    """The restored hall is the original as of one commit; returns its last seq."""
    (last_seq,) = rows(restored, f"SELECT last_seq FROM hall WHERE id = {hall_id}")[0]
    events = rows(
        restored, f"SELECT seq, type, data FROM event WHERE hall_id = {hall_id} ORDER BY seq"
    )
    assert [seq for seq, _, _ in events] == list(range(1, last_seq + 1)), "no gap, no extra"
    before = rows(
        original,
        f"SELECT seq, type, data FROM event WHERE hall_id = {hall_id} AND seq <= {last_seq} "
        "ORDER BY seq",
    )
    assert [(s, t, _data(d)) for s, t, d in events] == [(s, t, _data(d)) for s, t, d in before]
    issued = {_data(d)["ticket_id"] for _, t, d in events if t == "ticket.issued"}
    columns = "id, number, public_token, issued_at, sequence"
    tickets = rows(restored, f"SELECT {columns} FROM ticket WHERE hall_id = {hall_id} ORDER BY id")
    assert {t[0] for t in tickets} == issued, "every ticket of the log, and no other"
    same = rows(
        original,
        f"SELECT {columns} FROM ticket WHERE hall_id = {hall_id} AND id IN "
        f"({','.join(str(t[0]) for t in tickets)}) ORDER BY id",
    )
    assert tickets == same
    assert [t[4] for t in tickets] == list(range(1, len(tickets) + 1)), "numbers A001… in order"
    (last_number,) = rows(restored, "SELECT max(last_number) FROM ticketcounter")[0]
    assert last_number == len(tickets)
    called = {_data(d)["ticket_id"] for _, t, d in events if t == "ticket.called"}
    at_window = rows(
        restored, f"SELECT id FROM ticket WHERE hall_id = {hall_id} AND called_at IS NOT NULL"
    )
    assert {t[0] for t in at_window} == called, "ticket states agree with the restored log"
    return int(last_seq)


def _data(raw: Any) -> dict[str, Any]:
    return json.loads(raw) if isinstance(raw, str) else dict(raw)


async def test_a_backup_taken_during_a_rush_restores_to_a_server_that_serves(
    tmp_path: Path,
) -> None:
    url = migrated_database(tmp_path / "live")
    proc, base = await start_server_process(url, tmp_path / "live")
    try:
        hall = await one_window_hall(base, "BK", "备份测试大厅", staff_no="BK-1")
        rush = Rush(base, hall)
        tasks = [asyncio.create_task(rush.kiosk()) for _ in range(6)]
        tasks.append(asyncio.create_task(rush.window()))
        await rush.until(60)
        code, out = await govqueue(
            "backup", "--db", url, "--data-dir", str(tmp_path / "live"),
            "--to", str(tmp_path / "backups"),
        )  # fmt: skip
        assert code == 0, out
        during = len(rush.issued)
        await rush.until(during + 60)  # the rush went on through the backup and after it
        rush.stop.set()
        await asyncio.gather(*tasks)
        assert rush.calls > 0
    finally:
        stop_server_processes([proc])

    target = fresh_database_url(tmp_path / "restored")
    code, out = await govqueue(
        "restore",
        str(tmp_path / "backups"),
        "--db",
        target,
        "--data-dir",
        str(tmp_path / "restored"),
    )
    assert code == 0, out
    original, restored = make_engine(url), make_engine(target)
    try:
        last_seq = check_consistent_prefix(original, restored, hall.hall_id)
        (final_seq,) = rows(original, f"SELECT last_seq FROM hall WHERE id = {hall.hall_id}")[0]
        assert 0 < last_seq < final_seq, "a backup of the middle of the rush"
        (kept,) = rows(restored, "SELECT count(*) FROM ticket")[0]
        at_window = rows(
            restored, "SELECT id, status FROM ticket WHERE status IN ('called', 'serving')"
        )
    finally:
        original.dispose()
        restored.dispose()

    proc, base = await start_server_process(target, tmp_path / "restored")
    try:
        async with ApiClient(base, hall.kiosk_token) as kiosk:
            ticket = await kiosk.issue_ticket(hall.service_id)
            assert ticket["number"] == f"A{kept + 1:03d}", "numbering goes on from the backup"
        async with ApiClient(base) as clerk:
            await clerk.login(hall.staff_no, STAFF_PASSWORD)
            await clerk.window_action(hall.window_id, "open")  # open in the backup or not
            for ticket_id, status in at_window:  # what the window had in hand at the backup
                if status == "called":
                    await clerk.ticket_action(ticket_id, "start")
                await clerk.ticket_action(ticket_id, "finish", {"outcome": "done"})
            called = await clerk.call_next(hall.window_id)
            assert called is not None
    finally:
        stop_server_processes([proc])


async def test_restore_refuses_a_data_directory_in_use_and_a_damaged_backup(
    tmp_path: Path,
) -> None:
    url = migrated_database(tmp_path / "live")
    backups = tmp_path / "backups"
    code, out = await govqueue("backup", "--db", url, "--to", str(backups))
    assert code == 0, out
    code, out = await govqueue("restore", str(backups), "--db", url)
    assert code == 1
    assert "只能恢复到" in out, out
    (made,) = [p for p in backups.iterdir() if p.name.startswith("govqueue-")]
    copy = next(p for p in made.iterdir() if p.name.startswith("govqueue."))
    damaged = bytearray(copy.read_bytes())
    damaged[len(damaged) // 2] ^= 0xFF
    copy.write_bytes(bytes(damaged))
    target = fresh_database_url(tmp_path / "restored")
    code, out = await govqueue("restore", str(made), "--db", target)
    assert code == 1
    assert "校验和不符" in out, out


def test_retention_keeps_the_newest_backups_and_the_secret_key(tmp_path: Path) -> None:
    from datetime import UTC, datetime, timedelta

    from server.maintenance import backups

    live = tmp_path / "live"
    url = migrated_database(live)
    live.mkdir(parents=True, exist_ok=True)
    (live / "secret.key").write_text("the-hall-secret")
    night = datetime(2026, 11, 26, 18, 0, tzinfo=UTC)
    made = [
        backups.take(url, live, tmp_path / "b", night + timedelta(days=i), keep=3) for i in range(5)
    ]
    kept = backups.backups_in(tmp_path / "b")
    assert [b.path for b in kept] == [b.path for b in made[2:]], "the newest three"
    assert kept[-1].manifest["revision"] and kept[-1].manifest["secret_key"] is True
    restored = tmp_path / "restored"
    chosen = backups.restore(tmp_path / "b", fresh_database_url(restored), restored)
    assert chosen.path == made[-1].path, "a backup directory restores its newest backup"
    assert (restored / "secret.key").read_text() == "the-hall-secret"
    assert (restored / "secret.key").stat().st_mode & 0o077 == 0
