from __future__ import annotations

from tests.helpers import LiveServer, Seeded, open_window


async def test_issue_call_finish(server: LiveServer, hall: Seeded) -> None:
    kiosk = server.client(hall.kiosk_token)
    t = await kiosk.issue_ticket(hall.services["A"])
    assert t["number"] == "A001"
    clerk = await open_window(server, hall, "1")
    called = await clerk.call_next(hall.windows["1"])
    assert called is not None and called["number"] == "A001"
