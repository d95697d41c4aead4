"""A request body larger than `MAX_BODY_BYTES` is refused (413, in Chinese) before any of it
is parsed: nothing a kiosk, window or admin sends comes near it. A JSON body (content type
`application/json` or `…+json`) that is not UTF-8 is refused 400 before it is parsed:
Python's `json.loads` reads bytes in UTF-16 and UTF-32 too (it guesses from the NUL bytes),
which docs/api.md rules out. JSON text never holds a raw NUL byte (RFC 8259 escapes control
characters), so a NUL is as sure a sign of UTF-16/32 as a byte sequence UTF-8 cannot decode."""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_BODY_BYTES = 64 * 1024


class BodyLimit:
    """Pure ASGI (no per-request task): reads the body, at most `limit` bytes, then replays
    it to the application."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.limit:
            await self._refuse(send)
            return
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":  # the client left
                await self.app(scope, _replay([], message), send)
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.limit:
                await self._refuse(send)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        if size and not _readable_json(chunks, scope):
            await self._refuse(send, 400, UNREADABLE, "http_400")
            return
        await self.app(scope, _replay(chunks, None, receive), send)

    async def _refuse(
        self, send: Send, status: int = 413, detail: str | None = None, code: str | None = None
    ) -> None:
        body = json.dumps(
            {
                "detail": detail or f"请求内容过大（上限 {self.limit // 1024} KB），请精简后重试。",
                "code": code or "payload_too_large",
            },
            ensure_ascii=False,
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


UNREADABLE = "请求内容无法解析：请发送 UTF-8 编码的 JSON（嵌套不要过深）。"


def _readable_json(chunks: list[bytes], scope: Scope) -> bool:
    """False for a JSON body that is not UTF-8 (see the module's docstring); other bodies
    are not looked at."""
    if not _is_json(scope):
        return True
    body = chunks[0] if len(chunks) == 1 else b"".join(chunks)
    if b"\x00" in body:
        return False
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _is_json(scope: Scope) -> bool:
    """The content type FastAPI reads as JSON: application/json or application/…+json."""
    for name, value in scope.get("headers", []):
        if name == b"content-type":
            kind: bytes = value.split(b";", 1)[0].strip().lower()
            return kind == b"application/json" or (
                kind.startswith(b"application/") and kind.endswith(b"+json")
            )
    return False


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def _replay(chunks: list[bytes], last: Message | None, receive: Receive | None = None) -> Receive:
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            if last is not None:
                return last
            return {"type": "http.request", "body": b"".join(chunks), "more_body": False}
        if receive is not None:
            return await receive()  # e.g. http.disconnect, after the body
        return {"type": "http.disconnect"}

    return replayed
