"""Under load: no duplicate number, no double call, no skipped ticket."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from urllib.parse import urlencode

import websockets

from client.rest import ApiClient
from tests.helpers import LiveServer, seed_hall

KIOSKS, PER_KIOSK = 8, 100


async def test_eight_kiosks_issue_800_distinct_contiguous_numbers(server: LiveServer) -> None:
    seeded = await seed_hall(server, windows={"1": ["A"]})
    service = seeded.services["A"]

    async def kiosk_run() -> list[str]:
        async with ApiClient(server.base_url, seeded.kiosk_token) as kiosk:
            return [(await kiosk.issue_ticket(service))["number"] for _ in range(PER_KIOSK)]

    results = await asyncio.gather(*(kiosk_run() for _ in range(KIOSKS)))
    numbers = [n for batch in results for n in batch]
    assert len(numbers) == len(set(numbers)) == KIOSKS * PER_KIOSK
    assert sorted(numbers) == [f"A{i:03d}" for i in range(1, KIOSKS * PER_KIOSK + 1)]
    # each kiosk saw its own numbers in increasing order
    for batch in results:
        assert batch == sorted(batch)
    page = await server.admin.ticket_records(seeded.hall_id, limit=1000)
    assert page.total == KIOSKS * PER_KIOSK


async def test_four_windows_calling_at_once_never_share_or_skip_a_ticket(
    server: LiveServer,
) -> None:
    windows = {str(n): ["A"] for n in range(1, 5)}
    seeded = await seed_hall(server, windows=windows)
    kiosk = server.client(seeded.kiosk_token)
    issued = [await kiosk.issue_ticket(seeded.services["A"]) for _ in range(120)]
    clerks = {}
    for number in windows:
        clerk = await server.login(seeded.staff[number])
        await clerk.window_action(seeded.windows[number], "open")
        clerks[number] = clerk

    async def window_run(number: str) -> list[int]:
        clerk, called = clerks[number], []
        while (ticket := await clerk.call_next(seeded.windows[number])) is not None:
            called.append(ticket["id"])
            await clerk.ticket_action(ticket["id"], "no-show")
        return called

    per_window = await asyncio.gather(*(window_run(n) for n in windows))
    all_called = [tid for ids in per_window for tid in ids]
    counts = Counter(all_called)
    assert not [tid for tid, n in counts.items() if n > 1], "a ticket was called twice"
    assert set(all_called) == {t["id"] for t in issued}, "a ticket was never called"
    assert all(len(ids) > 5 for ids in per_window), "the windows did not really run concurrently"

    # The event log shows the calls in strict issue order: nobody was skipped.
    query = urlencode({"hall_id": seeded.hall_id, "since": 0, "token": seeded.display_token})
    ws_url = server.base_url.replace("http", "ws") + "/ws?" + query
    called_numbers = []
    async with websockets.connect(ws_url) as ws:
        while len(called_numbers) < len(issued):
            message = json.loads(await asyncio.wait_for(ws.recv(), 5))
            if message["type"] == "ticket.called":
                called_numbers.append(message["data"]["number"])
    assert called_numbers == [t["number"] for t in issued]
