"""Real `govqueue serve` processes for the tests that kill or multiply the server."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

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
    async with httpx.AsyncClient() as http:
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
