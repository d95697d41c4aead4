"""How big SQLite's WAL grows under a rush, and whether it shrinks after (issue 23 item 10).

Starts `govqueue serve` (fresh SQLite file, WAL, synchronous=FULL), seeds a hall, then for
`--seconds` runs `--kiosks` kiosks taking tickets as fast as answered and `--screens` readers
asking for the hall's services (the reads that keep WAL frames in use), sampling the size of
`govqueue.db-wal` every 0.1 s; then `--after` seconds with a kiosk taking a ticket a second.
With `--pin S`, a reader holds one read transaction open for the first S seconds of the rush,
as a long export does (the WAL cannot restart while it reads). Prints the tickets issued, the
WAL's largest size during the rush and its size at the end.
With `--compare-with DIR` the same runs, round by round, against the server of another
checkout (e.g. main before a change, `git archive`d into DIR).

It asserts nothing.

    .venv/bin/python bench/wal_size.py
    .venv/bin/python bench/wal_size.py --pin 20 --compare-with /tmp/main-before --rounds 2
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import sys
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import Database, Server, arguments, load_average, seed


async def rush(server: Server, args: argparse.Namespace) -> tuple[int, int, int]:
    """(tickets, largest WAL during the rush, WAL at the end), sizes in bytes."""
    hall = await seed(server.base, ["综合"], 1, "综合")
    wal = server.db.data_dir / "govqueue.db-wal"
    stop = asyncio.Event()
    issued = 0
    largest = 0
    kiosk = {"Authorization": f"Bearer {hall.kiosk}"}
    body = {"service_id": hall.services["综合"]}

    async def kiosk_loop() -> None:
        nonlocal issued
        async with httpx.AsyncClient(base_url=server.base + "/api/v1", timeout=30) as http:
            while not stop.is_set():
                if (await http.post("/tickets", json=body, headers=kiosk)).status_code == 201:
                    issued += 1

    async def screen_loop() -> None:
        path = f"/halls/{hall.hall}/services"
        async with httpx.AsyncClient(base_url=server.base + "/api/v1", timeout=30) as http:
            while not stop.is_set():
                await http.get(path, headers=kiosk)

    async def sample() -> None:
        nonlocal largest
        while not stop.is_set():
            largest = max(largest, wal.stat().st_size if wal.exists() else 0)
            await asyncio.sleep(0.1)

    async def pin() -> None:
        conn = sqlite3.connect(server.db.data_dir / "govqueue.db", isolation_level=None)
        try:
            conn.execute("BEGIN")
            conn.execute("SELECT count(*) FROM ticket").fetchall()  # a snapshot, held
            await asyncio.sleep(args.pin)
            conn.execute("COMMIT")
        finally:
            conn.close()

    tasks = [asyncio.create_task(kiosk_loop()) for _ in range(args.kiosks)]
    if args.pin:
        tasks.append(asyncio.create_task(pin()))
    tasks += [asyncio.create_task(screen_loop()) for _ in range(args.screens)]
    tasks.append(asyncio.create_task(sample()))
    await asyncio.sleep(args.seconds)
    stop.set()
    await asyncio.gather(*tasks)
    async with httpx.AsyncClient(base_url=server.base + "/api/v1", timeout=30) as http:
        for _ in range(int(args.after)):  # the hall goes on, slowly
            await http.post("/tickets", json=body, headers=kiosk)
            await asyncio.sleep(1.0)
    return issued, largest, wal.stat().st_size if wal.exists() else 0


def run(label: str, source: Path | None, args: argparse.Namespace) -> None:
    db = Database.fresh()
    with Server(db, source=source) as server:
        issued, largest, end = asyncio.run(rush(server, args))
    print(
        f"  {label:<8} {issued:>7,} tickets in {args.seconds:.0f} s; WAL largest "
        f"{largest / 2**20:6.1f} MB during the rush, {end / 2**20:6.1f} MB "
        f"{args.after:.0f} s after"
    )


def main() -> None:
    parser = arguments(__doc__)
    parser.add_argument("--kiosks", type=int, default=8)
    parser.add_argument("--screens", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--after", type=float, default=10.0)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--pin", type=float, default=0.0, help="a reader holds a snapshot")
    parser.add_argument("--compare-with", metavar="DIR")
    args = parser.parse_args()
    print(
        f"{args.kiosks} kiosks and {args.screens} screens for {args.seconds:.0f} s; {load_average()}"
    )
    for n in range(1, args.rounds + 1):
        print(f"round {n}:")
        run("this", None, args)
        if args.compare_with:
            run("before", Path(args.compare_with), args)
    print(load_average())


if __name__ == "__main__":
    main()
