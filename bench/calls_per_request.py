"""Work per request as a count: Python and C function calls per `POST /tickets` and per
window cycle (call-next → start → finish), per thread, of the real app served in-process by
uvicorn (the writer as a thread, so that its calls are counted too) under wrk. The count
barely moves with the machine's load, where req/s and even CPU per request move ±30 % on this
shared 2-core machine: it is the figure to compare two versions of the server with.

    .venv/bin/python bench/calls_per_request.py [--compare-with DIR] [--rounds 2] [--log]

`--compare-with DIR` measures another checkout too (`git archive REV | tar -x -C DIR`), round
by round, each in a process of its own with that checkout first on the path (its own server,
migrations and bench harness; the same virtualenv). `--log` gives the server its log file
(server/logs.py, one line per request), where the checkout has one. A profile hook counts the
calls, which slows the server: the req/s printed here are not its speed. Asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
CALLS: dict[int, int] = {}


def count(frame: Any, event: str, arg: Any) -> None:
    if event == "call" or event == "c_call":
        ident = threading.get_ident()
        CALLS[ident] = CALLS.get(ident, 0) + 1


def measure_here(source: Path, seconds: int, log: bool) -> dict[str, Any]:
    """In this process: `source`'s server, seeded, then counted under wrk (issue, cycles)."""
    sys.path[:0] = [str(source / "bench"), str(source)]
    from harness import Database, prefill_waiting, seed

    from server.app import create_app
    from server.embedded import running_server
    from server.settings import Settings

    async def run() -> dict[str, Any]:
        db = Database.fresh()
        extra: dict[str, Any] = {}
        if log and "log_file" in Settings.model_fields:
            extra["log_file"] = Path(db.data_dir) / "logs" / "govqueue.log"
        settings = Settings(
            data_dir=db.data_dir, database_url=db.url, writer_process=False, **extra
        )
        async with running_server(create_app(settings)) as base:
            hall = await seed(base, ["issue", "cycles"], 8, "cycles")
        prefill_waiting(db.url, hall.hall, {hall.services["cycles"]: 50_000})
        threading.setprofile(count)
        app = create_app(settings)
        out: dict[str, Any] = {"log": bool(extra)}
        async with running_server(app) as base:
            issue = [
                "-t1",
                "-c8",
                "-s",
                str(source / "bench" / "wrk" / "post_ticket.lua"),
                base,
                "--",
                hall.kiosk,
                str(hall.services["issue"]),
            ]
            cycles = [
                "-t8",
                "-c8",
                "-s",
                str(source / "bench" / "wrk" / "window_cycle.lua"),
                base,
                "--",
                ",".join(map(str, hall.windows)),
                ",".join(hall.staff_tokens),
            ]
            for name, args, per in (("issue", issue, 1), ("cycle", cycles, 3)):
                await asyncio.to_thread(wrk, [*args[:2], "-d1s", *args[2:]])  # warm-up
                CALLS.clear()
                sys.setprofile(count)
                requests = await asyncio.to_thread(wrk, [*args[:2], f"-d{seconds}s", *args[2:]])
                sys.setprofile(None)
                names = {t.ident: t.name for t in threading.enumerate()}
                out[name] = tally(dict(CALLS), names, requests / per)
        return out

    import uvloop

    return uvloop.run(run())


def wrk(args: list[str]) -> int:
    done = subprocess.run(["wrk", *args], capture_output=True, text=True, check=True)
    found = re.search(r"(\d+) requests in", done.stdout)
    assert found, done.stdout
    return int(found.group(1))


def tally(calls: dict[int, int], names: dict[int | None, str], units: float) -> dict[str, float]:
    """Calls per request (or cycle) by thread: the event loop, the writer, everything else."""
    main = threading.main_thread().ident
    out = {"event loop": 0.0, "writer": 0.0, "other threads": 0.0, "units": units}
    for ident, n in calls.items():
        name = names.get(ident, "")
        key = "event loop" if ident == main else "writer" if "writer" in name else "other threads"
        out[key] += n / units
    return out


def measure(source: Path, seconds: int, log: bool) -> dict[str, Any]:
    """In a process of its own, with `source` first on the path."""
    env = {**os.environ, "PYTHONPATH": str(source)}
    command = [sys.executable, __file__, "--one", str(source), "--seconds", str(seconds)]
    done = subprocess.run(
        [*command, *(["--log"] if log else [])],
        capture_output=True,
        text=True,
        env=env,
        cwd=tempfile.gettempdir(),
    )
    if done.returncode != 0:
        raise RuntimeError(f"{source}: {done.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def line(label: str, result: dict[str, Any]) -> str:
    parts = []
    for name, unit in (("issue", "request"), ("cycle", "cycle")):
        r = result[name]
        total = r["event loop"] + r["writer"] + r["other threads"]
        parts.append(
            f"{total:5.0f} calls/{unit} (loop {r['event loop']:.0f}, writer {r['writer']:.0f},"
            f" other {r['other threads']:.0f}; {r['units']:.0f} counted)"
        )
    return f"  {label:<12} " + " | ".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--compare-with", metavar="DIR", type=Path)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--seconds", type=int, default=6)
    parser.add_argument("--log", action="store_true", help="the server writes its log file")
    parser.add_argument("--one", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one is not None:
        print(json.dumps(measure_here(args.one, args.seconds, args.log)))
        return
    sources = [("this", HERE.parent)]
    if args.compare_with is not None:
        sources.append(("other", args.compare_with.resolve()))
    print(f"load average {'/'.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    for r in range(1, args.rounds + 1):
        for label, source in sources:
            result = measure(source, args.seconds, args.log)
            log = " (+log)" if result["log"] else ""
            print(line(f"{label}{log}", result) + f"  [round {r}, {source}]", flush=True)


if __name__ == "__main__":
    main()
