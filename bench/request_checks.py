"""What the request checks of issue 23 cost a kiosk's ticket, in CPU per request, measured
in-process (on a shared machine wrk's req/s move by ±50 % between rounds; this does not):

- head:  uvicorn's httptools protocol parsing a kiosk's `POST /api/v1/tickets` head, with and
         without the bound on its size and count (server/api/http_head.py); no app runs;
- utf8:  the JSON body's UTF-8 check in BodyLimit (server/api/limits.py) on that body.

Each is timed in this thread's CPU time (what other processes take of the cores is not
counted) over `--requests` requests, best of `--repeat`, and printed in µs per request
with the difference. It asserts nothing.

    .venv/bin/python bench/request_checks.py
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from uvicorn.config import Config  # noqa: E402
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol  # noqa: E402
from uvicorn.server import ServerState  # noqa: E402

from server.api.http_head import HeadLimitedHttpTools  # noqa: E402
from server.api.limits import _readable_json  # noqa: E402

BODY = (
    b'{"service_id": 1, "priority": "normal", "request_id": "0f8fad5b-d9cb-469f-a165-70867728950e"}'
)
HEAD = (
    b"POST /api/v1/tickets HTTP/1.1\r\n"
    b"Host: 192.168.1.10:8000\r\n"
    b"Accept: */*\r\n"
    b"Accept-Encoding: gzip, deflate\r\n"
    b"Connection: keep-alive\r\n"
    b"User-Agent: python-httpx/0.28.1\r\n"
    b"Authorization: Bearer gqd_" + b"x" * 43 + b"\r\n"
    b"Content-Type: application/json\r\n"
    b"Content-Length: " + str(len(BODY)).encode() + b"\r\n\r\n"
)


class Transport(asyncio.Transport):
    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return {"peername": ("127.0.0.1", 50000), "sockname": ("127.0.0.1", 8000)}.get(
            name, default
        )

    def is_closing(self) -> bool:
        return False

    def write(self, data: Any) -> None:
        pass

    def pause_reading(self) -> None:
        pass

    def resume_reading(self) -> None:
        pass


async def noop_app(scope: Any, receive: Any, send: Any) -> None:
    return None


def time_heads(cls: type[HttpToolsProtocol], requests: int) -> float:
    """Seconds to parse `requests` heads (and bodies) on one kept-alive connection; the
    request cycles the protocol starts are dropped without running."""
    loop = asyncio.new_event_loop()
    try:
        config = Config(app=noop_app, http=cls, log_level="warning")
        config.load()

        async def run() -> float:
            protocol = cls(config=config, server_state=ServerState(), app_state={})
            protocol.connection_made(Transport())
            protocol._start_asgi_task = lambda cycle, app: None  # type: ignore[method-assign]
            data = HEAD + BODY
            started = time.thread_time()
            for _ in range(requests):
                protocol.data_received(data)
                protocol.cycle = None  # type: ignore[assignment]  # as if answered
            return time.thread_time() - started

        return loop.run_until_complete(run())
    finally:
        loop.close()


def time_utf8(requests: int) -> float:
    scope = {"headers": [(b"content-type", b"application/json")]}
    chunks = [BODY]
    started = time.thread_time()
    for _ in range(requests):
        _readable_json(chunks, scope)
    return time.thread_time() - started


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    n = args.requests
    plain, bounded, utf8 = [], [], []
    for _ in range(args.repeat):  # interleaved: the machine's load hits both alike
        plain.append(time_heads(HttpToolsProtocol, n))
        bounded.append(time_heads(HeadLimitedHttpTools, n))
        utf8.append(time_utf8(n))
    us = 1e6 / n
    print(f"head ({len(HEAD)} bytes, 9 headers), best of {args.repeat} × {n:,} requests:")
    print(f"  uvicorn's httptools protocol   {min(plain) * us:6.2f} µs per request")
    print(f"  with the head bounded          {min(bounded) * us:6.2f} µs per request")
    print(f"  difference                     {(min(bounded) - min(plain)) * us:+6.2f} µs")
    print(f"utf8 check of a {len(BODY)}-byte JSON body {min(utf8) * us:6.2f} µs per request")


if __name__ == "__main__":
    main()
