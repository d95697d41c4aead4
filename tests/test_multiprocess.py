"""Several server processes on one database.

On PostgreSQL (GOVQUEUE_TEST_POSTGRES set): two processes issue and call at the same time;
every ticket is called once, each service's tickets in strict queue order, the event log
has no gap, and no request fails (deadlocks between the processes' batches used to give a
plain-text 500). On SQLite a second `govqueue serve` on the same file is refused (the
first holds its lock), while the CLI keeps working.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from client.rest import ApiClient
from server.store.file_lock import serving_lock
from tests.helpers import ADMIN_NO, ADMIN_PASSWORD, STAFF_PASSWORD, migrated_database
from tests.processes import (
    GOVQUEUE,
    free_port,
    one_window_hall,
    start_server_process,
    start_server_processes,
    stop_server_processes,
)

POSTGRES = bool(os.environ.get("GOVQUEUE_TEST_POSTGRES"))


def event_log(url: str, hall_id: int) -> list[tuple[int, str, dict[str, Any]]]:
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(
            text("select seq, type, data from event where hall_id = :h order by seq"),
            {"h": hall_id},
        ).all()
    engine.dispose()
    return [
        (seq, type_, data if isinstance(data, dict) else json.loads(data))
        for seq, type_, data in rows
    ]


@pytest.mark.slow
@pytest.mark.timeout(300)  # process starts are slow on a busy machine
@pytest.mark.skipif(not POSTGRES, reason="several server processes need PostgreSQL")
async def test_two_processes_call_every_ticket_once_in_strict_queue_order(tmp_path: Path) -> None:
    url = migrated_database(tmp_path)
    procs: list[subprocess.Popen[bytes]] = []
    try:
        bases = await start_server_processes(url, tmp_path, 2, procs)
        async with ApiClient(bases[0]) as admin:
            await admin.login(ADMIN_NO, ADMIN_PASSWORD)
            hall = await admin.admin_create("halls", {"code": "MP", "name": "双进程大厅"})
            services = {
                prefix: (
                    await admin.admin_create(
                        "services", {"hall_id": hall["id"], "name": name, "prefix": prefix}
                    )
                )["id"]
                for prefix, name in (("A", "户籍"), ("B", "社保"))
            }
            windows = []
            for n in range(1, 5):
                # windows 1 and 3 (process 0) prefer A, windows 2 and 4 (process 1) prefer B:
                # each call looks at the heads of both queues
                order = ["A", "B"] if n % 2 else ["B", "A"]
                w = await admin.admin_create(
                    "windows",
                    {
                        "hall_id": hall["id"],
                        "number": str(n),
                        "service_ids": [services[p] for p in order],
                    },
                )
                await admin.admin_create(
                    "staff",
                    {
                        "staff_no": f"M{n}",
                        "name": f"窗口{n}",
                        "role": "window",
                        "password": STAFF_PASSWORD,
                        "hall_id": hall["id"],
                        "must_change_password": False,
                    },
                )
                windows.append(w["id"])
            kiosk_token = (
                await admin.admin_create(
                    "devices", {"hall_id": hall["id"], "kind": "kiosk", "label": "k"}
                )
            )["token"]

        async def kiosk_run(k: int, count: int) -> list[str]:
            async with ApiClient(bases[k % 2], kiosk_token) as kiosk:
                return [
                    (await kiosk.issue_ticket(services["AB"[(k + i) % 2]]))["number"]
                    for i in range(count)
                ]

        # a queue to start with, issued through both processes at once
        issued = [n for b in await asyncio.gather(*(kiosk_run(k, 5) for k in range(8))) for n in b]

        async def sign_in(n: int) -> str:
            async with ApiClient(bases[n % 2]) as clerk:
                await clerk.login(f"M{n + 1}", STAFF_PASSWORD)
                await clerk.window_action(windows[n], "open")
                return str(clerk.token)

        tokens = await asyncio.gather(*(sign_in(n) for n in range(4)))
        # fresh connections for the race: one left idle past the server's keep-alive while
        # the others sign in could be closed by the server just as it is reused
        clerks = [ApiClient(bases[n % 2], tokens[n]) for n in range(4)]
        kiosks_done = asyncio.Event()

        async def window_run(n: int) -> list[str]:
            called = []
            while True:
                ticket = await clerks[n].call_next(windows[n])
                if ticket is not None:
                    called.append(ticket["number"])
                    await clerks[n].ticket_action(ticket["id"], "no-show")
                elif kiosks_done.is_set():
                    return called
                else:
                    await asyncio.sleep(0.01)

        async def kiosks_while_calling() -> list[str]:
            batches = await asyncio.gather(*(kiosk_run(k, 5) for k in range(8)))
            kiosks_done.set()
            return [n for b in batches for n in b]

        # the windows call while the kiosks go on issuing, through both processes
        *per_window, more = await asyncio.gather(
            *(window_run(n) for n in range(4)), kiosks_while_calling()
        )
        issued += more
        for clerk in clerks:
            await clerk.aclose()
    finally:
        stop_server_processes(procs)
    expected = {p: [f"{p}{i:03d}" for i in range(1, 41)] for p in "AB"}
    assert sorted(issued) == expected["A"] + expected["B"], "numbers repeated or skipped"
    counts = Counter(t for numbers in per_window for t in numbers)
    assert len(counts) == 80 and max(counts.values()) == 1, "a ticket called twice or never"
    # both processes took part (not a timing bound: with 80 tickets and the windows
    # started together, a process that calls nothing means the other starved it)
    assert per_window[0] + per_window[2] and per_window[1] + per_window[3]
    events = event_log(url, hall["id"])
    assert [seq for seq, _, _ in events] == list(range(1, len(events) + 1)), (
        "the hall's event log must have no gap and no repeat"
    )
    calls = [data["number"] for _, type_, data in events if type_ == "ticket.called"]
    for prefix in "AB":
        assert [n for n in calls if n.startswith(prefix)] == expected[prefix], (
            "a later ticket was called while an earlier one of the same service waited"
        )


@pytest.mark.slow
@pytest.mark.timeout(300)  # process starts are slow on a busy machine
@pytest.mark.skipif(not POSTGRES, reason="several server processes need PostgreSQL")
async def test_subscribers_of_one_process_see_every_call_of_the_other(tmp_path: Path) -> None:
    from urllib.parse import urlencode

    import websockets

    url = migrated_database(tmp_path)
    procs: list[subprocess.Popen[bytes]] = []
    try:
        bases = await start_server_processes(url, tmp_path, 2, procs)
        a, b = bases
        hall = await one_window_hall(a, "FEED", "共享推送大厅", staff_no="F1")
        async with ApiClient(a) as admin:
            await admin.login(ADMIN_NO, ADMIN_PASSWORD)
            screen = (
                await admin.admin_create(
                    "devices", {"hall_id": hall.hall_id, "kind": "display", "label": "s"}
                )
            )["token"]
        query = urlencode({"hall_id": hall.hall_id, "token": screen})
        async with websockets.connect(b.replace("http", "ws") + "/ws?" + query) as ws:
            snapshot = json.loads(await ws.recv())
            async with (
                ApiClient(a, hall.kiosk_token) as kiosk_a,
                ApiClient(b, hall.kiosk_token) as kiosk_b,
            ):
                for i in range(10):
                    await (kiosk_a if i % 2 else kiosk_b).issue_ticket(hall.service_id)
            async with ApiClient(a) as clerk:  # the calls are made on the other process
                await clerk.login(hall.staff_no, STAFF_PASSWORD)
                await clerk.window_action(hall.window_id, "open")
                while (t := await clerk.call_next(hall.window_id)) is not None:
                    await clerk.ticket_action(t["id"], "no-show")
            messages = []
            while len([m for m in messages if m["type"] == "ticket.called"]) < 10:
                messages.append(json.loads(await asyncio.wait_for(ws.recv(), 10)))
    finally:
        stop_server_processes(procs)
    seqs = [m["seq"] for m in messages]
    assert seqs == list(range(snapshot["seq"] + 1, snapshot["seq"] + 1 + len(seqs))), (
        "gap or repeat"
    )
    called = [m["data"]["number"] for m in messages if m["type"] == "ticket.called"]
    assert called == [f"A{i:03d}" for i in range(1, 11)]
    issued = [m["data"]["number"] for m in messages if m["type"] == "ticket.issued"]
    assert sorted(issued) == [f"A{i:03d}" for i in range(1, 11)]


@pytest.mark.slow
@pytest.mark.timeout(300)  # process starts are slow on a busy machine
@pytest.mark.skipif(POSTGRES, reason="the lock is the SQLite file's")
async def test_a_second_server_on_the_same_sqlite_file_is_refused(tmp_path: Path) -> None:
    url = migrated_database(tmp_path)
    first, base = await start_server_process(url, tmp_path)
    try:
        # at the same time: a second server (refused), and the CLI (works beside the server)
        port = str(free_port())
        staff = ["--staff-no", "S2", "--name", "主管"]
        commands = {
            "serve": [GOVQUEUE, "serve", "--db", url, "--data-dir", str(tmp_path), "--port", port],
            "create-staff": [GOVQUEUE, "admin", "create-staff", "--db", url, *staff],
            "upgrade": [GOVQUEUE, "db", "upgrade", "--db", url],
        }
        procs = {
            name: subprocess.Popen(
                command,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for name, command in commands.items()
        }
        done = {
            name: proc.communicate("second-admin-password\n" if name == "create-staff" else "", 90)
            for name, proc in procs.items()
        }
        out, err = done["serve"]
        assert procs["serve"].returncode == 2, out + err
        assert "正被另一个 govqueue 服务进程使用" in out + err
        assert f"进程号 {first.pid}" in out + err
        assert "Traceback" not in out + err
        for name in ("create-staff", "upgrade"):
            assert procs[name].returncode == 0, done[name]
        async with ApiClient(base) as admin:  # the first server sees what the CLI wrote
            await admin.login("S2", "second-admin-password")
            assert (await admin.health())["status"] == "ok"
    finally:
        first.kill()  # kill -9: the lock goes with the process
        first.wait(10)
    with serving_lock(url):  # free again: a new server could start
        pass
