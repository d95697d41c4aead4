"""When the server itself fails: a JSON 500 with an incident number, never a plain page; a
writer that stops makes /health answer 503 and writes fail at once instead of hanging."""

from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path

import httpx
import pytest
from fastapi import Request

from client.rest import ApiClient, tls_context
from server.app import create_app
from server.domain.clock import ManualClock
from server.embedded import running_server
from server.runtime import Runtime
from server.settings import Settings
from server.store.job import call
from server.store.transaction import Tx
from tests.helpers import ADMIN_NO, ADMIN_PASSWORD, HALL_OPENING, migrated_database


def exit_job(tx: Tx) -> None:
    """A writer job that raises what no job should: SystemExit."""
    raise SystemExit(1)


async def test_an_unexpected_error_is_a_json_500_with_an_incident_number(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    config = Settings(
        data_dir=tmp_path, database_url=migrated_database(tmp_path), secret_key="k" * 32
    )
    app = create_app(config, ManualClock(HALL_OPENING))

    @app.get("/api/v1/test-only/boom")
    async def boom() -> None:
        raise ZeroDivisionError("a bug")

    @app.get("/api/v1/test-only/job-exits")
    async def job_exits(request: Request) -> None:
        runtime: Runtime = request.app.state.runtime
        runtime.writer.jobs_from += (__name__,)  # a test's own job
        await runtime.write(call(exit_job))

    # the writer process imports this module (and with it FastAPI) to run its job: seconds on a
    # loaded machine
    async with (
        running_server(app) as base,
        httpx.AsyncClient(verify=tls_context(), base_url=base, timeout=60) as http,
    ):
        with caplog.at_level(logging.ERROR, logger="govqueue.errors"):
            for path in ("/api/v1/test-only/boom", "/api/v1/test-only/job-exits"):
                response = await http.get(path)
                assert response.status_code == 500
                assert response.headers["content-type"] == "application/json"
                body = response.json()
                assert body["code"] == "internal_error"
                assert "服务器内部错误" in body["detail"]
                incident = body["detail"].split("错误编号 ")[1].split("）")[0]
                logged = [r for r in caplog.records if incident in r.getMessage()]
                assert len(logged) == 1 and logged[0].exc_info is not None, "traceback logged"
        # the writer survived the job that raised SystemExit
        assert (await http.get("/api/v1/health")).json() == {"status": "ok"}


async def test_a_stopped_writer_makes_health_503_and_writes_fail_at_once(tmp_path: Path) -> None:
    config = Settings(
        data_dir=tmp_path, database_url=migrated_database(tmp_path), secret_key="k" * 32
    )
    app = create_app(config, ManualClock(HALL_OPENING))
    async with running_server(app) as base, ApiClient(base) as admin:
        await admin.login(ADMIN_NO, ADMIN_PASSWORD)
        hall = await admin.admin_create("halls", {"code": "W", "name": "写入测试大厅"})
        service = await admin.admin_create(
            "services", {"hall_id": hall["id"], "name": "综合", "prefix": "A"}
        )
        kiosk = await admin.admin_create(
            "devices", {"hall_id": hall["id"], "kind": "kiosk", "label": "k"}
        )
        issue = {
            "json": {"service_id": service.id},
            "headers": {"Authorization": f"Bearer {kiosk['token']}"},
        }
        async with httpx.AsyncClient(verify=tls_context(), base_url=base + "/api/v1") as http:
            assert (await http.post("/tickets", **issue)).status_code == 201
            runtime: Runtime = app.state.runtime
            runtime.writer.stop()  # as if its thread had died
            health = await http.get("/health")
            assert health.status_code == 503
            assert health.json()["code"] == "writer_stopped"
            assert "数据写入已停止" in health.json()["detail"]
            started = time.monotonic()
            response = await asyncio.wait_for(http.post("/tickets", **issue), 10)
            assert time.monotonic() - started < 2  # at once, not after a timeout
            assert response.status_code == 503
            assert response.json()["code"] == "writer_stopped"
            assert int(response.headers["Retry-After"]) > 0
            # reads still work: screens go on showing the queue
            assert (await http.get(f"/halls/{hall['id']}/services")).status_code == 200
