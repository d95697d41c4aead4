"""How long a staffing plan takes: a month of the demo's history and a day's plan.

    .venv/bin/python bench/plan_speed.py [--repeat 3]

On the demo's own history (plan_history.py: 25 working days through the real server, about
200 tickets a day, 6 windows, 4 services), for Monday 2026-03-30 from the month before it:
- in-process, the parts: reading the history (SQL), the plan (search + both evaluations),
  the whole of `staffing_plan` — wall and CPU time, median of --repeat;
- the command as a person runs it, `govqueue plan …` (a new process: imports included).
The goal: a few seconds on this machine. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import TypeVar
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
for folder in (ROOT, Path(__file__).resolve().parent):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from plan_history import GOVQUEUE, demo_history  # noqa: E402

ZONE = ZoneInfo("Asia/Shanghai")
FIRST, LAST, DAY = date(2026, 2, 27), date(2026, 3, 27), date(2026, 3, 30)


T = TypeVar("T")


def timed(fn: Callable[[], T], repeat: int) -> tuple[float, float, T]:
    walls: list[float] = []
    cpus: list[float] = []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        result = fn()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus), result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()

    from sqlmodel import Session

    from server.domain.calendar import WorkingCalendar, hall_zone
    from server.domain.planning.plan import make_plan
    from server.queries import plan_history
    from server.queries.plan_request import PlanRequest, hall_id_of
    from server.queries.staffing_plan import read_inputs, staffing_plan
    from server.store.engine import make_engine

    url = demo_history()
    engine = make_engine(url)
    now = datetime.now(ZONE)
    with Session(engine) as session:
        hall = hall_id_of(session, "DEMO")
        zone = hall_zone("Asia/Shanghai")
        request = PlanRequest(hall, FIRST, LAST, DAY, None, args.runs, 1)

        wall, cpu, tickets = timed(
            lambda: plan_history.past_tickets(session, hall, FIRST, LAST, zone), args.repeat
        )
        days = len({t.day for t in tickets})
        print(f"load {os.getloadavg()[0]:.1f} (2 cores, shared)")
        print(f"history {FIRST} … {LAST}: {len(tickets)} tickets on {days} working days")
        print(f"  reading the tickets (SQL + local times)     {wall:6.2f} s wall  {cpu:6.2f} s CPU")
        wall, cpu, report = timed(
            lambda: staffing_plan(session, request, now=now, calendar=WorkingCalendar()),
            args.repeat,
        )
        print(
            f"  staffing_plan, all of it ({args.runs} runs)         {wall:6.2f} s wall  "
            f"{cpu:6.2f} s CPU   simulated days: {report['simulated_days']}"
        )
    # the parts: reading the inputs, then the simulation (the search and the two evaluations)
    with Session(engine) as session:
        wall, cpu, inputs = timed(
            lambda: read_inputs(session, request, now=now, calendar=WorkingCalendar()),
            args.repeat,
        )
    print(f"  reading the inputs (history, windows, staffing) {wall:6.2f} s wall  {cpu:6.2f} s CPU")
    wall, cpu, result = timed(
        lambda: make_plan(inputs.hall_model, inputs.demand, inputs.current, runs=args.runs, seed=1),
        args.repeat,
    )
    tickets_simulated = result.simulated_days * sum(h.arrivals for h in result.hours)
    print(
        f"  make_plan (search + plan + current)           {wall:6.2f} s wall  {cpu:6.2f} s CPU"
        f"   ≈{tickets_simulated:,.0f} applicants simulated, "
        f"{cpu / tickets_simulated * 1e6:.1f} µs CPU each"
    )
    walls, cpus = [], []
    for _ in range(args.repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        done = subprocess.run(
            [GOVQUEUE, "plan", "--db", url, "--hall", "DEMO", "--from", FIRST.isoformat(),
             "--to", LAST.isoformat(), "--day", DAY.isoformat(), "--runs", str(args.runs)],
            capture_output=True, text=True,
        )  # fmt: skip
        walls.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
        assert done.returncode == 0, done.stderr
    print(
        f"  govqueue plan … (a new process, end to end)  {statistics.median(walls):6.2f} s wall"
        f"  {statistics.median(cpus):6.2f} s CPU"
    )
    print("\n" + "\n".join(done.stdout.splitlines()[-4:]))


if __name__ == "__main__":
    main()
