"""`python -m server.exports.worker …`: one export in its own process (used by the server).

XLSX goes to --out; CSV to --out or, with "-", to standard output (the server streams it);
`--format indicators --group-by G` prints the indicators of a period as JSON (what the
server's warm statistics process, server/exports/warm.py, computes for long periods).
Every closed day read here without a valid rollup is rolled up on the way
(server/queries/stats/rollup.py).
Errors the person can act on are printed in Chinese to standard error with exit code 2.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from server.domain.errors import DomainError
from server.exports.worker_command import DB_ENV
from server.queries.stats.indicators import Scope
from server.store.engine import make_engine


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="server.exports.worker")
    parser.add_argument(
        "--db", default=os.environ.get(DB_ENV), help=f"database URL (default: ${DB_ENV})"
    )
    parser.add_argument("--halls", required=True, help="comma-separated ids, or 'all'")
    parser.add_argument("--from", dest="start", required=True)
    parser.add_argument("--to", dest="end", required=True)
    parser.add_argument("--now", required=True)
    parser.add_argument("--tz", required=True)
    parser.add_argument(
        "--format", choices=("xlsx", "csv", "csv-part", "indicators"), required=True
    )
    parser.add_argument("--group-by", default="day")
    parser.add_argument("--out", default="-")
    parser.add_argument("--no-details", action="store_true")
    parser.add_argument("--counts-basic", choices=("true", "false"), default="true")
    args = parser.parse_args(argv)
    if not args.db:
        parser.error(f"--db or ${DB_ENV} is required")
    if args.format != "csv-part":
        # calls and screens of the serving process come first; the second half of a CSV
        # inherits its parent's priority already (another +5 would leave it a third of the
        # parent's share of a busy machine, and the parent waits for it)
        os.nice(5)
    from zoneinfo import ZoneInfo

    from server.exports.report import write_csv, write_xlsx

    hall_ids = None if args.halls == "all" else tuple(int(h) for h in args.halls.split(","))
    scope = Scope(
        hall_ids,
        date.fromisoformat(args.start),
        date.fromisoformat(args.end),
        datetime.fromisoformat(args.now),
        ZoneInfo(args.tz),
    )
    engine = make_engine(args.db)
    try:
        if args.format == "indicators":
            print(json.dumps(indicators(engine, scope, args.group_by, args.counts_basic == "true")))
        elif args.format == "xlsx":
            write_xlsx(
                engine,
                scope,
                Path(args.out),
                counts_basic=args.counts_basic == "true",
                details=not args.no_details,
            )
        elif args.format == "csv-part":  # the second half of a long CSV (report.write_csv)
            from server.exports.report import write_csv_part

            with open(args.out, "wb") as out:
                write_csv_part(engine, scope, out, lambda _n: None)
        elif args.out == "-":
            write_csv(engine, scope, sys.stdout.buffer)
        else:
            with open(args.out, "wb") as out:
                write_csv(engine, scope, out)
    except DomainError as exc:
        print(exc.message, file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    return 0


def indicators(engine: Engine, scope: Scope, grouping: str, counts_basic: bool) -> dict[str, Any]:
    from sqlmodel import Session

    from server.queries.stats.indicators import compute

    with Session(engine) as session:
        result = compute(session, scope, [grouping], counts_basic=counts_basic, build=engine)
    found = result[grouping]
    return {
        "total": found.total,
        "rows": [{"key": r.key, "label": r.label, "values": r.values} for r in found.rows],
    }


if __name__ == "__main__":
    sys.exit(main())
