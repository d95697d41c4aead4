"""Two server processes on one database: calls stay atomic and the event log stays gap-free.

Runs on the embedded SQLite file, and on PostgreSQL when GOVQUEUE_TEST_POSTGRES is set.
"""

from __future__ import annotations

import asyncio
import os
import signal
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from client.rest import ApiClient
from tests.helpers import ADMIN_NO, ADMIN_PASSWORD, STAFF_PASSWORD, migrated_database
from tests.processes import start_server_process


@pytest.mark.slow
async def test_two_processes_never_call_a_ticket_twice(tmp_path: Path) -> None:
    url = migrated_database(tmp_path)
    procs = [await start_server_process(url, tmp_path), await start_server_process(url, tmp_path)]
    bases = [base for _, base in procs]
    try:
        async with ApiClient(bases[0]) as admin:
            await admin.login(ADMIN_NO, ADMIN_PASSWORD)
            hall = await admin.admin_create("halls", {"code": "MP", "name": "双进程大厅"})
            service = await admin.admin_create(
                "services", {"hall_id": hall["id"], "name": "综合", "prefix": "A"}
            )
            windows = []
            for n in range(1, 5):
                w = await admin.admin_create(
                    "windows",
                    {"hall_id": hall["id"], "number": str(n), "service_ids": [service["id"]]},
                )
                await admin.admin_create(
                    "staff",
                    {
                        "staff_no": f"M{n}",
                        "name": f"窗口{n}",
                        "role": "window",
                        "password": STAFF_PASSWORD,
                        "hall_id": hall["id"],
                    },
                )
                windows.append(w["id"])
            kiosk_token = (
                await admin.admin_create(
                    "devices", {"hall_id": hall["id"], "kind": "kiosk", "label": "k"}
                )
            )["token"]

        async def kiosk_run(base: str) -> list[str]:
            async with ApiClient(base, kiosk_token) as kiosk:
                return [(await kiosk.issue_ticket(service["id"]))["number"] for _ in range(40)]

        numbers = [
            n for batch in await asyncio.gather(*(kiosk_run(b) for b in bases)) for n in batch
        ]
        assert sorted(numbers) == [f"A{i:03d}" for i in range(1, 81)], "numbers repeated or skipped"

        async def window_run(n: int) -> list[int]:
            base = bases[n % 2]  # windows 1 and 3 on one process, 2 and 4 on the other
            async with ApiClient(base) as clerk:
                await clerk.login(f"M{n + 1}", STAFF_PASSWORD)
                await clerk.window_action(windows[n], "open")
                called = []
                while (ticket := await clerk.call_next(windows[n])) is not None:
                    called.append(ticket["id"])
                    await clerk.ticket_action(ticket["id"], "no-show")
                return called

        per_window = await asyncio.gather(*(window_run(n) for n in range(4)))
        counts = Counter(t for ids in per_window for t in ids)
        assert len(counts) == 80 and max(counts.values()) == 1
        assert sum(len(ids) > 3 for ids in per_window) == 4
    finally:
        for proc, _ in procs:
            proc.send_signal(signal.SIGINT)
            proc.wait(10)
    engine = create_engine(url)
    with engine.connect() as conn:
        seqs = [
            row[0]
            for row in conn.execute(
                text("select seq from event where hall_id = :h order by seq"), {"h": hall["id"]}
            )
        ]
    engine.dispose()
    assert seqs == list(range(1, len(seqs) + 1)), (
        "the hall's event log must have no gap and no repeat"
    )


@pytest.mark.slow
@pytest.mark.skipif(
    not os.environ.get("GOVQUEUE_TEST_POSTGRES"),
    reason="the feed is shared between processes on PostgreSQL",
)
async def test_subscribers_of_one_process_see_every_call_of_the_other(tmp_path: Path) -> None:
    import json
    from urllib.parse import urlencode

    import websockets

    url = migrated_database(tmp_path)
    procs = [await start_server_process(url, tmp_path), await start_server_process(url, tmp_path)]
    a, b = (base for _, base in procs)
    try:
        async with ApiClient(a) as admin:
            await admin.login(ADMIN_NO, ADMIN_PASSWORD)
            hall = await admin.admin_create("halls", {"code": "FEED", "name": "共享推送大厅"})
            service = await admin.admin_create(
                "services", {"hall_id": hall["id"], "name": "综合", "prefix": "A"}
            )
            window = await admin.admin_create(
                "windows", {"hall_id": hall["id"], "number": "1", "service_ids": [service["id"]]}
            )
            await admin.admin_create(
                "staff",
                {
                    "staff_no": "F1",
                    "name": "窗口1",
                    "role": "window",
                    "password": STAFF_PASSWORD,
                    "hall_id": hall["id"],
                },
            )
            kiosk_token = (
                await admin.admin_create(
                    "devices", {"hall_id": hall["id"], "kind": "kiosk", "label": "k"}
                )
            )["token"]
            screen = (
                await admin.admin_create(
                    "devices", {"hall_id": hall["id"], "kind": "display", "label": "s"}
                )
            )["token"]
        query = urlencode({"hall_id": hall["id"], "token": screen})
        async with websockets.connect(b.replace("http", "ws") + "/ws?" + query) as ws:
            snapshot = json.loads(await ws.recv())
            async with ApiClient(a, kiosk_token) as kiosk_a, ApiClient(b, kiosk_token) as kiosk_b:
                for i in range(10):
                    await (kiosk_a if i % 2 else kiosk_b).issue_ticket(service["id"])
            async with ApiClient(a) as clerk:  # the calls are made on the other process
                await clerk.login("F1", STAFF_PASSWORD)
                await clerk.window_action(window["id"], "open")
                while (t := await clerk.call_next(window["id"])) is not None:
                    await clerk.ticket_action(t["id"], "no-show")
            messages = []
            while len([m for m in messages if m["type"] == "ticket.called"]) < 10:
                messages.append(json.loads(await asyncio.wait_for(ws.recv(), 10)))
    finally:
        for proc, _ in procs:
            proc.send_signal(signal.SIGINT)
            proc.wait(10)
    seqs = [m["seq"] for m in messages]
    assert seqs == list(range(snapshot["seq"] + 1, snapshot["seq"] + 1 + len(seqs))), (
        "gap or repeat"
    )
    called = [m["data"]["number"] for m in messages if m["type"] == "ticket.called"]
    assert called == [f"A{i:03d}" for i in range(1, 11)]
    issued = [m["data"]["number"] for m in messages if m["type"] == "ticket.issued"]
    assert sorted(issued) == [f"A{i:03d}" for i in range(1, 11)]
