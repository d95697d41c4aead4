"""Credentials never reach the server's log: the live feed's `?token=` is written as ***."""

from __future__ import annotations

import asyncio
import os
import subprocess
from pathlib import Path
from urllib.parse import urlencode

import httpx
import websockets

from tests.helpers import ADMIN_NO, ADMIN_PASSWORD, migrated_database
from tests.processes import GOVQUEUE, free_port


async def test_tokens_in_the_live_feed_address_are_not_logged(tmp_path: Path) -> None:
    url = migrated_database(tmp_path)
    port = free_port()
    log = tmp_path / "server.log"
    env = {**os.environ, "GOVQUEUE_SECRET_KEY": "log-test-secret-0123456789abcdef"}
    command = [GOVQUEUE, "serve", "--db", url, "--data-dir", str(tmp_path), "--port", str(port)]
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [*command, "--log-level", "info"], env=env, stdout=out, stderr=subprocess.STDOUT
        )
    base = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient(base_url=base + "/api/v1") as http:
            for _ in range(1200):  # a loaded machine may take a while to start it
                try:
                    if (await http.get("/health")).status_code == 200:
                        break
                except httpx.TransportError:
                    await asyncio.sleep(0.05)
            else:
                raise AssertionError("the server did not start: " + log.read_text()[-2000:])
            login = await http.post(
                "/auth/login", json={"staff_no": ADMIN_NO, "password": ADMIN_PASSWORD}
            )
            jwt = login.json()["access_token"]
            auth = {"Authorization": f"Bearer {jwt}"}
            hall = (
                await http.post("/admin/halls", json={"code": "L", "name": "日志"}, headers=auth)
            ).json()
            device = (
                await http.post(
                    "/admin/devices",
                    json={"hall_id": hall["id"], "kind": "display", "label": "屏"},
                    headers=auth,
                )
            ).json()
            for token in (device["token"], jwt, "gqd_wrong-token-xyz"):
                query = urlencode({"hall_id": hall["id"], "token": token})
                async with websockets.connect(f"ws://127.0.0.1:{port}/ws?{query}") as ws:
                    await asyncio.wait_for(ws.recv(), 5)
            # the same address over plain HTTP goes to the access log
            await http.get(f"{base}/ws", params={"token": device["token"], "hall_id": 1})
    finally:
        proc.terminate()
        proc.wait(10)
    written = log.read_text()
    assert "/ws?hall_id=" in written and "token=***" in written, written[-2000:]
    for secret in (device["token"], jwt, "wrong-token-xyz", ADMIN_PASSWORD):
        assert secret not in written
