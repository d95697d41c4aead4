"""The request line and headers are bounded (16 KB, 100 headers): past either, a Chinese 431
and the connection closed, before the server has read (or kept) the rest. One GET with 50 MB
of headers used to answer 200 and leave the server 57 MB bigger."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from server.api.http_head import MAX_HEAD_BYTES, MAX_HEADERS
from tests.helpers import LiveServer, Seeded


async def raw_request(server: LiveServer, head: bytes) -> tuple[int, dict[str, Any] | None]:
    """Send a request head as written; (status, JSON body or None)."""
    host, port = server.base_url.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    try:
        writer.write(head)
        await writer.drain()
        answer = await asyncio.wait_for(reader.read(), 30)  # until the server closes
    finally:
        writer.close()
    status = int(answer.split(b" ", 2)[1])
    body = answer.split(b"\r\n\r\n", 1)[1]
    return status, json.loads(body) if body.startswith(b"{") else None


def head(path: str, headers: list[tuple[str, str]], method: str = "GET") -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: x", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


async def test_too_many_or_too_large_headers_get_431(server: LiveServer, hall: Seeded) -> None:
    many = [(f"X-Many-{n}", "1") for n in range(MAX_HEADERS)]  # with Host and Connection: 102
    large = [(f"X-Large-{n}", "a" * 4096) for n in range(5)]  # 20 KB
    long_url = "/api/v1/health?" + "q=" * MAX_HEAD_BYTES
    for request in (
        head("/api/v1/health", many),
        head("/api/v1/health", large),
        head(long_url, []),
        head("/ws?hall_id=1", [("Upgrade", "websocket"), ("Sec-WebSocket-Version", "13"), *large]),
    ):
        status, body = await raw_request(server, request)
        assert status == 431
        assert body is not None and body["code"] == "headers_too_large"
        assert "请求头过大" in body["detail"] and "16 KB" in body["detail"]
    # just under both bounds: served
    fine = [(f"X-Fine-{n}", "b" * 100) for n in range(MAX_HEADERS - 3)]
    status, body = await raw_request(server, head("/api/v1/health", fine))
    assert status == 200 and body == {"status": "ok"}
    # a kiosk's ticket with an 8 KB cookie beside its token
    issue = (
        head(
            "/api/v1/tickets",
            [
                ("Authorization", f"Bearer {hall.kiosk_token}"),
                ("Cookie", "c=" + "z" * 8000),
                ("Content-Type", "application/json"),
                ("Content-Length", str(len(f'{{"service_id": {hall.services["A"]}}}'))),
            ],
            method="POST",
        )
        + f'{{"service_id": {hall.services["A"]}}}'.encode()
    )
    status, body = await raw_request(server, issue)
    assert status == 201 and body is not None and body["number"] == "A001"


async def test_an_endless_header_is_refused_before_it_is_read(server: LiveServer) -> None:
    """50 MB of one header: the 431 arrives while the client is still sending (the server
    stopped reading it as a head after 64 kB, and keeps none of it)."""
    host, port = server.base_url.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    answered = asyncio.create_task(reader.read())  # until the server closes
    sent = 0
    chunk = b"a" * 65536
    try:
        writer.write(b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-Endless: ")
        while sent < 50 * 1024 * 1024 and not answered.done():
            writer.write(chunk)
            await writer.drain()
            sent += len(chunk)
    except (ConnectionResetError, BrokenPipeError):
        pass
    answer = await asyncio.wait_for(answered, 30)  # the server lingers: no reset
    writer.close()
    assert answer.startswith(b"HTTP/1.1 431 ")
    assert sent < 50 * 1024 * 1024, "answered only once everything was sent"
