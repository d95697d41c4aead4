"""Readiness (`GET /api/v1/health/ready`) says whether this process can do its work now and
which check fails when it cannot: the writer runs, a real write commits, the database is at
the program's migration head, and (PostgreSQL) the feed's LISTEN connection is up. `/health`
stays the liveness answer. It used to be 200 while every write failed."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sqlite3
from pathlib import Path

import httpx
import pytest

from client.rest import tls_context
from server.domain.clock import ManualClock
from server.store import migrate
from server.store.writer.process import WriterProcess
from tests.helpers import LiveServer, start_server

SQLITE_ONLY = pytest.mark.skipif(
    bool(os.environ.get("GOVQUEUE_TEST_POSTGRES")), reason="SQLite's file and writer process"
)


async def ready(server: LiveServer) -> httpx.Response:
    async with httpx.AsyncClient(
        verify=tls_context(), base_url=server.base_url + "/api/v1", timeout=30
    ) as http:
        return await http.get("/health/ready")


def sqlite_path(server: LiveServer) -> str:
    return server.settings.resolved_database_url().removeprefix("sqlite:///")


async def test_a_ready_server_says_so_check_by_check(server: LiveServer) -> None:
    answer = await ready(server)
    assert answer.status_code == 200
    body = answer.json()
    assert body["ready"] is True
    expected = {"writer", "store", "migrations"}
    if server.settings.resolved_database_url().startswith("postgresql"):
        expected.add("feed")  # the LISTEN connection other processes' events come through
    assert set(body["checks"]) == expected
    assert all(check["ok"] for check in body["checks"].values())


@SQLITE_ONLY
async def test_the_store_check_is_a_real_write(server: LiveServer) -> None:
    server.clock.advance(60)  # type: ignore[attr-defined]
    assert (await ready(server)).status_code == 200
    with contextlib.closing(sqlite3.connect(sqlite_path(server))) as conn:
        ((written,),) = conn.execute("select checked_at from health_probe").fetchall()
    assert written.startswith("2026-11-26 01:01:00")  # the server's clock, committed


@SQLITE_ONLY
async def test_a_locked_store_is_not_ready_and_says_why(tmp_path: Path, clock: ManualClock) -> None:
    async with start_server(tmp_path, clock, write_busy_timeout_s=0.2) as server:
        conn = sqlite3.connect(sqlite_path(server), isolation_level=None)
        try:
            conn.execute("BEGIN IMMEDIATE")  # another program holds the file's write lock
            answer = await ready(server)
            conn.execute("ROLLBACK")
        finally:
            conn.close()
        assert answer.status_code == 503 and answer.headers["Retry-After"] == "5"
        body = answer.json()
        assert body["ready"] is False and body["code"] == "not_ready"
        assert body["checks"]["store"]["ok"] is False
        assert "数据库繁忙" in body["checks"]["store"]["detail"]
        assert body["checks"]["writer"]["ok"] and body["checks"]["migrations"]["ok"]
        assert "服务器未就绪（store：数据库繁忙" in body["detail"]
        server.clock.advance(5)  # type: ignore[attr-defined]
        for _ in range(200):  # the next round of checks (at most one a second)
            if (again := await ready(server)).status_code == 200:
                break
            await asyncio.sleep(0.05)
        assert again.status_code == 200


@SQLITE_ONLY
async def test_a_dead_writer_is_not_ready_while_health_says_so_too(
    tmp_path: Path, clock: ManualClock
) -> None:
    async with start_server(tmp_path, clock) as server:
        writer = server.runtime.writer
        assert isinstance(writer, WriterProcess) and writer.pid is not None
        server.app.state.supervisor.backoff_s = (600.0,)  # not back while this test looks
        os.kill(writer.pid, signal.SIGKILL)
        async with httpx.AsyncClient(
            verify=tls_context(), base_url=server.base_url + "/api/v1"
        ) as http:
            while (await http.get("/health")).status_code != 503:
                pass  # the server reads the end of the writer's pipe on its loop
        answer = await ready(server)
        assert answer.status_code == 503
        checks = answer.json()["checks"]
        assert not checks["writer"]["ok"] and "正在自动重启" in checks["writer"]["detail"]
        assert not checks["store"]["ok"] and checks["migrations"]["ok"]


@SQLITE_ONLY
async def test_a_database_at_another_migration_is_not_ready(server: LiveServer) -> None:
    behind = str(int(migrate.head_revision()) - 1).zfill(4)
    with contextlib.closing(sqlite3.connect(sqlite_path(server))) as conn:
        conn.execute("update alembic_version set version_num = ?", (behind,))
        conn.commit()
    answer = await ready(server)
    assert answer.status_code == 503
    migrations = answer.json()["checks"]["migrations"]
    assert not migrations["ok"] and f"版本为 {behind}" in migrations["detail"]
    async with httpx.AsyncClient(
        verify=tls_context(), base_url=server.base_url + "/api/v1"
    ) as http:
        assert (await http.get("/health")).status_code == 200  # liveness: the process is fine
