"""LiveFeed keeps trying when a connection dies during the WebSocket handshake (a server being
killed, a proxy in front of one that is restarting), instead of ending the feed for good."""

from __future__ import annotations

import asyncio
import contextlib

from client.live import LiveFeed
from client.wire import SnapshotMessage
from tests.helpers import LiveServer, Seeded


async def test_a_connection_cut_during_the_handshake_is_retried(
    server: LiveServer, hall: Seeded
) -> None:
    port = int(server.base_url.rsplit(":", 1)[1])
    refused = 0

    async def relay(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal refused
        if refused < 2:  # the first two attempts: accepted, then cut before any answer
            refused += 1
            writer.transport.abort()
            return
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", port)

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            with contextlib.suppress(OSError):
                while data := await src.read(65536):
                    dst.write(data)
                    await dst.drain()
            dst.close()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))

    front = await asyncio.start_server(relay, "127.0.0.1", 0)
    front_port = front.sockets[0].getsockname()[1]
    feed = LiveFeed(
        f"http://127.0.0.1:{front_port}",
        hall_id=hall.hall_id,
        token=hall.display_token,
        reconnect_delay=0.05,
    )
    try:
        async with asyncio.timeout(10):
            async for message in feed:
                assert isinstance(message, SnapshotMessage)
                break
    finally:
        await feed.close()
        front.close()
    assert refused == 2 and feed.reconnects == 2
