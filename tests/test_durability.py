"""A ticket acknowledged to a kiosk survives kill -9 of the server; numbers never repeat."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from client.errors import ClientError
from client.rest import ApiClient
from server.app import create_app
from server.domain.clock import ManualClock
from server.embedded import running_server
from server.settings import Settings
from server.store.engine import make_engine
from tests.helpers import ADMIN_NO, ADMIN_PASSWORD, HALL_OPENING, migrated_database
from tests.processes import start_server_process


@pytest.mark.slow
async def test_kill_9_during_issuance_loses_no_acknowledged_ticket(tmp_path: Path) -> None:
    url = migrated_database(tmp_path)
    proc, base = await start_server_process(url, tmp_path)
    try:
        async with ApiClient(base) as admin:
            await admin.login(ADMIN_NO, ADMIN_PASSWORD)
            hall = await admin.admin_create("halls", {"code": "K9", "name": "断电测试大厅"})
            service = await admin.admin_create(
                "services", {"hall_id": hall["id"], "name": "综合", "prefix": "A"}
            )
            kiosk_token = (
                await admin.admin_create(
                    "devices", {"hall_id": hall["id"], "kind": "kiosk", "label": "k"}
                )
            )["token"]
        acknowledged: list[tuple[int, str]] = []
        stop = asyncio.Event()

        async def kiosk_loop() -> None:
            async with ApiClient(base, kiosk_token, timeout=2) as kiosk:
                while not stop.is_set():
                    try:
                        t = await kiosk.issue_ticket(service.id)
                    except ClientError:
                        return
                    acknowledged.append((t["id"], t["number"]))

        tasks = [asyncio.create_task(kiosk_loop()) for _ in range(8)]
        while len(acknowledged) < 150:
            await asyncio.sleep(0.01)
        os.kill(proc.pid, signal.SIGKILL)  # in the middle of the rush
        proc.wait(5)
        stop.set()
        await asyncio.gather(*tasks)
    finally:
        if proc.poll() is None:
            proc.kill()

    proc, base = await start_server_process(url, tmp_path)
    try:
        async with ApiClient(base) as admin:
            await admin.login(ADMIN_NO, ADMIN_PASSWORD)
            page = await admin.ticket_records(hall["id"], limit=10_000)
            stored = {(r["ticket_id"], r["number"]) for r in page.items}
            assert set(acknowledged) <= stored, "an acknowledged ticket was lost"
            numbers = [r["number"] for r in page.items]
            assert len(numbers) == len(set(numbers))
            async with ApiClient(base, kiosk_token) as kiosk:
                after = await kiosk.issue_ticket(service.id)
            assert after["number"] == f"A{len(numbers) + 1:03d}", (
                "numbering must continue, never repeat"
            )
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(10)


SQLITE_ONLY = pytest.mark.skipif(
    bool(os.environ.get("GOVQUEUE_TEST_POSTGRES")), reason="SQLite's own pragmas"
)


@SQLITE_ONLY
def test_sqlite_commits_are_fsynced_in_wal_mode(tmp_path: Path) -> None:
    url = migrated_database(tmp_path)
    for writer in (True, False):
        engine = make_engine(url, writer=writer)
        with engine.connect() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        engine.dispose()


@SQLITE_ONLY
async def test_every_connection_the_server_opens_is_wal_with_full_fsync(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not only the two engines: any connection opened while the server runs (migration
    check, reads, writes, logins, the live feed's snapshot) is checked when it closes."""
    url = migrated_database(tmp_path)
    opened: list[sqlite3.Connection] = []
    checked: list[tuple[str, int]] = []

    class Checked(sqlite3.Connection):
        def close(self) -> None:
            checked.append(
                (
                    self.execute("PRAGMA journal_mode").fetchone()[0],
                    self.execute("PRAGMA synchronous").fetchone()[0],
                )
            )
            super().close()

    real_connect = sqlite3.connect

    def connect(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        connection = real_connect(*args, factory=Checked, **kwargs)
        opened.append(connection)
        return connection

    monkeypatch.setattr(sqlite3, "connect", connect)
    monkeypatch.setattr(sqlite3.dbapi2, "connect", connect)  # what SQLAlchemy calls
    config = Settings(data_dir=tmp_path, database_url=url, secret_key="k" * 32)
    app = create_app(config, ManualClock(HALL_OPENING))
    async with running_server(app) as base, ApiClient(base) as admin:
        await admin.login(ADMIN_NO, ADMIN_PASSWORD)
        hall = await admin.admin_create("halls", {"code": "D", "name": "落盘大厅"})
        service = await admin.admin_create(
            "services", {"hall_id": hall["id"], "name": "综合", "prefix": "A"}
        )
        kiosk = await admin.admin_create(
            "devices", {"hall_id": hall["id"], "kind": "kiosk", "label": "k"}
        )
        async with ApiClient(base, kiosk["token"]) as client:
            # concurrent reads and writes: the engines open more than one connection
            await asyncio.gather(*(client.issue_ticket(service.id) for _ in range(20)))
            await asyncio.gather(*(client.services(hall["id"]) for _ in range(20)))
        await admin.ticket_records(hall["id"])
    monkeypatch.undo()
    assert len(opened) >= 2, "the read and the write engine"
    assert len(checked) == len(opened), "every connection is closed when the server stops"
    assert set(checked) == {("wal", 2)}  # 2 = FULL: the WAL is fsynced at every commit
