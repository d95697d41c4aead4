"""The request line and headers of every HTTP request are bounded: at most MAX_HEAD_BYTES
(16 KB: the URL and every header's name and value) and MAX_HEADERS (100) headers, else 431
Request Header Fields Too Large, in Chinese, and the connection is closed.

uvicorn's httptools protocol reads a head of any size (one `GET /api/v1/health` with 50 MB of
headers answered 200 and left the server 57 MB bigger): it keeps every header in a list and a
header still incomplete in the parser's buffer. This subclass of it (uvicorn's `http` setting
takes a protocol class) counts as the parser goes, stops storing headers once past a limit,
and answers 431 instead of starting the request; a head that has not ended after
UNFINISHED_BYTES of input is refused as well, so a single endless header cannot grow the
buffer either. A well-formed request costs a few additions per header
(`bench/tickets_wrk.py --only issue`, docs/benchmarks.md).
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

MAX_HEAD_BYTES = 16 * 1024
MAX_HEADERS = 100
# input read while a head was still unfinished (it may hold the end of the previous
# request's body, a few kB read with it): past this the head cannot be under MAX_HEAD_BYTES
UNFINISHED_BYTES = 4 * MAX_HEAD_BYTES
LINGER_S = 1.0  # after a 431: input read and dropped this long, then the connection closed
_BODY = json.dumps(
    {
        "detail": f"请求头过大（请求行和请求头合计上限 {MAX_HEAD_BYTES // 1024} KB、"
        f"{MAX_HEADERS} 个请求头），请精简后重试。",
        "code": "headers_too_large",
    },
    ensure_ascii=False,
).encode()
REFUSAL = b"".join(
    [
        b"HTTP/1.1 431 Request Header Fields Too Large\r\n",
        b"content-type: application/json\r\n",
        b"content-length: " + str(len(_BODY)).encode() + b"\r\n",
        b"connection: close\r\n",
        b"\r\n",
        _BODY,
    ]
)


class _HeadTooLarge(Exception):
    """Raised from the parser's callback: it stops parsing; uvicorn's protocol answers a
    parser error through `send_400_response`, which answers 431 instead."""


class HeadLimitedHttpTools(HttpToolsProtocol):
    """uvicorn's httptools protocol with the head bounded (see the module's docstring).

    Two of uvicorn's methods are extended and nothing per header: each request costs one
    length check on completion — the byte count only when what was read with the head could
    exceed the bound (bench/request_checks.py)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._unfinished = 0  # read since an unfinished head began (before this read)
        self._in_flight = 0  # the same with this read: the head cannot be longer
        self._over = False
        self._refused = False

    def data_received(self, data: bytes) -> None:
        if self._refused:  # lingering after a 431: dropped
            return
        self._in_flight = self._unfinished + len(data)
        super().data_received(data)
        if self._refused:
            return
        scope = self.scope
        if scope is not None and "method" not in scope:  # a head not finished yet
            self._unfinished = self._in_flight
            if self._unfinished > UNFINISHED_BYTES:
                self._over = True
                self._refuse()
        else:
            self._unfinished = 0

    def on_headers_complete(self) -> None:
        headers = self.headers
        if len(headers) > MAX_HEADERS or (
            self._in_flight > MAX_HEAD_BYTES and _head_bytes(self.url, headers) > MAX_HEAD_BYTES
        ):
            self._over = True
            raise _HeadTooLarge  # no request is started; answered in send_400_response
        super().on_headers_complete()

    def send_400_response(self, msg: str) -> None:
        if self._over:
            self._refuse()
            return
        super().send_400_response(msg)

    def _refuse(self) -> None:
        """Answer 431 and close, lingering: what the client still sends is read and dropped
        for LINGER_S (closing with unread input resets the connection, and the client would
        lose the answer), then the connection is closed whatever it does."""
        self._refused = True
        transport = self.transport
        if transport.is_closing():
            return
        client = f"{self.client[0]}:{self.client[1]}" if self.client else "?"
        self.logger.warning("request head too large from %s: refused with 431", client)
        transport.write(REFUSAL)
        if transport.can_write_eof():
            transport.write_eof()
        asyncio.get_running_loop().call_later(LINGER_S, transport.close)


def _head_bytes(url: bytes, headers: list[tuple[bytes, bytes]]) -> int:
    return len(url) + sum(len(name) + len(value) for name, value in headers)
