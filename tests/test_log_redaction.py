"""The server's log (issue 28 "Logs", issue 22 items 8 and 13): one documented place
(`<data dir>/logs/govqueue.log`), plain lines by default or JSON with a flag, rotated, one
line per request — and no personal data or credentials: the test walks a day's path through
a real `govqueue serve` and greps every log file for what must not be there."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import urlencode

import httpx
import websockets

from client.rest import tls_context
from tests.helpers import ADMIN_NO, ADMIN_PASSWORD, migrated_database
from tests.processes import GOVQUEUE, free_port

PHONE, NAME = "13812345678", "张三丰"


@asynccontextmanager
async def serving(
    tmp_path: Path, *args: str, env: dict[str, str] | None = None
) -> AsyncIterator[str]:
    """`govqueue serve` with its default logging (no --log-level); stopped as systemd does."""
    url = migrated_database(tmp_path)
    port = free_port()
    environ = {
        **os.environ,
        "GOVQUEUE_SECRET_KEY": "log-test-secret-0123456789abcdef",
        **(env or {}),
    }
    command = [GOVQUEUE, "serve", "--db", url, "--data-dir", str(tmp_path), "--port", str(port)]
    out = (tmp_path / "stdout.txt").open("wb")
    proc = subprocess.Popen([*command, *args], env=environ, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient(verify=tls_context()) as http:
            for _ in range(1200):  # a loaded machine may take a while to start it
                try:
                    if (await http.get(base + "/api/v1/health")).status_code == 200:
                        break
                except httpx.TransportError:
                    await asyncio.sleep(0.05)
            else:
                raise AssertionError("the server did not start")
        yield base
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(20)
        out.close()


def logs(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "logs").glob("govqueue.log*"))


async def test_a_days_path_leaves_no_token_password_or_personal_data_in_the_log(
    tmp_path: Path,
) -> None:
    async with (
        serving(tmp_path) as base,
        httpx.AsyncClient(verify=tls_context(), base_url=base + "/api/v1") as http,
    ):
        login = await http.post(
            "/auth/login", json={"staff_no": ADMIN_NO, "password": ADMIN_PASSWORD}
        )
        jwt = login.json()["access_token"]
        auth = {"Authorization": f"Bearer {jwt}"}
        hall = (
            await http.post("/admin/halls", json={"code": "L", "name": "日志"}, headers=auth)
        ).json()
        service = (
            await http.post(
                "/admin/services",
                json={"hall_id": hall["id"], "name": "户籍", "prefix": "A"},
                headers=auth,
            )
        ).json()
        device = (
            await http.post(
                "/admin/devices",
                json={"hall_id": hall["id"], "kind": "kiosk", "label": "取号机"},
                headers=auth,
            )
        ).json()
        kiosk = {"Authorization": f"Bearer {device['token']}"}
        ticket = (
            await http.post("/tickets", json={"service_id": service["id"]}, headers=kiosk)
        ).json()
        await http.get(f"/tickets/public/{ticket['public_token']}")
        await http.get(f"{base}/t/{ticket['public_token']}")
        await http.get(f"{base}/t/{ticket['public_token']}", params={"rated": 1})
        await http.post(f"{base}/t/{ticket['public_token']}/rating", data={"level": "5"})
        complaint = {
            "hall_id": hall["id"],
            "channel": "phone",
            "content": "排队太久",
            "complainant_name": NAME,
            "complainant_phone": PHONE,
        }
        assert (await http.post("/complaints", json=complaint, headers=auth)).status_code == 201
        for token in (device["token"], jwt, "gqd_wrong-token-xyz"):
            query = urlencode({"hall_id": hall["id"], "token": token})
            async with websockets.connect(f"{base.replace('http', 'ws')}/ws?{query}") as ws:
                await asyncio.wait_for(ws.recv(), 5)
        # the same address over plain HTTP goes to the access log
        await http.get(f"{base}/ws", params={"token": device["token"], "hall_id": 1})
        refused = await http.get("/admin/halls", headers={"Authorization": "Bearer nonsense-jwt"})
        assert refused.status_code == 401
    files = logs(tmp_path)
    assert [f.name for f in files] == ["govqueue.log"]
    written = files[0].read_text()
    assert f"服务器日志：{files[0]}" in (tmp_path / "stdout.txt").read_text()
    # one line per request, plain by default
    assert "INFO govqueue.access POST /api/v1/tickets 201 " in written
    assert "INFO govqueue.access GET /t/*** 200 " in written
    assert "GET /api/v1/tickets/public/*** 200 " in written
    assert "INFO uvicorn.error Application startup complete." in written
    assert "/ws?hall_id=" in written and "token=***" in written  # uvicorn's WebSocket lines
    for secret in (
        device["token"],
        device["token"].removeprefix("gqd_"),
        jwt,
        "wrong-token-xyz",
        "nonsense-jwt",
        ADMIN_PASSWORD,
        ticket["public_token"],
        PHONE,
        NAME,
        "log-test-secret",
    ):
        assert secret not in written, secret


async def test_json_lines_with_a_flag_and_rotation(tmp_path: Path) -> None:
    limits = {"GOVQUEUE_LOG_MAX_BYTES": "10000", "GOVQUEUE_LOG_BACKUPS": "2"}
    json_server = serving(tmp_path, "--log-format", "json", env=limits)
    async with (
        json_server as base,
        httpx.AsyncClient(verify=tls_context(), base_url=base + "/api/v1") as http,
    ):
        for _ in range(300):  # ~50 KB of request lines
            assert (await http.get("/health")).status_code == 200
    files = logs(tmp_path)
    assert [f.name for f in files] == ["govqueue.log", "govqueue.log.1", "govqueue.log.2"]
    for f in files:
        assert f.stat().st_size <= 10000
        for line in f.read_text().splitlines():
            entry = json.loads(line)
            assert {"ts", "level", "logger", "msg"} <= entry.keys()
            assert entry["ts"].endswith("Z")
    last = [json.loads(x) for x in files[0].read_text().splitlines()]
    request = next(e for e in reversed(last) if e["logger"] == "govqueue.access")
    assert request["method"] == "GET" and request["path"] == "/api/v1/health"
    assert request["status"] == 200 and isinstance(request["ms"], float)
    assert request["client"] == "127.0.0.1"
