"""The live feed's adapter to uvicorn's and Starlette's private parts (server/realtime/
direct.py): with the uvicorn installed here a subscriber's socket is written to directly; a
uvicorn or Starlette that changed those parts makes the feed fall back to the queue path,
said once in the log — and this file fails, so an upgrade cannot slow the feed unnoticed."""

from __future__ import annotations

import json
import logging
from types import SimpleNamespace
from typing import Any, cast
from urllib.parse import urlencode

import pytest
import websockets
from starlette.websockets import WebSocket
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol

from server.realtime import direct
from server.realtime.direct import DirectSocket, socket_of
from tests.helpers import LiveServer, Seeded


async def test_this_uvicorn_lets_the_feed_write_to_the_socket_directly(
    server: LiveServer, hall: Seeded
) -> None:
    query = urlencode({"hall_id": hall.hall_id, "token": hall.display_token})
    url = server.base_url.replace("http", "ws", 1) + "/ws?" + query
    hub = server.feed.hub
    async with websockets.connect(url) as screen:
        assert json.loads(await screen.recv())["type"] == "snapshot"
        [subscription] = hub.subscriptions(hall.hall_id)
        assert isinstance(subscription.socket, DirectSocket), "uvicorn changed: see direct.py"
        before = hub.direct_writes
        kiosk = server.client(hall.kiosk_token)
        await kiosk.issue_ticket(hall.services["A"])
        assert json.loads(await screen.recv())["type"] == "ticket.issued"
        assert hub.direct_writes >= before + 1


class ChangedProtocol(WebSocketsSansIOProtocol):
    """uvicorn's protocol as a later version might have it: none of the parts direct.py uses."""

    async def receive(self) -> Any:  # pragma: no cover - never awaited
        return None


def connection(receive: object) -> WebSocket:
    return cast(WebSocket, SimpleNamespace(_receive=receive))


def test_a_changed_uvicorn_or_starlette_is_served_by_the_queue_and_said_once(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(direct, "_warned", set())
    changed = object.__new__(ChangedProtocol)
    assert direct.missing_parts(changed) == list(direct._USED)
    with caplog.at_level(logging.WARNING, logger="server.realtime.direct"):
        assert socket_of(connection(changed.receive)) is None
        assert socket_of(connection(changed.receive)) is None
        assert socket_of(cast(WebSocket, SimpleNamespace())) is None  # no `_receive` kept

        async def another_servers_receive() -> None: ...

        assert socket_of(connection(another_servers_receive)) is None  # not uvicorn: silent
    said = [r.getMessage() for r in caplog.records]
    assert len(said) == 2, said
    assert "uvicorn's websockets-sansio protocol lacks ['transport'" in said[0]
    assert "Starlette's WebSocket no longer keeps `_receive`" in said[1]
    assert all("writes through each subscriber's queue" in s for s in said)
