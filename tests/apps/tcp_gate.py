"""A TCP relay in front of a test server that a test can shut and open again, as a network
cut would: shut drops every connection at once and refuses new ones until opened. It can also
lose one answer: the request reaches the server, the connection breaks before the reply."""

from __future__ import annotations

import asyncio
import contextlib
import threading


class TcpGate:
    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.port = 0
        self.is_open = True
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        # the next request containing these bytes is delivered, and its answer is cut off
        self.lose_answer_to: bytes | None = None
        self.answers_lost = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> TcpGate:
        self._thread.start()
        self._server = self._run(asyncio.start_server(self._handle, "127.0.0.1", 0))
        self.port = int(self._server.sockets[0].getsockname()[1])
        return self

    def _run(self, coro):  # type: ignore[no-untyped-def]
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(10)

    def shut(self) -> None:
        async def go() -> None:
            self.is_open = False
            for writer in list(self._writers):
                writer.transport.abort()
            self._writers.clear()

        self._run(go())

    def open(self) -> None:
        self.is_open = True

    def stop(self) -> None:
        self.shut()
        if self._server is not None:
            self._server.close()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)
        if not self._thread.is_alive():
            self._loop.close()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if not self.is_open:
            writer.transport.abort()
            return
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            writer.transport.abort()
            return
        self._writers.update((writer, up_writer))

        losing = False

        async def pipe(
            src: asyncio.StreamReader, dst: asyncio.StreamWriter, *, answers: bool
        ) -> None:
            nonlocal losing
            with contextlib.suppress(OSError, ConnectionError):
                while data := await src.read(65536):
                    if not answers and self.lose_answer_to and self.lose_answer_to in data:
                        self.lose_answer_to, losing = None, True
                    if answers and losing:  # the server answered: the client never hears it
                        self.answers_lost += 1
                        break
                    dst.write(data)
                    await dst.drain()
            dst.transport.abort()
            if answers:
                writer.transport.abort()

        await asyncio.gather(
            pipe(reader, up_writer, answers=False), pipe(up_reader, writer, answers=True)
        )
        self._writers.discard(writer)
        self._writers.discard(up_writer)
