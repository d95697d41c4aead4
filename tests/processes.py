"""Real `govqueue serve` processes for the tests that kill or multiply the server."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from client.rest import ApiClient, tls_context
from tests.helpers import ADMIN_NO, ADMIN_PASSWORD, STAFF_PASSWORD

GOVQUEUE = str(Path(sys.executable).with_name("govqueue"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def start_server_process(
    url: str,
    data_dir: Path,
    port: int | None = None,
    extra_env: dict[str, str] | None = None,
) -> tuple[subprocess.Popen[bytes], str]:
    """`govqueue serve` on 127.0.0.1 (a free port, or `port`: the same one again after a
    restart), with `extra_env` added to its environment; returns once /health answers."""
    port = port or free_port()
    env = {**os.environ, "GOVQUEUE_SECRET_KEY": "process-test-secret-0123456789abcdef"}
    env.update(extra_env or {})
    command = [GOVQUEUE, "serve", "--db", url, "--data-dir", str(data_dir), "--port", str(port)]
    proc = subprocess.Popen([*command, "--log-level", "warning"], env=env)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60  # generous: the machine may be busy with other work
    async with httpx.AsyncClient(verify=tls_context()) as http:
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                if (await http.get(base + "/api/v1/health")).status_code == 200:
                    return proc, base
            except httpx.TransportError:
                await asyncio.sleep(0.05)
    code = proc.poll()
    proc.kill()
    proc.wait(10)
    raise RuntimeError(f"the server process did not start (exit code {code})")


async def start_server_processes(
    url: str, data_dir: Path, count: int, procs: list[subprocess.Popen[bytes]]
) -> list[str]:
    """`count` servers on one database, one after the other; each is added to `procs` as
    it starts (for the caller's stop_server_processes); their base URLs."""
    bases = []
    for _ in range(count):
        proc, base = await start_server_process(url, data_dir)
        procs.append(proc)
        bases.append(base)
    return bases


def stop_server_processes(procs: list[subprocess.Popen[bytes]], timeout: float = 30) -> None:
    """Ctrl-C to each that still runs, then wait for it (killed if it will not stop)."""
    for proc in procs:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
    for proc in procs:
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


@dataclass(frozen=True)
class OneWindowHall:
    """A hall made through a running server's API: one service, one window, its clerk
    (password STAFF_PASSWORD, no first-password change) and a kiosk."""

    hall_id: int
    service_id: int
    window_id: int
    staff_no: str
    kiosk_token: str


async def one_window_hall(
    base: str, code: str, name: str, *, staff_no: str, window: str = "1", service: str = "综合"
) -> OneWindowHall:
    async with ApiClient(base) as admin:
        await admin.login(ADMIN_NO, ADMIN_PASSWORD)
        hall = await admin.admin_create("halls", {"code": code, "name": name})
        made = await admin.admin_create(
            "services", {"hall_id": hall["id"], "name": service, "prefix": "A"}
        )
        desk = await admin.admin_create(
            "windows", {"hall_id": hall["id"], "number": window, "service_ids": [made["id"]]}
        )
        await admin.admin_create(
            "staff",
            {
                "staff_no": staff_no,
                "name": f"{window}号窗口",
                "role": "window",
                "password": STAFF_PASSWORD,
                "must_change_password": False,  # a test account, not a person's first password
                "hall_id": hall["id"],
            },
        )
        kiosk = await admin.admin_create(
            "devices", {"hall_id": hall["id"], "kind": "kiosk", "label": "取号机"}
        )
    return OneWindowHall(hall["id"], made["id"], desk["id"], staff_no, kiosk["token"])
