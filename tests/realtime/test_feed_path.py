"""/ws handed straight to the endpoint (server/realtime/feed_path.py) answers as the FastAPI
route does: the same snapshot and events, the same refusals, the same close codes."""

from __future__ import annotations

from typing import Any

import pytest
import websockets

from server.realtime.feed_path import FeedPath
from tests.helpers import LiveServer, Seeded, open_window
from tests.realtime.test_live_feed import receive, ws_url


def feed_path_of(server: LiveServer) -> FeedPath:
    node: Any = server.app.middleware_stack
    while not isinstance(node, FeedPath):
        node = node.app
    return node


async def _session(server: LiveServer, hall: Seeded, since: int | None) -> list[dict[str, Any]]:
    """What a screen receives: the snapshot (or the replay after `since`), then one call."""
    params: dict[str, Any] = {"hall_id": hall.hall_id, "token": hall.display_token}
    if since is not None:
        params["since"] = since
    got = []
    async with websockets.connect(ws_url(server, **params)) as ws:
        if since is None:
            got.append(await receive(ws))
        clerk = await open_window(server, hall, "1")
        await server.client(hall.kiosk_token).issue_ticket(hall.services["A"])
        await clerk.call_next(hall.windows["1"])
        while not got or got[-1]["type"] != "ticket.called":
            got.append(await receive(ws))
    return got


@pytest.mark.parametrize("direct", [True, False])
async def test_the_feed_is_the_same_either_way(
    server: LiveServer, hall: Seeded, direct: bool
) -> None:
    path = feed_path_of(server)
    path.enabled = direct
    served = path.served
    got = await _session(server, hall, None)
    assert got[0]["type"] == "snapshot" and got[0]["seq"] >= 0
    assert [m["seq"] for m in got[1:]] == list(range(got[0]["seq"] + 1, got[-1]["seq"] + 1))
    assert {m["type"] for m in got[1:]} >= {"window.status", "ticket.issued", "ticket.called"}
    # a reconnect with the last seq replays the same events, whichever way it goes
    path.enabled = not direct
    replayed = []
    params = {"hall_id": hall.hall_id, "token": hall.display_token, "since": got[0]["seq"]}
    async with websockets.connect(ws_url(server, **params)) as ws:
        while len(replayed) < len(got) - 1:
            replayed.append(await receive(ws))
    assert replayed == got[1:]
    assert path.served == served + 1  # the one connection made with the direct path on


@pytest.mark.parametrize("direct", [True, False])
@pytest.mark.parametrize(
    ("params", "code"),
    [({"hall_id": "x"}, 4400), ({"token": "gqd_forged"}, 4401), ({"hall_id": 999}, 4403)],
)
async def test_refusals_are_the_same_either_way(
    server: LiveServer, hall: Seeded, direct: bool, params: dict[str, Any], code: int
) -> None:
    feed_path_of(server).enabled = direct
    sent = {"hall_id": hall.hall_id, "token": hall.display_token, **params}
    async with websockets.connect(ws_url(server, **sent)) as ws:
        error = await receive(ws)
        with pytest.raises(websockets.ConnectionClosed):
            await receive(ws)
    assert error["type"] == "error" and error["detail"]
    assert ws.close_code == code
