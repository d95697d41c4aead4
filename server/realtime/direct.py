"""Writing one event's WebSocket frame straight to many subscribers' sockets.

A server-to-client frame is not masked (RFC 6455 §5.1), so one text frame is the same bytes
for every subscriber: the hub builds it once per event and writes it to each caught-up
subscriber's transport in one synchronous loop, as `websockets.broadcast` does, instead of
waking one task per subscriber to push the message through Starlette, uvicorn and the
websockets state machine (about three quarters of the server's CPU per delivered message).

This needs uvicorn's `websockets-sansio` protocol (what `govqueue serve` and the embedded
server run), reached through the ASGI `receive` callable Starlette keeps; under any other
ASGI server `socket_of` answers None and the subscriber is served through its queue as
before. A `DirectSocket` refuses a write (the hub then queues the event) when the connection
is not open, or when its transport is paused because the client does not read (write buffer
above the high-water mark): so a slow screen still goes through its bounded queue and is
closed with 4408 when it overflows, and never grows the server's memory.
"""

from __future__ import annotations

from typing import Any, Protocol

from starlette.websockets import WebSocket
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.frames import Frame, Opcode
from websockets.protocol import State


def text_frame(text: str) -> bytes:
    """One unfragmented, unmasked text frame (no extension: the feed runs without deflate)."""
    return Frame(Opcode.TEXT, text.encode()).serialize(mask=False)


class FrameSink(Protocol):
    def write(self, frame: bytes) -> bool: ...


class DirectSocket:
    """The socket of one /ws connection, written to without going through the ASGI send."""

    __slots__ = ("_protocol",)

    def __init__(self, protocol: WebSocketsSansIOProtocol) -> None:
        self._protocol = protocol

    def write(self, frame: bytes) -> bool:
        """Write a whole frame now; False (nothing written) when it cannot go out at once."""
        protocol = self._protocol
        transport = protocol.transport
        if (
            not protocol.writable.is_set()  # the client does not keep up: paused
            or protocol.close_sent
            or protocol.disconnected
            or protocol.conn.state is not State.OPEN
            or transport.is_closing()
        ):
            return False
        transport.write(frame)
        return True


def socket_of(ws: WebSocket) -> DirectSocket | None:
    """The connection's socket when the server is uvicorn's websockets-sansio protocol and
    the connection negotiated no extension; else None (the queue path serves it)."""
    receive: Any = getattr(ws, "_receive", None)
    protocol = getattr(receive, "__self__", None)
    if not isinstance(protocol, WebSocketsSansIOProtocol) or not all(
        hasattr(protocol, name) for name in _USED
    ):  # another server, or a uvicorn that changed: tests/realtime/test_fanout.py fails
        return None
    if protocol.conn.extensions:
        return None
    return DirectSocket(protocol)


_USED = ("transport", "writable", "close_sent", "disconnected", "conn")
