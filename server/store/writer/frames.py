"""Messages on a pipe, each framed by its length: what the writer process and the server
(server/store/writer/process.py) send each other both ways. A reader cuts the messages out
of whatever one read returns, so a batch of messages costs one system call, not two (length,
then body) per message as `multiprocessing.Connection.recv_bytes` does."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable

log = logging.getLogger(__name__)

LENGTH_BYTES = 8  # a message's frame: its length (little-endian), then the message
READ_BYTES = 1 << 18  # what one read takes at most


class Frames:
    """Cuts the bytes read from a pipe into messages (each one LENGTH_BYTES of length, then
    the message) and hands each whole one to `take`."""

    __slots__ = ("_buffer", "_take")

    def __init__(self, take: Callable[[bytes], None]) -> None:
        self._buffer = bytearray()
        self._take = take

    def feed(self, data: bytes) -> None:
        buffer = self._buffer
        buffer += data
        start = 0
        while len(buffer) - start >= LENGTH_BYTES:
            body = start + LENGTH_BYTES
            end = body + int.from_bytes(buffer[start:body], "little")
            if len(buffer) < end:
                break
            try:
                self._take(bytes(buffer[body:end]))
            except Exception:  # the messages after it must still be read
                log.exception("a message from the pipe could not be handled")
            start = end
        del buffer[:start]


def send_frame(fd: int, message: bytes) -> None:
    """Write one message, framed by its length, whole (blocking while the pipe is full)."""
    view = memoryview(len(message).to_bytes(LENGTH_BYTES, "little") + message)
    while view:
        view = view[os.write(fd, view) :]
