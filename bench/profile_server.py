"""Where a request's time goes: `govqueue serve` under wrk load, sampled by py-spy.

Starts a server with a seeded hall (as bench/tickets_wrk.py does), runs wrk for the chosen
scenario while `py-spy record --threads` samples the server's threads (the event loop, the
writer thread on PostgreSQL) and, on SQLite, a second one the writer process, and prints,
per thread, the share of samples in each layer and the heaviest functions
(self and inclusive). The raw stacks are kept (flamegraph-ready collapsed format).

    .venv/bin/uv pip install py-spy          # not a project dependency: a tool
    .venv/bin/python bench/profile_server.py issue --seconds 20
    .venv/bin/python bench/profile_server.py cycles --seconds 20 --native

py-spy needs ptrace (root, or CAP_SYS_PTRACE). Under `--native` the C frames of SQLite,
pydantic-core and the interpreter show too.
"""

from __future__ import annotations

import collections
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import Database, arguments, load_average
from process_family import family
from tickets_wrk import POST_TICKET, WINDOW_CYCLE, finish_current, prepared_hall, wrk

from server.store.writer.child import PROCESS_NAME

# (layer, pattern on "function (file)" of a frame): the first layer found walking a stack
# from its leaf upwards is the one the sample is charged to.
IDLE = r"^(?:Condition\.wait|Queue\.get|SimpleQueue\.get|select|poll|epoll_wait|Runner\.run) "
LAYERS: list[tuple[str, str]] = [
    ("commit (WAL write + fsync)", r"do_commit|fsync|fdatasync"),
    ("sqlite3 / psycopg (driver)", r"\((?:sqlite3|psycopg)/|_sqlite3|libsqlite|libpq|do_execute"),
    ("SQLAlchemy", r"\(sqlalchemy/|<sqlalchemy"),
    ("SQLModel", r"\(sqlmodel/"),
    ("pydantic", r"\(pydantic/|pydantic_core"),
    ("json", r"\(json/"),
    ("govqueue: commands/domain", r"\(server/(?:commands|domain)/"),
    ("govqueue: store", r"\(server/store/"),
    ("govqueue: realtime", r"\(server/realtime/"),
    ("govqueue: api", r"\(server/api/"),
    ("FastAPI", r"\(fastapi/"),
    ("Starlette", r"\(starlette/"),
    ("websockets", r"\(websockets/"),
    ("uvicorn / httptools", r"\(uvicorn/|httptools"),
    ("asyncio / uvloop", r"\(asyncio/|uvloop"),
    ("threading / queue", r"\((?:threading|queue)\.py"),
]


def summarise(raw: Path, top: int, main_thread: str = "event loop") -> None:
    """Per thread: the layers, the heaviest functions. `main_thread`: what the process's main
    thread is (the writer process's runs the writer)."""
    threads: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    self_time: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    inclusive: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    totals: collections.Counter[str] = collections.Counter()
    for line in raw.read_text().splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack:
            continue
        count = int(count_text)
        head, _, rest = stack.partition(";")
        thread_name = head.split(": ", 1)[-1]
        frames = rest.split(";") if rest else []
        name = {"MainThread": main_thread, "govqueue-writer": "writer"}.get(
            thread_name, "other threads"
        )
        if frames and re.search(IDLE, frames[-1]):
            name += " (idle: waiting)"
        totals[name] += count
        layer = "other"
        for frame in reversed(frames):
            for layer_name, pattern in LAYERS:
                if re.search(pattern, frame):
                    layer = layer_name
                    break
            else:
                continue
            break
        threads[name][layer] += count
        if frames:
            self_time[name][_short(frames[-1])] += count
        for f in {_short(f) for f in frames}:
            inclusive[name][f] += count
    grand = sum(totals.values())
    for name, total in totals.most_common():
        print(f"\n-- {name}: {total} samples ({total / grand:.0%} of all active samples)")
        for layer, n in threads[name].most_common():
            print(f"   {n / total:6.1%}  {layer}")
        print("   heaviest (self):")
        for f, n in self_time[name].most_common(top):
            print(f"   {n / total:6.1%}  {f}")
        print("   heaviest (inclusive):")
        for f, n in inclusive[name].most_common(top):
            print(f"   {n / total:6.1%}  {f}")


def _short(frame: str) -> str:
    m = re.match(r"(.*) \((.*?)(?::\d+)?\)$", frame)
    if not m:
        return frame
    func, path = m[1], m[2]
    for marker in ("site-packages/", "/work/wt/", "lib/python3"):
        if marker in path:
            path = path.split(marker, 1)[1]
    return f"{func} ({path})"


def main() -> None:
    parser = arguments(__doc__)
    parser.add_argument("scenario", choices=["issue", "cycles", "summary"])
    parser.add_argument("file", nargs="?", help="summary: a raw stacks file kept by --out")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--native", action="store_true")
    parser.add_argument(
        "--gil", action="store_true", help="only samples of the thread holding the GIL"
    )
    parser.add_argument("--rate", type=int, default=250, help="samples per second")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--out", help="where to keep the raw stacks (default: a temp file)")
    parser.add_argument("--cycle-tickets", type=int, default=20000)
    parser.add_argument("--windows", type=int, default=8)
    parser.add_argument("--postgres", help="a PostgreSQL server URL (…/postgres) instead of SQLite")
    parser.add_argument(
        "--server-log-level",
        default=None,
        help="govqueue serve --log-level (default: the server's own, with its access log)",
    )
    args = parser.parse_args()
    if args.scenario == "summary":
        summarise(Path(args.file), args.top)
        return
    args.only, args.rounds, args.deep, args.shallow = [args.scenario], 0, 0, 0
    spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    out = Path(args.out or tempfile.mktemp(suffix=".collapsed"))
    db = Database.fresh(args.postgres)
    server, hall = prepared_hall(db, args)
    print(f"{load_average()}; server pid {server.proc.pid if server.proc else '?'}")
    try:
        command = [
            spy,
            "record",
            "--pid",
            str(server.pids()[0]),
            "--threads",
            "--format",
            "raw",
            "--rate",
            str(args.rate),
            "--duration",
            str(int(args.seconds)),
            "-o",
            str(out),
        ]
        if args.native:
            command.append("--native")
        if args.gil:
            command.append("--gil")
        spy_proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        # SQLite's writer runs in a process of its own (server/store/writer/process.py): a
        # second py-spy samples it, summarised apart
        writers = [p.pid for p in family(server.pids()) if p.name() == PROCESS_NAME]
        writer_out = out.with_suffix(".writer.collapsed")
        writer_spy = None
        if writers:
            writer_command = list(command)
            writer_command[command.index("--pid") + 1] = str(writers[0])
            writer_command[command.index("-o") + 1] = str(writer_out)
            writer_spy = subprocess.Popen(
                writer_command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
            )
        result: list[str] = []

        def load() -> None:
            if args.scenario == "issue":
                run = wrk(
                    server.base,
                    POST_TICKET,
                    [hall.kiosk, str(hall.services["issue"])],
                    threads=1,
                    connections=8,
                    seconds=args.seconds,
                    pids=server.pids(),
                )
                result.append(f"{run.rps:.0f} tickets/s, {run.cpu_ms:.2f} ms server CPU each")
            else:
                wargs = [",".join(map(str, hall.windows)), ",".join(hall.staff_tokens)]
                n = len(hall.windows)
                run = wrk(
                    server.base,
                    WINDOW_CYCLE,
                    wargs,
                    threads=n,
                    connections=n,
                    seconds=args.seconds,
                    pids=server.pids(),
                )
                finish_current(server.base, hall)
                result.append(
                    f"{run.cycles()[0] / args.seconds:.0f} cycles/s, "
                    f"{run.cpu_ms:.2f} ms server CPU per request"
                )

        loader = threading.Thread(target=load)
        loader.start()
        loader.join()
        _, err = spy_proc.communicate(timeout=120)
        if writer_spy is not None:
            writer_spy.communicate(timeout=120)
        print(f"under the profiler: {result[0] if result else '?'} ({load_average()})")
        if not out.exists():
            print(err.decode())
            return
        summarise(out, args.top)
        print(f"\nraw stacks: {out}")
        if writer_out.exists():
            print("\n== the writer process")
            summarise(writer_out, args.top, main_thread="writer process")
            print(f"\nraw stacks: {writer_out}")
    finally:
        server.stop()
        shutil.rmtree(db.data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
