"""Messages framed by their length on a pipe (server/store/writer/frames.py), as the writer process
and the server exchange them."""

from __future__ import annotations

import os
import threading

from server.store.writer.frames import LENGTH_BYTES, READ_BYTES, Frames, send_frame


def test_messages_are_cut_whole_however_the_bytes_arrive() -> None:
    answers = [b"a" * 5, b"", bytes(range(256)) * 40, b"z"]
    stream = b"".join(len(a).to_bytes(LENGTH_BYTES, "little") + a for a in answers)
    for step in (1, 3, 7, 4096, len(stream)):
        got: list[bytes] = []
        cutter = Frames(got.append)
        for start in range(0, len(stream), step):
            cutter.feed(stream[start : start + step])
        assert got == answers, step
    half: list[bytes] = []
    cutter = Frames(half.append)
    cutter.feed(stream[: LENGTH_BYTES + 3])
    assert half == []  # an answer is handed over only once whole


def test_a_message_bigger_than_the_pipe_arrives_whole_through_a_real_pipe() -> None:
    read_end, write_end = os.pipe()
    big = os.urandom(3 * READ_BYTES + 5)  # past the pipe's buffer: the writer blocks meanwhile
    writer = threading.Thread(target=lambda: [send_frame(write_end, m) for m in (big, b"end")])
    writer.start()
    got: list[bytes] = []
    frames = Frames(got.append)
    while len(got) < 2:
        frames.feed(os.read(read_end, READ_BYTES))
    writer.join()
    os.close(read_end)
    os.close(write_end)
    assert got == [big, b"end"]
