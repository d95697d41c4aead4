"""How long `govqueue admin apply` holds up the kiosks of a running server (issue 23, item 1).

Starts `govqueue serve` (fresh SQLite file, WAL, synchronous=FULL), seeds a hall with a
kiosk, and lets `--kiosks` kiosks take tickets one after the other (each waits for its
answer, as a kiosk does) while `govqueue admin apply` sets up a second hall from a file with
N new staff accounts (real argon2 hashing, as in production). For each N it prints:

- apply:    how long the command ran, and its exit code;
- stall:    the longest time any kiosk waited for one ticket while it ran (and p99);
- gap:      the longest time no kiosk got a ticket at all;
- answers:  the statuses the kiosks got (anything but 201 counted by code);
- alone:    the same kiosks' longest wait (and p99) over as long again right after, without
            apply: what the machine's load alone does to them;
- held:     how long apply's transaction held the file's write lock (timed in this process:
            the same code on a copy of the database, passwords hashed beforehand as apply
            does) — the longest any write of the server can wait for it.

With `--conflict` the file's last account is a 工号 of the first hall: the file is refused
at the end and nothing is written (what the kiosks suffer meanwhile is the point).

It asserts nothing. The figures move with the machine's load (printed with them).

    .venv/bin/python bench/apply_stall.py                       # 10, 20 and 100 new staff
    .venv/bin/python bench/apply_stall.py --staff 2000 --conflict
    .venv/bin/python bench/apply_stall.py --staff 100 2000 --held-only
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import itertools
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import GOVQUEUE, Database, Server, arguments, load_average, percentile, seed


def hall_file(folder: Path, count: int, code: str, conflict_with: str | None) -> Path:
    lines = [f'[hall]\ncode = "{code}"\nname = "设置压测大厅{code}"\n']
    for n in range(1, count + 1):
        staff_no = conflict_with if conflict_with is not None and n == count else f"{code}{n:05d}"
        lines.append(f'[[staff]]\nstaff_no = "{staff_no}"\nname = "工作人员{n}"\n')
    path = folder / f"{code}.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


async def kiosk(
    base: str,
    token: str,
    service_id: int,
    stop: asyncio.Event,
    latencies: list[tuple[float, float]],
    statuses: collections.Counter[str],
) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=base + "/api/v1", timeout=300) as http:
        while not stop.is_set():
            started = time.monotonic()
            try:
                response = await http.post(
                    "/tickets", json={"service_id": service_id}, headers=headers
                )
                code = str(response.status_code)
                if response.status_code != 201:
                    code += " " + str(response.json().get("code"))
            except httpx.HTTPError as exc:
                code = type(exc).__name__
            ended = time.monotonic()
            latencies.append((started, ended))
            statuses[code] += 1


async def one_run(
    base: str, db: Database, service_id: int, token: str, args: argparse.Namespace, count: int
) -> None:
    code = f"S{count}{'X' if args.conflict else ''}"
    path = hall_file(db.data_dir, count, code, "B1" if args.conflict else None)
    stop = asyncio.Event()
    latencies: list[tuple[float, float]] = []
    statuses: collections.Counter[str] = collections.Counter()
    tasks = [
        asyncio.create_task(kiosk(base, token, service_id, stop, latencies, statuses))
        for _ in range(args.kiosks)
    ]
    await asyncio.sleep(1.0)  # the kiosks at their pace first
    env = {**db.env, "BENCH_FIRST_PASSWORD": "bench-first-password"}
    started = time.monotonic()
    proc = await asyncio.create_subprocess_exec(
        GOVQUEUE, "admin", "apply", str(path), "--password-env", "BENCH_FIRST_PASSWORD",
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    _, err = await proc.communicate()
    ended = time.monotonic()
    await asyncio.sleep(1.0)
    alone_from = time.monotonic()  # as long again without apply: the machine's own outliers
    await asyncio.sleep(min(ended - started, args.alone))
    alone = [e - s for s, e in latencies if s >= alone_from]
    stop.set()
    await asyncio.gather(*tasks)
    during = [e - s for s, e in latencies if e >= started and s <= ended]
    done = sorted(e for _s, e in latencies)
    gaps = [b - a for a, b in itertools.pairwise(done) if b >= started and a <= ended]
    others = {k: v for k, v in statuses.items() if k != "201"}
    print(
        f"{count:>6} new staff{' (conflict at the end)' if args.conflict else ''}: "
        f"apply {ended - started:7.2f} s (exit {proc.returncode}); "
        f"stall max {max(during, default=0) * 1000:8.1f} ms, "
        f"p99 {percentile(during, 0.99) * 1000 if during else 0:7.1f} ms; "
        f"gap max {max(gaps, default=0) * 1000:8.1f} ms; "
        f"tickets {statuses['201']}, other answers {others or 'none'}; "
        f"alone as long after: max {max(alone, default=0) * 1000:.1f} ms, "
        f"p99 {percentile(alone, 0.99) * 1000 if alone else 0:.1f} ms"
    )
    if proc.returncode not in (0, 1):
        print(err.decode(errors="replace")[-2000:])


def lock_held(db: Database, count: int, conflict: bool) -> float:
    """Seconds apply's transaction holds the write lock for a file of `count` new staff, on a
    copy of the database (passwords hashed before, as `govqueue admin apply` does)."""
    from sqlmodel import Session

    from server.commands.hall_file import read_hall_file
    from server.commands.hall_setup import apply_hall, first_passwords, new_accounts
    from server.domain.clock import SystemClock
    from server.domain.errors import Conflict
    from server.security import HashedPassword, hash_password
    from server.store.engine import make_engine
    from server.store.transaction import transaction

    folder = Path(tempfile.mkdtemp(dir=db.data_dir))
    copy = folder / "copy.db"
    with sqlite3.connect(db.data_dir / "govqueue.db") as source, sqlite3.connect(copy) as target:
        source.backup(target)
    url = f"sqlite:///{copy}"
    code = f"H{count}{'X' if conflict else ''}"
    spec = read_hall_file(hall_file(folder, count, code, "B1" if conflict else None))
    one = HashedPassword(hash_password("bench-first-password"))
    reader, writer = make_engine(url), make_engine(url, writer=True)
    try:
        with Session(reader) as session:
            try:
                entries = new_accounts(session, spec)
            except Conflict:  # apply refuses such a file before it takes the lock
                return 0.0
        passwords = first_passwords(
            entries, lambda: "bench-first-password", lambda p: [one] * len(p)
        )
        started = time.perf_counter()
        with transaction(writer, SystemClock()) as tx:
            apply_hall(tx, spec, passwords)
        return time.perf_counter() - started
    finally:
        reader.dispose()
        writer.dispose()
        shutil.rmtree(folder)


async def main_async(args: argparse.Namespace) -> None:
    db = Database.fresh()
    print(f"{db.describe()}; {args.kiosks} kiosks; {load_average()}")
    with Server(db) as server:
        hall = await seed(server.base, ["综合"], 1, "综合")
        service_id = hall.services["综合"]
        for count in [] if args.held_only else args.staff:
            await one_run(server.base, db, service_id, hall.kiosk, args, count)
    for count in args.staff:
        held = [lock_held(db, count, args.conflict) for _ in range(3)]
        print(
            f"{count:>6} new staff: apply's transaction held the write lock "
            f"{', '.join(f'{h * 1000:.1f}' for h in held)} ms (3 runs)"
        )
    print(load_average())


def main() -> None:
    parser = arguments(__doc__)
    parser.add_argument("--staff", type=int, nargs="+", default=[10, 20, 100])
    parser.add_argument("--kiosks", type=int, default=4)
    parser.add_argument("--conflict", action="store_true")
    parser.add_argument(
        "--held-only", action="store_true", help="only time the transaction (no server run)"
    )
    parser.add_argument(
        "--alone", type=float, default=60.0, help="at most this long alone after each apply"
    )
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
