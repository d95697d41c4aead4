"""What a client sends on /ws: `{"type": "ping"}` is answered with a pong; anything else —
JSON that is not an object, text that is not JSON, JSON nested past Python's recursion,
binary frames — is ignored (the first per connection logged) and the feed goes on. It used to
end the connection with no close frame (1006) and nothing in the log."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any
from urllib.parse import urlencode

import pytest
import websockets

from tests.helpers import LiveServer, Seeded

HOSTILE: list[str | bytes] = [
    "[1]",
    "1",
    "null",
    '"ping"',
    "true",
    "not json at all",
    "[" * 100_000 + "]" * 100_000,
    b"\x00\x01binary",
    '{"type": "pong"}',
]


async def receive(ws: websockets.ClientConnection) -> dict[str, Any]:
    message: dict[str, Any] = json.loads(await asyncio.wait_for(ws.recv(), 10))
    return message


async def test_messages_that_are_not_a_ping_are_ignored_and_logged_once(
    server: LiveServer, hall: Seeded, caplog: pytest.LogCaptureFixture
) -> None:
    url = server.base_url.replace("http", "ws", 1) + "/ws?"
    url += urlencode({"hall_id": hall.hall_id, "token": hall.display_token})
    kiosk = server.client(hall.kiosk_token)
    with caplog.at_level(logging.INFO, logger="server.realtime.endpoint"):
        async with websockets.connect(url, max_size=None) as ws:
            assert (await receive(ws))["type"] == "snapshot"
            for message in HOSTILE:
                await ws.send(message)
            await ws.send(json.dumps({"type": "ping"}))
            assert await receive(ws) == {"type": "pong"}  # still served, in order
            await kiosk.issue_ticket(hall.services["A"])
            issued = await receive(ws)
            assert issued["type"] == "ticket.issued" and issued["data"]["number"] == "A001"
    ignored = [r for r in caplog.records if "ignored a message" in r.getMessage()]
    assert len(ignored) == 1 and "'[1]'" in ignored[0].getMessage()
