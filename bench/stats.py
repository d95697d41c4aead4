"""Statistics benchmark: a generated year, then the reports the supervisors ask for.

    .venv/bin/python bench/stats.py                       # SQLite, a full year (5 M tickets)
    .venv/bin/python bench/stats.py --days 20 --tickets-per-day 2000      # smaller, faster
    .venv/bin/python bench/stats.py --postgres postgresql+psycopg://u@host:port/postgres

Each measurement runs in its own process (as the server's export worker does), so its peak
memory (RSS) is its own. The database is deleted at the end unless --keep. Prints figures;
asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

ZONE = ZoneInfo("Asia/Shanghai")
GOALS = {
    "rollup_year": ("rolling the year's days up (once)", 0.0),
    "month_by_window": ("a month's indicators by window", 1.0),
    "year_by_day": ("a year's indicators by day", 3.0),
    "month_xlsx": ("a month's XLSX with its 明细", 60.0),
    "year_summary_xlsx": ("a year's summary XLSX (no 明细)", 10.0),
    "year_csv": ("a year's 明细 CSV", 60.0),
}


def measure(
    name: str, url: str, first: date, last: date, month: tuple[date, date], out_dir: str
) -> dict[str, object]:
    """Run one measurement in this process and return its figures."""
    from sqlmodel import Session

    from server.exports.report import write_csv, write_xlsx
    from server.queries.stats.indicators import Scope, compute
    from server.store.engine import make_engine

    engine = make_engine(url)
    now = datetime.combine(last + timedelta(days=1), datetime.min.time(), tzinfo=UTC)
    year = Scope((1,), first, last, now, ZONE)
    one_month = Scope((1,), month[0], month[1], now, ZONE)
    before = resource.getrusage(resource.RUSAGE_SELF)
    cpu_before = before.ru_utime + before.ru_stime
    started = time.perf_counter()
    extra: dict[str, object] = {}
    if name == "rollup_year":
        from server.queries.stats.rollup import build_rollups, plan

        with Session(engine) as session:
            todo = plan(session, (1,), first, last, ZONE, now)
        build_rollups(engine, todo.cold, ZONE, now)
        extra["days"] = todo.cold_days
    elif name == "month_by_window":
        with Session(engine) as session:
            rows = compute(session, one_month, ["window"], counts_basic=True)["window"].rows
        extra["rows"] = len(rows)
    elif name == "year_by_day":
        with Session(engine) as session:
            result = compute(session, year, ["day"], counts_basic=True)["day"]
        extra["rows"] = len(result.rows)
        extra["issued"] = result.total["issued"]
    elif name == "month_xlsx":
        path = Path(out_dir) / "month.xlsx"
        data = write_xlsx(engine, one_month, path, counts_basic=True, details=True)
        extra["tickets"] = data.ticket_count
        extra["MB"] = round(path.stat().st_size / 1e6, 1)
        path.unlink()
    elif name == "year_summary_xlsx":
        path = Path(out_dir) / "year.xlsx"
        write_xlsx(engine, year, path, counts_basic=True, details=False)
        extra["MB"] = round(path.stat().st_size / 1e6, 1)
        path.unlink()
    elif name == "year_csv":
        path = Path(out_dir) / "year.csv"
        with path.open("wb") as handle:
            extra["tickets"] = write_csv(engine, year, handle)
        extra["MB"] = round(path.stat().st_size / 1e6, 1)
        path.unlink()
    elapsed = time.perf_counter() - started
    engine.dispose()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    extra["cpu_s"] = round(usage.ru_utime + usage.ru_stime - cpu_before, 2)
    helpers = resource.getrusage(resource.RUSAGE_CHILDREN)  # the CSV's second process
    if helpers.ru_utime + helpers.ru_stime > 0:
        extra["helper_cpu_s"] = round(helpers.ru_utime + helpers.ru_stime, 2)
    extra["load"] = round(os.getloadavg()[0], 1)
    peak_mb = usage.ru_maxrss / 1024
    return {"name": name, "seconds": round(elapsed, 2), "peak_rss_mb": round(peak_mb), **extra}


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--days", type=int, default=250, help="business days (250 ≈ a year)")
    parser.add_argument("--tickets-per-day", type=int, default=20_000)
    parser.add_argument("--windows", type=int, default=50)
    parser.add_argument("--postgres", help="PostgreSQL server URL; a throw-away database is made")
    parser.add_argument("--db", help="use this existing generated database (skip generation)")
    parser.add_argument("--keep", action="store_true", help="keep the generated database")
    parser.add_argument("--only", help="comma-separated measurement names")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--range", help=argparse.SUPPRESS)
    args = parser.parse_args()

    from bench.stats_data import Plan, generate

    plan = Plan(days=args.days, tickets_per_day=args.tickets_per_day, windows=args.windows)
    days = plan.business_days()
    first, last = days[0], days[-1]
    month = (days[0], days[min(len(days), 21) - 1])  # 21 business days ≈ a month
    if args.measure:
        assert args.db and args.range
        print(json.dumps(measure(args.measure, args.db, first, last, month, args.range)))
        return 0

    folder = tempfile.mkdtemp(prefix="govqueue-bench-")
    drop_pg = None
    if args.db:
        url = args.db
    elif args.postgres:
        from sqlalchemy import create_engine

        name = f"gq_bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(args.postgres, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        url = args.postgres.rsplit("/", 1)[0] + "/" + name
        drop_pg = (admin, name)
    else:
        url = f"sqlite:///{folder}/bench.db"
    try:
        if not args.db:
            print(
                f"generating {plan.days} business days × {plan.tickets_per_day:,} tickets, "
                f"{plan.windows} windows into {url.split('@')[-1]}"
            )
            started = time.perf_counter()
            counts = generate(url, plan)
            print(
                f"generated in {time.perf_counter() - started:.0f} s: "
                + ", ".join(f"{v:,} {k}" for k, v in counts.items())
            )
            if url.startswith("sqlite"):
                size = sum(p.stat().st_size for p in Path(folder).glob("bench.db*"))
                print(f"database size {size / 1e9:.2f} GB")
        print(f"\nmonth = {month[0]}..{month[1]}, year = {first}..{last}")
        print(f"{'measurement':40} {'seconds':>8} {'goal':>6} {'peak RSS':>9}  details")
        names = args.only.split(",") if args.only else list(GOALS)
        for name in names:
            result = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--measure",
                    name,
                    "--db",
                    url,
                    "--range",
                    folder,
                    "--days",
                    str(args.days),
                    "--tickets-per-day",
                    str(args.tickets_per_day),
                    "--windows",
                    str(args.windows),
                ],
                capture_output=True,
                text=True,
                env={**os.environ, "PYTHONPATH": str(ROOT)},
            )
            if result.returncode != 0:
                print(f"{GOALS[name][0]:40} FAILED\n{result.stderr[-2000:]}")
                continue
            figures = json.loads(result.stdout.strip().splitlines()[-1])
            label, goal = GOALS[name]
            details = {
                k: v for k, v in figures.items() if k not in ("name", "seconds", "peak_rss_mb")
            }
            print(
                f"{label:40} {figures['seconds']:8.2f} {goal or '—':>6} {figures['peak_rss_mb']:7} MB  {details}"
            )
    finally:
        if not args.keep and not args.db:
            for p in Path(folder).glob("*"):
                p.unlink()
            os.rmdir(folder)
            if drop_pg:
                admin, name = drop_pg
                with admin.connect() as conn:
                    conn.exec_driver_sql(f'DROP DATABASE "{name}" WITH (FORCE)')
                admin.dispose()
        elif not args.db:
            print(f"kept: {url}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
