"""A load process for `bench/tickets_wrk.py`: N live-feed subscribers (display screens).

Several of these run side by side so that the clients' own work (receiving 1,000 copies of
every event) is spread over processes and the latency figure measures the server.
Connects its subscribers, prints `READY <connected> <failed> [first error]`, then records the
arrival (time.monotonic(), shared by all processes of the machine) of every `ticket.called`
message. A first line on stdin starts the count (it answers `STARTED`); a second one stops
it: it prints `RESULT <json>` (`arrivals`: [[subscriber, ticket_id, t], ...], `received`:
every message received meanwhile, `cpu`: the CPU seconds this process used meanwhile) and
exits.

Two clients (`--client`):
- `raw` (default): a minimal RFC 6455 client on an asyncio Protocol. It stamps a message
  when its bytes reach the process (`data_received`), parses only the calls, and answers the
  server's keepalive pings. About half the CPU per message of the websockets
  library, so that on a 2-core machine the clients do not crowd out the server they measure.
- `websockets`: the websockets library's asyncio client (what `client.live` uses); the
  stamp includes its per-message task wake-up.

    .venv/bin/python bench/feed_subscribers.py 'ws://127.0.0.1:PORT/ws?hall_id=1&token=…' 250
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import functools
import json
import os
import resource
import sys
import time
from urllib.parse import urlsplit

import websockets

MARKER = '"type":"ticket.called"'
MARKER_BYTES = MARKER.encode()
TEXT, CLOSE, PING, PONG = 0x1, 0x8, 0x9, 0xA


class Stats:
    def __init__(self, count: int) -> None:
        self.count = count
        self.arrivals: list[tuple[int, int, float]] = []
        self.received = 0
        self.connected = 0
        self.errors: list[str] = []
        self.ended: list[str] = []
        self.stopping = False
        self.opened = asyncio.Event()

    def attempted(self) -> None:
        if self.connected + len(self.errors) == self.count:
            self.opened.set()

    def failed(self, error: str) -> None:
        self.errors.append(error)
        self.attempted()


def client_frame(opcode: int, payload: bytes) -> bytes:
    """A masked frame (RFC 6455 §5.3: every client frame is masked); short payloads only."""
    assert len(payload) < 126
    mask = os.urandom(4)
    masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    return bytes([0x80 | opcode, 0x80 | len(payload)]) + mask + masked


class RawSubscriber(asyncio.Protocol):
    def __init__(self, index: int, request: bytes, stats: Stats) -> None:
        self.index = index
        self.request = request
        self.stats = stats
        self.transport: asyncio.Transport | None = None
        self.buffer = b""
        self.upgraded = False
        self.live = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]  # uvloop's is no subclass
        transport.write(self.request)  # type: ignore[attr-defined]

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.live:
            self.stats.failed(f"connection lost before the snapshot: {exc!r}")
        elif not self.stats.stopping:
            self.stats.ended.append(f"connection lost: {exc!r}")

    def data_received(self, data: bytes) -> None:
        arrived = time.monotonic()
        buffer = self.buffer + data if self.buffer else data
        if not self.upgraded:
            head, sep, rest = buffer.partition(b"\r\n\r\n")
            if not sep:
                self.buffer = buffer
                return
            if not head.startswith(b"HTTP/1.1 101"):
                self.stats.failed(head.split(b"\r\n", 1)[0].decode(errors="replace"))
                self.live = True  # reported already
                assert self.transport is not None
                self.transport.close()
                return
            self.upgraded = True
            buffer = rest
        offset, size = 0, len(buffer)
        while size - offset >= 2:
            opcode, length = buffer[offset] & 0x0F, buffer[offset + 1] & 0x7F
            start = offset + 2
            if length == 126:
                start += 2
                if size < start:
                    break
                length = int.from_bytes(buffer[offset + 2 : start], "big")
            elif length == 127:
                start += 8
                if size < start:
                    break
                length = int.from_bytes(buffer[offset + 2 : start], "big")
            end = start + length
            if size < end:
                break
            self.frame(opcode, buffer[start:end], arrived)
            offset = end
        self.buffer = buffer[offset:]

    def frame(self, opcode: int, payload: bytes, arrived: float) -> None:
        stats = self.stats
        if opcode == TEXT:
            if not self.live:  # the snapshot, or a refusal
                self.live = True
                if b'"type":"snapshot"' not in payload:
                    stats.failed(payload.decode(errors="replace")[:200])
                    return
                stats.connected += 1
                stats.attempted()
                return
            stats.received += 1
            if MARKER_BYTES in payload:
                message = json.loads(payload)
                stats.arrivals.append((self.index, message["data"]["ticket_id"], arrived))
        elif opcode == PING:
            assert self.transport is not None
            self.transport.write(client_frame(PONG, payload))
        elif opcode == CLOSE:
            if not self.live:
                stats.failed(f"closed before the snapshot: {payload[:2].hex()} {payload[2:]!r}")
                self.live = True
            elif not stats.stopping:
                stats.ended.append(f"closed by the server: {payload[:2].hex()} {payload[2:]!r}")
            assert self.transport is not None
            self.transport.close()


async def raw_subscribers(url: str, stats: Stats) -> list[asyncio.Transport]:
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    loop = asyncio.get_running_loop()
    transports: list[asyncio.Transport] = []
    for i in range(stats.count):
        key = base64.b64encode(os.urandom(16)).decode()
        request = (
            f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
        ).encode()
        try:
            transport, _ = await loop.create_connection(
                functools.partial(RawSubscriber, i, request, stats), host, port
            )
            transports.append(transport)
        except OSError as exc:
            stats.failed(repr(exc))
        if i % 25 == 24:
            await asyncio.sleep(0.02)
    return transports


async def websockets_subscribers(url: str, stats: Stats) -> list[asyncio.Task[None]]:
    async def subscriber(index: int) -> None:
        live = False
        try:
            async with websockets.connect(url, max_queue=None, open_timeout=60) as ws:
                await ws.recv()  # the snapshot
                live = True
                stats.connected += 1
                stats.attempted()
                async for raw in ws:
                    stats.received += 1
                    if MARKER not in raw:  # cheap filter: parse only the calls
                        continue
                    arrived = time.monotonic()
                    message = json.loads(raw)
                    stats.arrivals.append((index, message["data"]["ticket_id"], arrived))
            if not stats.stopping:
                stats.ended.append("closed by the server")
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            if live:
                if not stats.stopping:
                    stats.ended.append(repr(exc))
            else:
                stats.failed(repr(exc))

    tasks = []
    for i in range(stats.count):
        tasks.append(asyncio.create_task(subscriber(i)))
        if i % 25 == 24:
            await asyncio.sleep(0.02)
    return tasks


async def main(url: str, count: int, client: str) -> None:
    stats = Stats(count)
    if client == "raw":
        transports = await raw_subscribers(url, stats)
        tasks: list[asyncio.Task[None]] = []
    else:
        transports, tasks = [], await websockets_subscribers(url, stats)
    await stats.opened.wait()
    errors = stats.errors
    print(f"READY {stats.connected} {len(errors)} {errors[0] if errors else ''}", flush=True)
    await asyncio.to_thread(sys.stdin.readline)  # START: count from here
    stats.received, stats.arrivals, start = 0, [], cpu_seconds()
    print("STARTED", flush=True)
    await asyncio.to_thread(sys.stdin.readline)
    stats.stopping = True
    cpu = cpu_seconds() - start
    result = {
        "arrivals": stats.arrivals,
        "ended": stats.ended,
        "received": stats.received,
        "cpu": cpu,
    }
    for transport in transports:
        transport.abort()
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    print("RESULT " + json.dumps(result), flush=True)


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("url")
    parser.add_argument("count", type=int)
    parser.add_argument("--client", choices=("raw", "websockets"), default="raw")
    args = parser.parse_args()
    try:
        import uvloop

        uvloop.run(main(args.url, args.count, args.client))
    except ImportError:
        asyncio.run(main(args.url, args.count, args.client))
