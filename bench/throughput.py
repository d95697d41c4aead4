"""Benchmark: tickets issued/s, call-next/s, live-feed latency at 1,000 subscribers, server RSS.

Starts `govqueue serve` as a separate process on 127.0.0.1 with a fresh SQLite file (WAL,
synchronous=FULL: every acknowledged ticket is fsynced), drives it from this process and
prints the figures. Not a test: it asserts nothing about timing.

    .venv/bin/python bench/throughput.py [--tickets 4000] [--subscribers 1000] [--calls 200]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

import httpx
import psutil
import websockets

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from harness import add_fan_out_arguments, arguments  # noqa: E402

from client.rest import ApiClient  # noqa: E402

GOVQUEUE = str(Path(sys.executable).with_name("govqueue"))
PASSWORD = "bench-password-1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


class RssSampler:
    def __init__(self, pid: int) -> None:
        self.proc = psutil.Process(pid)
        self.peak = 0
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        while True:
            try:
                self.peak = max(self.peak, self.current())
            except psutil.Error:
                return
            await asyncio.sleep(0.1)

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    def current(self) -> int:
        """RSS of the server and its worker processes."""
        procs = [self.proc, *self.proc.children(recursive=True)]
        return int(sum(p.memory_info().rss for p in procs))


async def seed(base: str, windows: int) -> dict[str, object]:
    async with ApiClient(base) as admin:
        await admin.login("admin", PASSWORD)
        hall = await admin.admin_create("halls", {"code": "BENCH", "name": "压测大厅"})
        service = await admin.admin_create(
            "services", {"hall_id": hall.id, "name": "综合受理", "prefix": "A"}
        )
        window_ids, staff = [], []
        for n in range(1, windows + 1):
            w = await admin.admin_create(
                "windows", {"hall_id": hall.id, "number": str(n), "service_ids": [service.id]}
            )
            window_ids.append(w.id)
            await admin.admin_create(
                "staff",
                {
                    "staff_no": f"B{n}",
                    "name": f"窗口{n}",
                    "role": "window",
                    "password": PASSWORD,
                    "hall_id": hall.id,
                    "must_change_password": False,  # benches and pictures sign in and work
                },
            )
            staff.append(f"B{n}")
        kiosk = await admin.admin_create(
            "devices", {"hall_id": hall.id, "kind": "kiosk", "label": "k"}
        )
        screen = await admin.admin_create(
            "devices", {"hall_id": hall.id, "kind": "display", "label": "s"}
        )
    return {
        "hall": hall.id,
        "service": service.id,
        "windows": window_ids,
        "staff": staff,
        "kiosk": kiosk.token,
        "screen": screen.token,
    }


async def bench_issue(base: str, setup: dict[str, object], total: int, clients: int) -> float:
    per = total // clients

    async def one() -> None:
        async with ApiClient(base, str(setup["kiosk"])) as kiosk:
            for _ in range(per):
                await kiosk.issue_ticket(int(setup["service"]))  # type: ignore[call-overload]

    start = time.perf_counter()
    await asyncio.gather(*(one() for _ in range(clients)))
    return per * clients / (time.perf_counter() - start)


async def open_clerks(base: str, setup: dict[str, object]) -> list[tuple[ApiClient, int]]:
    clerks = []
    for staff_no, window_id in zip(setup["staff"], setup["windows"], strict=True):  # type: ignore[call-overload]
        clerk = ApiClient(base)
        await clerk.login(staff_no, PASSWORD)
        await clerk.window_action(window_id, "open")
        clerks.append((clerk, window_id))
    return clerks


async def bench_call_next(
    clerks: list[tuple[ApiClient, int]], seconds: float
) -> tuple[float, float]:
    """Each window: call-next then no-show (to free the window), as fast as it can."""
    calls = 0
    call_time = 0.0
    deadline = time.perf_counter() + seconds

    async def one(clerk: ApiClient, window_id: int) -> None:
        nonlocal calls, call_time
        while time.perf_counter() < deadline:
            t0 = time.perf_counter()
            ticket = await clerk.call_next(window_id)
            call_time += time.perf_counter() - t0
            if ticket is None:
                return
            calls += 1
            await clerk.ticket_action(ticket.id, "no-show")

    start = time.perf_counter()
    await asyncio.gather(*(one(c, w) for c, w in clerks))
    elapsed = time.perf_counter() - start
    return calls / elapsed, calls / call_time * len(clerks)


async def bench_fanout(
    base: str,
    setup: dict[str, object],
    clerk: ApiClient,
    window_id: int,
    subscribers: int,
    calls: int,
    interval: float,
) -> tuple[list[float], int]:
    ws_base = base.replace("http://", "ws://")
    query = urlencode({"hall_id": setup["hall"], "token": setup["screen"]})
    sent_at: dict[int, float] = {}
    arrivals: list[tuple[int, float]] = []  # (ticket_id, when), matched after the run
    ready = 0

    async def subscriber() -> None:
        nonlocal ready
        async with websockets.connect(f"{ws_base}/ws?{query}", max_queue=None) as ws:
            await ws.recv()  # snapshot
            ready += 1
            async for raw in ws:
                if '"ticket.called"' not in raw:  # cheap filter: only parse the calls
                    continue
                arrived = time.perf_counter()
                message = json.loads(raw)
                if message["type"] == "ticket.called":
                    arrivals.append((message["data"]["ticket_id"], arrived))

    tasks = []
    for i in range(subscribers):
        tasks.append(asyncio.create_task(subscriber()))
        if i % 50 == 49:
            await asyncio.sleep(0.05)
    deadline = time.perf_counter() + 60
    while ready < subscribers and time.perf_counter() < deadline:
        if all(t.done() for t in tasks):
            break
        await asyncio.sleep(0.05)
    failed = [t for t in tasks if t.done() and t.exception() is not None]
    if failed:
        print(f"  {len(failed)} subscribers failed to connect: {failed[0].exception()!r}")
    for _ in range(calls):
        t0 = time.perf_counter()  # taken before the request: an early delivery still counts
        ticket = await clerk.call_next(window_id)
        if ticket is None:
            break
        sent_at[ticket.id] = t0
        await clerk.ticket_action(ticket.id, "no-show")
        await asyncio.sleep(interval)
    expected = ready * len(sent_at)
    deadline = time.perf_counter() + 30
    while len(arrivals) < expected and time.perf_counter() < deadline:
        await asyncio.sleep(0.05)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    latencies = [when - sent_at[tid] for tid, when in arrivals if tid in sent_at]
    return latencies, ready


async def main(args: argparse.Namespace) -> None:
    data_dir = Path(tempfile.mkdtemp(prefix="govqueue-bench-"))
    env = {**os.environ, "GOVQUEUE_DATA_DIR": str(data_dir)}
    if args.postgres:  # a fresh database on that PostgreSQL server
        from sqlalchemy import create_engine

        name = f"gq_bench_{os.getpid()}"
        engine = create_engine(args.postgres, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        engine.dispose()
        env["GOVQUEUE_DATABASE_URL"] = args.postgres.rsplit("/", 1)[0] + "/" + name
    subprocess.run(
        [GOVQUEUE, "admin", "create-staff", "--staff-no", "admin", "--name", "压测管理员"],
        input=PASSWORD + "\n",
        text=True,
        env=env,
        check=True,
        capture_output=True,
    )
    port = free_port()
    server = subprocess.Popen(
        [
            GOVQUEUE,
            "serve",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--workers",
            str(args.workers),
        ],
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if httpx.get(base + "/api/v1/health").status_code == 200:
                    break
            except httpx.TransportError:
                await asyncio.sleep(0.1)
        rss = RssSampler(server.pid)
        rss.start()
        setup = await seed(base, args.windows)
        print(
            f"server pid {server.pid} ({args.workers} process(es)), database "
            f"{env.get('GOVQUEUE_DATABASE_URL') or str(data_dir / 'govqueue.db') + ' (WAL, synchronous=FULL)'}"
        )
        rate = await bench_issue(base, setup, args.tickets, args.clients)
        print(
            f"tickets issued:   {rate:8.0f} /s  ({args.tickets} tickets, {args.clients} concurrent kiosks, durable)"
        )
        clerks = await open_clerks(base, setup)
        cycle_rate, call_rate = await bench_call_next(clerks, args.seconds)
        print(
            f"call-next:        {cycle_rate:8.0f} /s  (call-next + no-show cycles, {len(clerks)} windows)"
        )
        print(
            f"                  {call_rate:8.0f} /s  (call-next requests alone, from their latency)"
        )
        async with ApiClient(base, str(setup["kiosk"])) as kiosk:
            for _ in range(args.calls):
                await kiosk.issue_ticket(int(setup["service"]))  # type: ignore[call-overload]
        clerk, window_id = clerks[0]
        latencies, ready = await bench_fanout(
            base, setup, clerk, window_id, args.subscribers, args.calls, args.interval
        )
        if latencies:
            ms = [x * 1000 for x in latencies]
            print(
                f"call → delivery:  p50 {statistics.median(ms):.1f} ms, p99 {percentile(ms, 0.99):.1f} ms, "
                f"max {max(ms):.1f} ms  ({ready} subscribers × {args.calls} calls "
                f"{args.interval * 1000:.0f} ms apart, {len(ms)} deliveries)"
            )
        print(
            f"server RSS:       {rss.current() / 2**20:.0f} MB now, {rss.peak / 2**20:.0f} MB peak"
        )
        for c, _ in clerks:
            await c.aclose()
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(10)


if __name__ == "__main__":
    parser = arguments(__doc__)
    parser.add_argument("--tickets", type=int, default=4000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--windows", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=5.0)
    add_fan_out_arguments(parser)
    parser.add_argument(
        "--postgres", help="benchmark on PostgreSQL: a server URL (postgresql+psycopg://…/postgres)"
    )
    parser.add_argument("--workers", type=int, default=1, help="server processes (PostgreSQL only)")
    try:
        import uvloop

        uvloop.run(main(parser.parse_args()))
    except ImportError:
        asyncio.run(main(parser.parse_args()))
