"""Running the real server inside the current event loop (demo, tests, benchmarks)."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import uvicorn
from fastapi import FastAPI

from server.api.serving import uvicorn_options


@asynccontextmanager
async def running_server(
    app: FastAPI, host: str = "127.0.0.1", port: int = 0
) -> AsyncIterator[str]:
    """Serve `app` on host:port (0 = a free port) until the block ends; yields the base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Accepted connections inherit this: small responses go out at once (no 40 ms Nagle stall).
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((host, port))
    options = uvicorn_options(getattr(app.state, "settings", None))
    config = uvicorn.Config(app, log_level="warning", lifespan="on", **options)
    server = uvicorn.Server(config)
    # the server ends itself when its writer cannot be kept running (app.py, _give_up)
    app.state.stop_serving = lambda: setattr(server, "should_exit", True)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        while not server.started:
            if task.done():
                task.result()
                raise RuntimeError("the server stopped while starting")
            await asyncio.sleep(0.01)
        yield f"http://{host}:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        await task
        sock.close()
