"""Benchmark of issue 10's goals with Debian's `wrk` (C: the load generator takes little CPU).

Starts `govqueue serve` (fresh SQLite file, WAL, synchronous=FULL) and the two reference
servers of bench/bare_app.py under the same uvicorn settings, seeds a hall, and prints:

- issue:  POST /api/v1/tickets with a kiosk token, `wrk -t1 -c8`, govqueue / bare FastAPI /
          raw ASGI interleaved round by round; req/s, server CPU per request, the ratios.
- depth:  issuing into a service with 50,000 tickets waiting vs one with 100 waiting.
- cycles: window cycles (call-next -> start -> finish) with 8 windows, one wrk connection each.
- fanout: call -> `ticket.called` delivery at 1,000 WebSocket subscribers spread over
          several load processes (p50/p99/max, every delivery counted), server RSS.
- with --postgres URL: issue and cycles on PostgreSQL with 1 and 2 server processes, and
          the CPU the server and PostgreSQL used per ticket and per cycle.

It asserts nothing. On a shared machine absolute figures move with the load (printed with
each section); the ratios of runs interleaved in one go, and CPU per request, are steadier.

    apt-get install wrk
    .venv/bin/python bench/tickets_wrk.py                      # everything on SQLite
    .venv/bin/python bench/tickets_wrk.py --only issue --rounds 5
    .venv/bin/python bench/tickets_wrk.py --only fanout --subscribers 1000 --calls 100
    .venv/bin/python bench/tickets_wrk.py --only postgres --postgres postgresql+psycopg://postgres@127.0.0.1:PORT/postgres
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import (
    Database,
    Hall,
    Server,
    add_fan_out_arguments,
    arguments,
    free_port,
    load_average,
    percentile,
    prefill_waiting,
    seed,
    wait_healthy,
)
from process_family import cpu_seconds, main_thread_cpu

BENCH = Path(__file__).resolve().parent
POST_TICKET = str(BENCH / "wrk" / "post_ticket.lua")
WINDOW_CYCLE = str(BENCH / "wrk" / "window_cycle.lua")
SECTIONS = ("issue", "depth", "cycles", "fanout", "postgres")


@dataclass
class WrkRun:
    rps: float
    requests: int
    not_ok: int
    cpu_ms: float  # server CPU per request (all its processes), ms
    loop_ms: float  # of which the event loops' (main threads), ms
    extra_cpu_ms: float  # other processes' CPU per request (PostgreSQL), ms
    output: str

    def cycles(self) -> tuple[int, int, int]:
        m = re.search(r"CYCLES (\d+) ERRORS (\d+) EMPTY (\d+)", self.output)
        return (int(m[1]), int(m[2]), int(m[3])) if m else (0, 0, 0)


def wrk(
    base: str,
    script: str,
    args: list[str],
    *,
    threads: int,
    connections: int,
    seconds: float,
    pids: list[int],
    extra_pids: list[int] | None = None,
) -> WrkRun:
    cpu0, extra0, loop0 = cpu_seconds(pids), cpu_seconds(extra_pids or []), main_thread_cpu(pids)
    out = subprocess.run(
        [
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{seconds:g}s",
            "--latency",
            "-s",
            script,
            base,
            "--",
            *args,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    cpu, extra = cpu_seconds(pids) - cpu0, cpu_seconds(extra_pids or []) - extra0
    loop = main_thread_cpu(pids) - loop0
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1])  # type: ignore[index]
    requests = int(re.search(r"(\d+) requests in", out)[1])  # type: ignore[index]
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    not_ok = (int(bad[1]) if bad else 0) + (sum(int(g) for g in errors.groups()) if errors else 0)
    per = max(requests, 1)
    return WrkRun(
        rps, requests, not_ok, cpu * 1000 / per, loop * 1000 / per, extra * 1000 / per, out
    )


class Reference:
    """bench/bare_app.py in its own process."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(
            [sys.executable, str(BENCH / "bare_app.py"), kind, "--port", str(self.port)]
        )
        try:
            if kind == "fastapi":
                wait_healthy(self.base + "/api/v1/health", self.proc)
            else:
                wait_healthy(self.base + "/", self.proc, ok=201)
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)


def header(title: str) -> None:
    print(f"\n== {title}  ({load_average()})", flush=True)


# --- sections ---------------------------------------------------------------------------


def bench_issue(server: Server, hall: Hall, args: argparse.Namespace) -> None:
    header(f"POST /api/v1/tickets, wrk -t1 -c{args.connections}, {args.seconds:g} s per run")
    from bare_app import TOKEN

    refs = [Reference("fastapi")]
    try:
        refs.append(Reference("raw"))
    except BaseException:
        refs[0].stop()
        raise
    service = str(hall.services["issue"])
    rows: dict[str, list[WrkRun]] = {"govqueue": [], "fastapi": [], "raw": []}
    before: tuple[Server, Hall] | None = None
    if args.compare_with:  # the same bench against another checkout (main before a change)
        db = Database.fresh()
        other = Server(db, log_level=args.server_log_level, source=Path(args.compare_with))
        other.start()
        other_hall = asyncio.run(seed(other.base, ["issue"], 1, "issue"))
        before = (other, other_hall)
        rows["before"] = []
    try:
        targets = [
            ("govqueue", server.base, [hall.kiosk, service], server.pids()),
            ("fastapi", refs[0].base, [TOKEN, "1"], [refs[0].proc.pid]),
            ("raw", refs[1].base, [TOKEN, "1"], [refs[1].proc.pid]),
        ]
        if before is not None:
            other, other_hall = before
            other_service = str(other_hall.services["issue"])
            targets.insert(
                1, ("before", other.base, [other_hall.kiosk, other_service], other.pids())
            )
        # warm-up: first requests pay imports, caches and connection set-up
        for _name, base, wargs, pids in targets:
            wrk(
                base,
                POST_TICKET,
                wargs,
                threads=1,
                connections=args.connections,
                seconds=1,
                pids=pids,
            )
        for r in range(1, args.rounds + 1):
            line = []
            for name, base, wargs, pids in targets:
                run = wrk(
                    base,
                    POST_TICKET,
                    wargs,
                    threads=1,
                    connections=args.connections,
                    seconds=args.seconds,
                    pids=pids,
                )
                rows[name].append(run)
                bad = f" ({run.not_ok} not 2xx!)" if run.not_ok else ""
                split = f" (loop {run.loop_ms:.2f})" if name == "govqueue" else ""
                line.append(f"{name} {run.rps:7.0f}/s {run.cpu_ms:5.2f} ms CPU{split}{bad}")
            g, f = rows["govqueue"][-1], rows["fastapi"][-1]
            print(f"  round {r}: " + " | ".join(line) + f" | govqueue/fastapi {g.rps / f.rps:5.1%}")
    finally:
        for ref in refs:
            ref.stop()
        if before is not None:
            before[0].stop()
    med = {k: statistics.median(x.rps for x in v) for k, v in rows.items()}
    if before is not None:
        now = [g.rps / b.rps for g, b in zip(rows["govqueue"], rows["before"], strict=True)]
        print(
            f"  this checkout vs {args.compare_with}: median {med['govqueue']:.0f}/s vs "
            f"{med['before']:.0f}/s, {statistics.median(now):.1%} "
            f"(rounds: {', '.join(f'{x:.0%}' for x in now)}); server CPU per request "
            f"{statistics.median(x.cpu_ms for x in rows['govqueue']):.2f} vs "
            f"{statistics.median(x.cpu_ms for x in rows['before']):.2f} ms"
        )
    cpu = {k: statistics.median(x.cpu_ms for x in v) for k, v in rows.items()}
    loop = statistics.median(x.loop_ms for x in rows["govqueue"])
    ratios = [g.rps / f.rps for g, f in zip(rows["govqueue"], rows["fastapi"], strict=True)]
    print(
        f"  median req/s: govqueue {med['govqueue']:.0f}, bare FastAPI {med['fastapi']:.0f}, "
        f"raw ASGI {med['raw']:.0f}"
    )
    print(
        f"  median server CPU per request: govqueue {cpu['govqueue']:.2f} ms "
        f"(event loop {loop:.2f} ms, writer and other threads {cpu['govqueue'] - loop:.2f} ms), "
        f"bare FastAPI {cpu['fastapi']:.2f} ms, raw ASGI {cpu['raw']:.2f} ms"
    )
    print(
        f"  govqueue / bare FastAPI: {statistics.median(ratios):.1%} of its req/s "
        f"(rounds: {', '.join(f'{x:.0%}' for x in ratios)}); "
        f"goal ≥ 2,000/s and ≥ 70 %"
    )


def bench_depth(server: Server, hall: Hall, args: argparse.Namespace) -> None:
    header(
        f"issuing with {args.deep:,} waiting vs {args.shallow} waiting, "
        f"wrk -t1 -c{args.connections}, {args.seconds:g} s per run"
    )
    deep = str(hall.services["deep"])
    ratios = []
    for r in range(1, args.rounds + 1):
        shallow = str(hall.services[f"shallow{r}"])
        d = wrk(
            server.base,
            POST_TICKET,
            [hall.kiosk, deep],
            threads=1,
            connections=args.connections,
            seconds=args.seconds,
            pids=server.pids(),
        )
        s = wrk(
            server.base,
            POST_TICKET,
            [hall.kiosk, shallow],
            threads=1,
            connections=args.connections,
            seconds=args.seconds,
            pids=server.pids(),
        )
        ratios.append(d.rps / s.rps)
        print(
            f"  round {r}: {args.deep:,}+ waiting {d.rps:7.0f}/s ({d.cpu_ms:.2f} ms CPU) | "
            f"{args.shallow}+ waiting {s.rps:7.0f}/s ({s.cpu_ms:.2f} ms CPU) | ratio {d.rps / s.rps:.1%}"
            + (f"  ({d.not_ok + s.not_ok} not 2xx!)" if d.not_ok + s.not_ok else "")
        )
    print(f"  deep / shallow: median {statistics.median(ratios):.1%} (goal: within 10 %)")


def finish_current(base: str, hall: Hall) -> None:
    """A wrk run ends mid-cycle: finish what is at each window so the next run starts clean."""
    with httpx.Client(base_url=base + "/api/v1", timeout=30) as http:
        for window_id, token in zip(hall.windows, hall.staff_tokens, strict=True):
            auth = {"Authorization": f"Bearer {token}"}
            desk = http.get(f"/windows/{window_id}/queue", headers=auth).json()
            current = desk.get("current")
            if not current:
                continue
            tid = current["ticket_id"]
            if current["status"] == "called":
                http.post(f"/tickets/{tid}/start", headers=auth)
            if current["status"] in ("called", "serving"):
                http.post(f"/tickets/{tid}/finish", headers=auth, json={"outcome": "done"})


def bench_cycles(
    server: Server, hall: Hall, args: argparse.Namespace, extra_pids: list[int] | None = None
) -> list[WrkRun]:
    n = len(hall.windows)
    header(f"window cycles (call-next -> start -> finish), {n} windows, wrk -t{n} -c{n}")
    wargs = [",".join(map(str, hall.windows)), ",".join(hall.staff_tokens)]
    runs = []
    for r in range(1, args.rounds + 1):
        run = wrk(
            server.base,
            WINDOW_CYCLE,
            wargs,
            threads=n,
            connections=n,
            seconds=args.seconds,
            pids=server.pids(),
            extra_pids=extra_pids,
        )
        finish_current(server.base, hall)
        cycles, errors, empty = run.cycles()
        seconds = args.seconds
        runs.append(run)
        extra = f", PostgreSQL {run.extra_cpu_ms * 3:.2f} ms" if extra_pids else ""
        print(
            f"  round {r}: {cycles / seconds:6.0f} cycles/s, {run.rps:6.0f} writes/s, "
            f"server CPU {run.cpu_ms * 3:.2f} ms per cycle (loop {run.loop_ms * 3:.2f}){extra}"
            + (f"  ({errors} refused!)" if errors else "")
            + (f"  ({empty} call-next found nobody waiting)" if empty else "")
        )
    rates = [r.cycles()[0] / args.seconds for r in runs]
    print(f"  median {statistics.median(rates):.0f} cycles/s (goal ≥ 700/s with 8 windows)")
    return runs


async def _fanout(server: Server, hall: Hall, args: argparse.Namespace) -> None:
    header(
        f"call -> delivery at {args.subscribers} subscribers ({args.feed_client} client) in "
        f"{args.load_processes} load processes, {args.calls} calls {args.interval * 1000:.0f} ms apart"
    )
    url = (
        server.base.replace("http://", "ws://")
        + "/ws?"
        + urlencode({"hall_id": hall.hall, "token": hall.screen})
    )
    idle_rss = server.rss()
    per = [args.subscribers // args.load_processes] * args.load_processes
    per[0] += args.subscribers - sum(per)
    procs = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            str(BENCH / "feed_subscribers.py"),
            url,
            str(n),
            "--client",
            args.feed_client,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            limit=2**30,
        )
        for n in per
    ]
    ready = 0
    for proc in procs:
        assert proc.stdout is not None
        line = (await proc.stdout.readline()).decode().split(maxsplit=3)
        ready += int(line[1])
        if int(line[2]):
            print(f"  {line[2]} subscribers of a load process failed to connect: {line[3:]}")
    peak = server.rss()
    for proc in procs:
        assert proc.stdin is not None and proc.stdout is not None
        proc.stdin.write(b"START\n")
        await proc.stdin.drain()
        await proc.stdout.readline()
    server_cpu = cpu_seconds(server.pids())
    sent: dict[int, float] = {}
    window, token = hall.windows[0], hall.staff_tokens[0]
    async with httpx.AsyncClient(
        base_url=server.base + "/api/v1", headers={"Authorization": f"Bearer {token}"}, timeout=30
    ) as clerk:
        for _ in range(args.calls):
            t0 = time.monotonic()  # before the request: an early delivery still counts
            answer = await clerk.post(f"/windows/{window}/call-next")
            if answer.status_code != 200:
                print(f"  call-next answered {answer.status_code}: {answer.text[:200]}")
                break
            ticket = answer.json()["id"]
            sent[ticket] = t0
            await clerk.post(f"/tickets/{ticket}/no-show")
            peak = max(peak, server.rss())
            await asyncio.sleep(args.interval)
    await asyncio.sleep(2.0)  # let the last deliveries arrive
    server_cpu = cpu_seconds(server.pids()) - server_cpu
    arrivals: list[tuple[int, int, int, float]] = []
    ended: list[str] = []
    received, clients_cpu = 0, 0.0
    for p, proc in enumerate(procs):
        assert proc.stdin is not None and proc.stdout is not None
        proc.stdin.write(b"STOP\n")
        await proc.stdin.drain()
        report = await proc.stdout.readline()
        result = json.loads(report.decode().split(" ", 1)[1])
        arrivals += [(p, s, t, at) for s, t, at in result["arrivals"]]
        ended += result["ended"]
        received += result["received"]
        clients_cpu += result["cpu"]
        await proc.wait()
    latencies = [(at - sent[t]) * 1000 for _p, _s, t, at in arrivals if t in sent]
    pairs = {(p, s, t) for p, s, t, _ in arrivals if t in sent}
    expected = ready * len(sent)
    if latencies:
        print(
            f"  p50 {statistics.median(latencies):.1f} ms, p99 {percentile(latencies, 0.99):.1f} ms, "
            f"max {max(latencies):.1f} ms (goal: p99 < 50 ms)"
        )
        by_call: dict[int, list[float]] = {}
        for _p, _s, t, at in arrivals:
            if t in sent:
                by_call.setdefault(t, []).append((at - sent[t]) * 1000)
        firsts = [min(v) for v in by_call.values()]
        spreads = [max(v) - min(v) for v in by_call.values()]
        print(
            f"  per call: first delivery p50 {statistics.median(firsts):.1f} ms "
            f"(max {max(firsts):.1f}), first to last p50 {statistics.median(spreads):.1f} ms "
            f"(max {max(spreads):.1f})"
        )
    print(
        f"  delivered {len(pairs)} of {expected} ({ready} subscribers × {len(sent)} calls)"
        f"{', duplicates: ' + str(len(latencies) - len(pairs)) if len(latencies) != len(pairs) else ''}"
        f"{', feeds ended early: ' + str(len(ended)) + ' ' + ended[0] if ended else ''}"
    )
    messages = max(received, 1)
    print(
        f"  {received} messages received; CPU per message: server "
        f"{server_cpu * 1e6 / messages:.1f} µs (its requests included), load processes "
        f"{clients_cpu * 1e6 / messages:.1f} µs; "
        f"{load_average()}"
    )
    # PSS counts a page shared by several of the server's processes (the server and its
    # writer process share the interpreter's and the libraries' code) once, split between
    # them: the memory the server takes from the machine. Summed RSS counts it in each.
    print(
        f"  server memory {server.pss() / 2**20:.0f} MB PSS now (goal < 200 MB); RSS summed "
        f"over its processes {server.rss() / 2**20:.0f} MB now, {peak / 2**20:.0f} MB peak, "
        f"{idle_rss / 2**20:.0f} MB before the subscribers, "
        f"{(peak - idle_rss) / max(ready, 1) / 1024:.0f} kB per subscriber"
    )


def prepared_hall(db: Database, args: argparse.Namespace, workers: int = 1) -> tuple[Server, Hall]:
    """Seed a hall through the API, then (server stopped) write the waiting tickets the
    depth and cycle runs need straight into the database, and start the server again."""
    server = Server(db, workers, log_level=args.server_log_level).start()
    names = ["issue", "cycles", "deep", *(f"shallow{r}" for r in range(1, args.rounds + 1))]
    hall = asyncio.run(seed(server.base, names, args.windows, "cycles"))
    server.stop()
    waiting = {hall.services["cycles"]: args.cycle_tickets}
    if "depth" in args.only:
        waiting[hall.services["deep"]] = args.deep
        for r in range(1, args.rounds + 1):
            waiting[hall.services[f"shallow{r}"]] = args.shallow
    t0 = time.monotonic()
    prefill_waiting(db.url, hall.hall, waiting)
    print(f"wrote {sum(waiting.values()):,} waiting tickets in {time.monotonic() - t0:.1f} s")
    return server.start(), hall


def bench_postgres(args: argparse.Namespace) -> None:
    for workers in args.workers:
        db = Database.fresh(args.postgres)
        server, hall = prepared_hall(db, args, workers)
        pg_pids = db.postgres_pids()  # with the server's connections (their backends) open
        try:
            header(f"PostgreSQL, {workers} server process(es): {db.describe()}")
            service = str(hall.services["issue"])
            wrk(
                server.base,
                POST_TICKET,
                [hall.kiosk, service],
                threads=1,
                connections=args.connections,
                seconds=1,
                pids=server.pids(),
            )
            runs = []
            for r in range(1, args.rounds + 1):
                run = wrk(
                    server.base,
                    POST_TICKET,
                    [hall.kiosk, service],
                    threads=1,
                    connections=args.connections,
                    seconds=args.seconds,
                    pids=server.pids(),
                    extra_pids=pg_pids,
                )
                runs.append(run)
                print(
                    f"  issue round {r}: {run.rps:6.0f} tickets/s; CPU per ticket: server "
                    f"{run.cpu_ms:.2f} ms, PostgreSQL {run.extra_cpu_ms:.2f} ms"
                    + (f"  ({run.not_ok} not 2xx!)" if run.not_ok else "")
                )
            rate = statistics.median(r.rps for r in runs)
            srv = statistics.median(r.cpu_ms for r in runs)
            pg = statistics.median(r.extra_cpu_ms for r in runs)
            print(
                f"  median {rate:.0f} tickets/s; per core: {1000 / srv:.0f} tickets/s of "
                f"server CPU, {1000 / pg:.0f} tickets/s of PostgreSQL CPU"
            )
            cycles = bench_cycles(server, hall, args, pg_pids)
            srv = statistics.median(r.cpu_ms * 3 for r in cycles)
            pg = statistics.median(r.extra_cpu_ms * 3 for r in cycles)
            print(
                f"  per core: {1000 / srv:.0f} cycles/s of server CPU, "
                f"{1000 / pg:.0f} cycles/s of PostgreSQL CPU"
            )
        finally:
            server.stop()
            db.drop()


def main() -> None:
    parser = arguments(__doc__)
    parser.add_argument(
        "--only",
        default="issue,depth,cycles,fanout",
        help=f"comma-separated sections of: {', '.join(SECTIONS)}",
    )
    parser.add_argument("--seconds", type=float, default=5.0, help="length of each wrk run")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--windows", type=int, default=8)
    parser.add_argument(
        "--cycle-tickets",
        type=int,
        default=60000,
        help="tickets waiting for the windows' service at the start",
    )
    parser.add_argument("--deep", type=int, default=50000)
    parser.add_argument("--shallow", type=int, default=100)
    add_fan_out_arguments(parser)
    parser.add_argument("--load-processes", type=int, default=4)
    parser.add_argument(
        "--feed-client",
        choices=("raw", "websockets"),
        default="raw",
        help="the subscribers' client (bench/feed_subscribers.py)",
    )
    parser.add_argument("--postgres", help="a PostgreSQL server URL (…/postgres) for 'postgres'")
    parser.add_argument(
        "--server-log-level",
        default=None,
        help="govqueue serve --log-level (default: the server's own, with its access log, "
        "as a hall runs it; 'warning' leaves the access log out)",
    )
    parser.add_argument(
        "--compare-with",
        metavar="DIR",
        help="issue: also run the server of another checkout (e.g. main before a change, "
        "`git archive`d into DIR), round by round with this one",
    )
    parser.add_argument("--workers", default="1,2", help="server processes on PostgreSQL")
    args = parser.parse_args()
    args.only = [s.strip() for s in args.only.split(",") if s.strip()]
    args.workers = [int(w) for w in args.workers.split(",")]
    if unknown := set(args.only) - set(SECTIONS):
        parser.error(f"unknown sections: {', '.join(sorted(unknown))}")
    if shutil.which("wrk") is None:
        parser.error("wrk is not installed: apt-get install wrk")
    if "postgres" in args.only and not args.postgres:
        parser.error("the postgres section needs --postgres URL")
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    print(f"start: {load_average()}")
    sqlite_sections = [s for s in args.only if s != "postgres"]
    if sqlite_sections:
        db = Database.fresh()
        server, hall = prepared_hall(db, args)
        print(f"server pid {server.proc.pid if server.proc else '?'}, {db.describe()}")
        try:
            if "issue" in args.only:
                bench_issue(server, hall, args)
            if "depth" in args.only:
                bench_depth(server, hall, args)
            if "cycles" in args.only:
                bench_cycles(server, hall, args)
            if "fanout" in args.only:
                asyncio.run(_fanout(server, hall, args))
        finally:
            server.stop()
            shutil.rmtree(db.data_dir, ignore_errors=True)
    if "postgres" in args.only:
        bench_postgres(args)
    print(f"\nend: {load_average()}")


if __name__ == "__main__":
    main()
