"""Calls while a year's export runs (issue 11: "a report must never delay a call").

Copies the year's database of `bench/stats.py` (a SQLite file), starts `govqueue serve` on
the copy, adds a live hall (one window, a kiosk, a hall screen), and measures call →
`ticket.called` on the screen and `/health` for a while before, then while an admin
downloads the year hall's whole 明细 as CSV (`/api/v1/stats/export`, run by the server's
export worker). Prints p50/p99/max of each; asserts nothing.

    .venv/bin/python bench/export_calls.py --db /tmp/statsperf-bench/year.db
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import (
    PASSWORD,
    Database,
    Server,
    load_average,
    percentile,
    seed,
)
from client.events import TicketCalled
from client.live import LiveFeed
from client.rest import ApiClient
from client.wire import LiveMessage

ADMIN_NO = "bench-admin"  # the year's database may have an "admin" already


def copy_database(source: Path) -> Database:
    started = time.monotonic()
    db = Database.copy_of(source, ADMIN_NO)
    took = time.monotonic() - started
    print(f"copied {source} ({source.stat().st_size / 1e9:.2f} GB) in {took:.0f} s")
    return db


async def run(server: Server, year_hall: int, first: str, last: str, seconds: float) -> None:
    base = server.base
    live = await seed(
        base, ["综合受理"], 1, "综合受理", admin_no=ADMIN_NO, code="LIVE", name="现场大厅",
        staff_prefix="L",
    )  # fmt: skip
    hall_id, window_id, service_id = live.hall, live.windows[0], live.services["综合受理"]
    clerk_token, kiosk_token, screen_token = live.staff_tokens[0], live.kiosk, live.screen
    calls: list[float] = []
    latencies: list[tuple[float, float]] = []  # (when called, latency)
    feed = LiveFeed(base, hall_id=hall_id, token=screen_token)

    async def screen() -> None:
        async for message in feed:
            called = isinstance(message, LiveMessage) and isinstance(message.data, TicketCalled)
            if called and calls:
                latencies.append((calls[-1], time.perf_counter() - calls[-1]))

    screen_task = asyncio.create_task(screen())
    await asyncio.wait_for(feed.connected.wait(), 10)
    kiosk = ApiClient(base, token=kiosk_token)
    clerk = ApiClient(base, token=clerk_token)
    health: list[tuple[float, float]] = []
    export_span: list[float] = []
    export_bytes = 0

    async def export() -> None:
        nonlocal export_bytes
        async with ApiClient(base) as admin:
            await admin.login(ADMIN_NO, PASSWORD)
            headers = {"Authorization": f"Bearer {admin.token}"}
        async with httpx.AsyncClient(base_url=base + "/api/v1", timeout=600) as http:
            params: dict[str, str | int] = {
                "hall_id": year_hall,
                "from": first,
                "to": last,
                "format": "csv",
            }
            export_span.append(time.perf_counter())
            async with http.stream("GET", "/stats/export", params=params, headers=headers) as r:
                if r.status_code != 200:
                    print(f"export answered {r.status_code}: {(await r.aread())[:300]!r}")
                async for chunk in r.aiter_bytes():
                    export_bytes += len(chunk)
            export_span.append(time.perf_counter())

    async def calling(until: Callable[[], float]) -> None:
        async with httpx.AsyncClient(base_url=base + "/api/v1", timeout=30) as http:
            while time.perf_counter() < until():
                calls.append(time.perf_counter())
                ticket = await clerk.call_next(window_id)
                if ticket is None:
                    for _ in range(20):
                        await kiosk.issue_ticket(service_id)
                    continue
                t0 = time.perf_counter()
                await http.get("/health")
                health.append((t0, time.perf_counter() - t0))
                await clerk.ticket_action(ticket.id, "no-show")
                await asyncio.sleep(0.2)

    for _ in range(40):
        await kiosk.issue_ticket(service_id)
    quiet_end = time.perf_counter() + seconds
    await calling(lambda: quiet_end)
    export_task = asyncio.create_task(export())
    await asyncio.sleep(0.5)
    await calling(lambda: float("inf") if not export_task.done() else 0.0)
    await export_task
    await asyncio.sleep(1.0)
    await feed.close()
    screen_task.cancel()
    await kiosk.aclose()
    await clerk.aclose()
    start, end = export_span[0], export_span[-1]

    def summary(label: str, values: list[float]) -> None:
        if not values:
            print(f"  {label:38} none")
            return
        ms = [v * 1000 for v in values]
        print(
            f"  {label:38} {len(ms):4} samples  p50 {percentile(ms, 0.5):6.1f} ms"
            f"  p99 {percentile(ms, 0.99):6.1f} ms  max {max(ms):6.1f} ms"
        )

    print(
        f"year CSV export of hall {year_hall} ({first}..{last}): {end - start:.1f} s,"
        f" {export_bytes / 1e6:.0f} MB  ({load_average()})"
    )
    summary("call -> screen, before the export", [v for t, v in latencies if t < start])
    summary("call -> screen, during the export", [v for t, v in latencies if start <= t <= end])
    summary("/health, before the export", [v for t, v in health if t < start])
    summary("/health, during the export", [v for t, v in health if start <= t <= end])
    print(f"  server RSS at the end {server.rss() / 1e6:.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, default=Path("/tmp/statsperf-bench/year.db"))
    parser.add_argument("--hall", type=int, default=1, help="the year's hall id")
    parser.add_argument("--from", dest="first", default="2025-01-02")
    parser.add_argument("--to", dest="last", default="2025-12-17")
    parser.add_argument("--before", type=float, default=10.0, help="seconds of calls first")
    args = parser.parse_args()
    db = copy_database(args.db)
    try:
        with Server(db) as server:
            print(f"server pid {server.proc.pid if server.proc else '?'} on {db.describe()}")
            asyncio.run(run(server, args.hall, args.first, args.last, args.before))
    finally:
        shutil.rmtree(db.data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
