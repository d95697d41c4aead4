"""Writing one event's WebSocket frame straight to many subscribers' sockets.

A server-to-client frame is not masked (RFC 6455 §5.1), so one text frame is the same bytes
for every subscriber: the hub builds it once per event and writes it to each caught-up
subscriber's transport in one synchronous loop, as `websockets.broadcast` does, instead of
waking one task per subscriber to push the message through Starlette, uvicorn and the
websockets state machine (about three quarters of the server's CPU per delivered message).

This needs uvicorn's `websockets-sansio` protocol (what `govqueue serve` and the embedded
server run), reached through the ASGI `receive` callable Starlette keeps. These are private
parts of uvicorn and Starlette, and this module is the only one that touches them (`_USED`,
`missing_parts`); under any other ASGI server `socket_of` answers None and the subscriber is
served through its queue as before. Should an upgrade of uvicorn or Starlette take one of
them away, the queue path serves every subscriber, the server logs it once as a warning, and
tests/realtime/test_direct_socket.py fails. A `DirectSocket` refuses a write (the hub then queues the event) when the connection
is not open, or when its transport is paused because the client does not read (write buffer
above the high-water mark): so a slow screen still goes through its bounded queue and is
closed with 4408 when it overflows, and never grows the server's memory.
"""

from __future__ import annotations

import logging
from typing import Any, Protocol

from starlette.websockets import WebSocket
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.frames import Frame, Opcode
from websockets.protocol import State

log = logging.getLogger(__name__)
# what this module reads of a uvicorn websockets-sansio protocol object
_USED = ("transport", "writable", "close_sent", "disconnected", "conn")
_warned: set[str] = set()
SANSIO = WebSocketsSansIOProtocol.__module__


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
    receive: Any = getattr(ws, "_receive", None)  # Starlette keeps the ASGI receive here
    if receive is None:
        _warn_once("starlette", "Starlette's WebSocket no longer keeps `_receive`")
        return None
    protocol = getattr(receive, "__self__", None)  # uvicorn's receive is a bound method
    if not isinstance(protocol, WebSocketsSansIOProtocol):
        if (getattr(receive, "__module__", None) or "") == SANSIO:
            _warn_once("uvicorn", "uvicorn's websockets-sansio receive is not its protocol's")
        return None  # another server or protocol: the queue path, as designed
    missing = missing_parts(protocol)
    if missing:
        _warn_once("uvicorn", f"uvicorn's websockets-sansio protocol lacks {missing}")
        return None
    if protocol.conn.extensions:
        return None
    return DirectSocket(protocol)


def missing_parts(protocol: object) -> list[str]:
    """The parts of uvicorn's protocol this module uses that `protocol` lacks."""
    return [name for name in _USED if not hasattr(protocol, name)]


def _warn_once(part: str, what: str) -> None:
    if part not in _warned:
        _warned.add(part)
        log.warning(
            "%s: the live feed writes through each subscriber's queue instead (slower; "
            "server/realtime/direct.py needs updating)",
            what,
        )
