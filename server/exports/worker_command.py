"""The export worker's command line (server/exports/worker.py reads it): the server's exports
(process.py) and the second half of a long CSV (report.py) start it the same way."""

from __future__ import annotations

import os
import sys

from server.queries.stats.indicators import Scope

# The URL goes in the environment: a PostgreSQL password never shows in `ps`.
DB_ENV = "GOVQUEUE_EXPORT_DB"


def worker_command(scope: Scope, *options: str) -> list[str]:
    """`python -m server.exports.worker` for `scope`, then `options` (--format, --out, …)."""
    halls = ",".join(map(str, scope.hall_ids)) if scope.hall_ids else "all"
    return [
        sys.executable,
        "-m",
        "server.exports.worker",
        "--halls",
        halls,
        "--from",
        scope.start.isoformat(),
        "--to",
        scope.end.isoformat(),
        "--now",
        scope.now.isoformat(),
        "--tz",
        scope.zone.key,
        *options,
    ]


def worker_env(database_url: str) -> dict[str, str]:
    """The worker's environment: this process's, and the database's URL."""
    return {**os.environ, DB_ENV: database_url}
