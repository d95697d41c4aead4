"""A ticket acknowledged to a kiosk survives kill -9 of the server; numbers never repeat."""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path

import pytest
from sqlalchemy import text

from client.errors import ClientError
from client.rest import ApiClient
from server.store.engine import make_engine
from tests.helpers import ADMIN_NO, ADMIN_PASSWORD, migrated_database
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
                        t = await kiosk.issue_ticket(service["id"])
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
            stored = {(r["ticket_id"], r["number"]) for r in page["items"]}
            assert set(acknowledged) <= stored, "an acknowledged ticket was lost"
            numbers = [r["number"] for r in page["items"]]
            assert len(numbers) == len(set(numbers))
            async with ApiClient(base, kiosk_token) as kiosk:
                after = await kiosk.issue_ticket(service["id"])
            assert after["number"] == f"A{len(numbers) + 1:03d}", (
                "numbering must continue, never repeat"
            )
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(10)


def test_sqlite_commits_are_fsynced_in_wal_mode(tmp_path: Path) -> None:
    url = migrated_database(tmp_path)
    for writer in (True, False):
        engine = make_engine(url, writer=writer)
        with engine.connect() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        engine.dispose()
