"""A SQLite file whose write lock another program holds (`govqueue admin apply`, a migration,
a backup tool): every change is a 503 `store_busy` with Retry-After once the server's writer
has waited `write_busy_timeout_s`, never a 500; nothing is half-written, no ticket number is
used up, reads go on, and the next change after the lock is released succeeds."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from client.rest import tls_context
from server.domain.clock import ManualClock
from tests.helpers import LiveServer, seed_hall, start_server

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("GOVQUEUE_TEST_POSTGRES")), reason="SQLite's file lock"
)


@contextlib.contextmanager
def write_lock_held(server: LiveServer) -> Iterator[None]:
    """Another program holding the database file's write lock (BEGIN IMMEDIATE)."""
    path = server.settings.resolved_database_url().removeprefix("sqlite:///")
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        yield
        conn.execute("ROLLBACK")
    finally:
        conn.close()


def count(server: LiveServer, sql: str) -> int:
    path = server.settings.resolved_database_url().removeprefix("sqlite:///")
    with contextlib.closing(sqlite3.connect(path)) as conn:
        return int(conn.execute(sql).fetchone()[0])


@pytest.mark.parametrize("writer_process", [True, False], ids=["writer-process", "writer-thread"])
async def test_a_locked_file_is_503_store_busy_and_nothing_is_written(
    tmp_path: Path, clock: ManualClock, writer_process: bool
) -> None:
    async with start_server(
        tmp_path, clock, writer_process=writer_process, write_busy_timeout_s=0.2
    ) as server:
        hall = await seed_hall(server)
        kiosk = {"Authorization": f"Bearer {hall.kiosk_token}"}
        admin = {"Authorization": f"Bearer {server.admin.token}"}
        async with httpx.AsyncClient(
            verify=tls_context(), base_url=server.base_url + "/api/v1"
        ) as http:
            tickets_before = count(server, "select count(*) from ticket")
            halls_before = count(server, "select count(*) from hall")
            with write_lock_held(server):
                # the kiosks' fast path and an ordinary route alike
                issued = await http.post(
                    "/tickets", json={"service_id": hall.services["A"]}, headers=kiosk
                )
                created = await http.post(
                    "/admin/halls", json={"code": "LOCK", "name": "锁定测试"}, headers=admin
                )
                for response in (issued, created):
                    assert response.status_code == 503, response.text
                    assert response.json()["code"] == "store_busy"
                    assert "稍后重试" in response.json()["detail"]
                    assert response.headers["Retry-After"] == "1"
                # reads go on: screens keep showing the queue
                services = await http.get(f"/halls/{hall.hall_id}/services", headers=kiosk)
                assert services.status_code == 200
            assert count(server, "select count(*) from ticket") == tickets_before
            assert count(server, "select count(*) from hall") == halls_before
            # the lock released: the next ticket is the first number, none was used up
            after = await http.post(
                "/tickets", json={"service_id": hall.services["A"]}, headers=kiosk
            )
            assert after.status_code == 201 and after.json()["number"] == "A001"
            health = await http.get("/health")
            assert health.status_code == 200
