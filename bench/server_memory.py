"""Where the server's memory is: each process of `govqueue serve` on SQLite (the server and
its writer process), its RSS, USS (pages no other process has) and PSS (shared pages split
between the processes that share them), at three moments: a seeded hall, after issuing
under wrk for a few seconds, and with N live-feed subscribers connected (after a restart,
as screens reconnect).

    .venv/bin/python bench/server_memory.py                  # 1,000 subscribers
    .venv/bin/python bench/server_memory.py --subscribers 2000 --issue-seconds 10
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import Database, Server, seed
from process_family import family
from tickets_wrk import POST_TICKET

BENCH = Path(__file__).resolve().parent


def show(server: Server, moment: str) -> None:
    print(f"== {moment}")
    total = 0
    for process in family(server.pids()):
        try:
            info = process.memory_full_info()
            name = process.name()
        except psutil.Error:
            continue
        total += info.pss
        print(
            f"  {name:18s} RSS {info.rss / 2**20:6.1f} MB   USS {info.uss / 2**20:6.1f} MB   "
            f"PSS {info.pss / 2**20:6.1f} MB"
        )
    print(f"  {'all':18s} PSS {total / 2**20:6.1f} MB (goal at 1,000 subscribers: < 200 MB)")


def subscribe(server: Server, url: str, count: int, processes: int) -> list[subprocess.Popen[str]]:
    per = [count // processes] * processes
    per[0] += count - sum(per)
    procs = [
        subprocess.Popen(
            [sys.executable, str(BENCH / "feed_subscribers.py"), url, str(n)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for n in per
    ]
    for proc in procs:
        assert proc.stdout is not None
        ready = proc.stdout.readline().split()
        if len(ready) < 3 or ready[2] != "0":
            print(f"  a load process: {' '.join(ready) or 'no answer'}")
    return procs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--subscribers", type=int, default=1000)
    parser.add_argument("--load-processes", type=int, default=4)
    parser.add_argument("--issue-seconds", type=float, default=5)
    args = parser.parse_args()
    db = Database.fresh()
    server = Server(db).start()
    try:
        hall = asyncio.run(seed(server.base, ["issue"], 1, "issue"))
        show(server, "a seeded hall")
        service = str(hall.services["issue"])
        wrk = ["wrk", "-t1", "-c8", f"-d{args.issue_seconds:g}s", "-s", POST_TICKET]
        subprocess.run(
            [*wrk, server.base, "--", hall.kiosk, service],
            check=True,
            capture_output=True,
        )
        time.sleep(1)
        show(server, f"after {args.issue_seconds:g} s of issuing (wrk -c8)")
        server.stop()
        server.start()
        url = server.base.replace("http://", "ws://") + "/ws?"
        url += urlencode({"hall_id": hall.hall, "token": hall.screen})
        procs = subscribe(server, url, args.subscribers, args.load_processes)
        time.sleep(1)
        show(server, f"restarted, {args.subscribers} subscribers connected")
        for proc in procs:
            proc.kill()
            proc.wait()
    finally:
        server.stop()
        db.drop()


if __name__ == "__main__":
    main()
