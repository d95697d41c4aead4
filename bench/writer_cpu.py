"""CPU of the writer thread per job, without HTTP: what the single writer can sustain.

The writer as a thread of the server process (GOVQUEUE_WRITER_PROCESS=false), whose CPU
this bench reads; bench/tickets_wrk.py measures the default, the writer process.

Runs the real app in this process on a fresh SQLite file (WAL, synchronous=FULL), seeds a
hall through the API, then submits jobs straight to `runtime.write` from 8 concurrent
tasks (as 8 kiosks or 8 windows would) and reads the CPU time of the writer thread and of
the event-loop thread from the kernel. Prints µs of CPU per job and jobs per second of
writer CPU. Independent of HTTP and steadier than req/s on a loaded machine.

    .venv/bin/python bench/writer_cpu.py [--jobs 4000] [--waiting 100] [--calls]

With --calls, the writer thread's Python and C function calls are counted too (a profile
hook, which slows everything down): a count per job that the machine's load does not move,
to compare two versions of the writer on a shared machine.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import sys
import threading
import time
from pathlib import Path
from typing import Any

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import Database, arguments, load_average, prefill_waiting, seed

from client.actions import TicketAction
from server.app import create_app
from server.commands import tickets as ticket_commands
from server.commands import windows as window_commands
from server.domain.actor import DeviceActor, StaffActor
from server.domain.enums import DeviceKind, Outcome, Priority, Role
from server.embedded import running_server
from server.runtime import Runtime
from server.settings import Settings
from server.store.job import Call, call
from server.store.writer.group_commit import Writer

# calls seen by the profile hook, per thread (--calls)
CALLS: dict[int, int] = {}


def count_calls(frame: Any, event: str, arg: Any) -> None:
    if event in ("call", "c_call"):
        ident = threading.get_ident()
        CALLS[ident] = CALLS.get(ident, 0) + 1


def writer_thread(runtime: Runtime) -> threading.Thread | None:
    writer = runtime.writer
    assert isinstance(writer, Writer), "the bench runs the writer as a thread"
    return writer._thread


def writer_calls(runtime: Runtime) -> int:
    thread = writer_thread(runtime)
    return CALLS.get(thread.ident or 0, 0) if thread is not None else 0


def thread_cpu(native_id: int) -> float:
    for t in psutil.Process(os.getpid()).threads():
        if t.id == native_id:
            return float(t.user_time + t.system_time)
    return 0.0


async def measure(runtime: Runtime, label: str, jobs: list[list[Call[Any]]]) -> None:
    """jobs: one list of jobs per concurrent client, run in order."""
    thread = writer_thread(runtime)
    assert thread is not None and thread.native_id is not None
    loop_id = threading.get_native_id()
    w0, l0, b0 = thread_cpu(thread.native_id), thread_cpu(loop_id), runtime.writer.batches
    c0 = writer_calls(runtime)
    t0 = time.perf_counter()

    async def client(mine: list[Any]) -> None:
        for job in mine:
            await runtime.write(job)

    await asyncio.gather(*(client(m) for m in jobs))
    wall = time.perf_counter() - t0
    n = sum(len(m) for m in jobs)
    w = thread_cpu(thread.native_id) - w0
    lp = thread_cpu(loop_id) - l0
    batches = runtime.writer.batches - b0
    calls = (writer_calls(runtime) - c0) / n
    print(
        f"  {label:<28} writer {w / n * 1e6:6.0f} µs CPU/job ({n / w:6.0f} jobs per CPU-s) | "
        f"loop {lp / n * 1e6:5.0f} µs/job | {n / wall:6.0f} jobs/s wall, "
        f"{n / max(batches, 1):.1f} jobs per batch" + (f" | {calls:.0f} calls/job" if calls else "")
    )


async def run(args: argparse.Namespace) -> None:
    db = Database.fresh()
    try:
        settings = Settings(data_dir=db.data_dir, database_url=db.url, writer_process=False)
        # seed through the API of a first in-process server, then prefill the queues
        app = create_app(settings)
        async with running_server(app) as base:
            hall = await seed(base, ["issue", "cycles"], 8, "cycles")
        prefill_waiting(
            db.url,
            hall.hall,
            {hall.services["issue"]: args.waiting, hall.services["cycles"]: args.jobs},
        )
        app = create_app(settings)
        if args.calls:
            threading.setprofile(count_calls)  # the writer thread starts with the app
        async with running_server(app):
            runtime: Runtime = app.state.runtime
            kiosk = DeviceActor(1, DeviceKind.kiosk, hall.hall, None)
            service = hall.services["issue"]
            print(f"{load_average()}; {args.waiting} waiting at the start")

            issue = call(ticket_commands.issue, kiosk, service, Priority.normal)

            per = args.jobs // 8
            await measure(runtime, "issue (warm-up)", [[issue] * 50 for _ in range(8)])
            await measure(runtime, "issue", [[issue] * per for _ in range(8)])

            # window cycles: each of 8 clerks calls, starts and finishes in turn
            clerks = []
            for n, window_id in enumerate(hall.windows, start=1):

                def staff_id_of(s: Any, no: str = f"B{n}") -> int:
                    return int(
                        s.connection()
                        .exec_driver_sql("SELECT id FROM staff WHERE staff_no = ?", (no,))
                        .scalar_one()
                    )

                staff_id = await runtime.read(staff_id_of)
                clerks.append(
                    (StaffActor(staff_id, f"B{n}", f"窗口{n}", Role.window, hall.hall), window_id)
                )
            cycles = args.jobs // 3 // 8

            async def cycle_jobs() -> None:
                w = writer_thread(runtime)
                assert w is not None and w.native_id is not None
                w0, b0, t0 = thread_cpu(w.native_id), runtime.writer.batches, time.perf_counter()
                c0 = writer_calls(runtime)

                async def clerk(actor: StaffActor, window_id: int) -> None:
                    for _ in range(cycles):
                        ticket = await runtime.write(
                            call(window_commands.call_next, actor, window_id)
                        )
                        assert ticket is not None, "the bench seeds enough waiting tickets"
                        start = call(
                            ticket_commands.transition, actor, ticket.id, TicketAction.start
                        )
                        await runtime.write(start)
                        finish = call(
                            ticket_commands.transition,
                            actor,
                            ticket.id,
                            TicketAction.finish,
                            outcome=Outcome.done,
                        )
                        await runtime.write(finish)

                await asyncio.gather(*(clerk(a, w) for a, w in clerks))
                n = cycles * len(clerks)
                cpu = thread_cpu(w.native_id) - w0
                wall = time.perf_counter() - t0
                print(
                    f"  {'window cycle (3 jobs)':<28} writer {cpu / n * 1e6:6.0f} µs CPU/cycle "
                    f"({n / cpu:6.0f} cycles per CPU-s) | {n / wall:6.0f} cycles/s wall, "
                    f"{3 * n / max(runtime.writer.batches - b0, 1):.1f} jobs per batch"
                    + (f" | {(writer_calls(runtime) - c0) / n:.0f} calls/cycle" if CALLS else "")
                )

            await cycle_jobs()
    finally:
        shutil.rmtree(db.data_dir, ignore_errors=True)


def main() -> None:
    parser = arguments(__doc__)
    parser.add_argument("--jobs", type=int, default=4000)
    parser.add_argument("--waiting", type=int, default=100)
    parser.add_argument("--calls", action="store_true", help="count the writer's calls per job")
    args = parser.parse_args()
    try:
        import uvloop

        uvloop.run(run(args))
    except ImportError:
        asyncio.run(run(args))


if __name__ == "__main__":
    main()
