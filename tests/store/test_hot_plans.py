"""The hot statements cost the same however long the day's queue is: on the migrated schema,
SQLite answers each with index searches only (no table scan, no sort of the queue)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from server.store import migrate
from server.store.hot import SQLITE_SQL

# statements that read or write rows of the queue (the others touch one row by key)
QUEUE_STATEMENTS = ("queue_head", "active_at_window", "ticket", "ticket_by_request", "counter_get")


def test_queue_statements_are_index_searches(tmp_path: Path) -> None:
    path = tmp_path / "plans.db"
    migrate.upgrade(f"sqlite:///{path}")
    conn = sqlite3.connect(path)
    params = {
        "service_id": 1, "day": "2026-11-26", "priority": "green", "id": 1, "device_id": 1,
        "request_id": "r",
    }  # fmt: skip
    for name in QUEUE_STATEMENTS:
        plan = [
            str(row[3]) for row in conn.execute("EXPLAIN QUERY PLAN " + SQLITE_SQL[name], params)
        ]
        assert plan, name
        for step in plan:
            assert step.startswith("SEARCH"), (name, plan)
            assert "TEMP B-TREE" not in step, (name, plan)
    conn.close()


def test_oldest_waiting_is_one_index_probe_per_priority(tmp_path: Path) -> None:
    """queue.counts (once a second, on the writer) asks when each service's longest wait
    began: with 50,000 waiting a GROUP BY over them stalled calls for ~100 ms."""
    from sqlalchemy.dialects import sqlite as sqlite_dialect

    from server.store.statements import OLDEST_WAITING

    path = tmp_path / "plans.db"
    migrate.upgrade(f"sqlite:///{path}")
    conn = sqlite3.connect(path)
    compiled = OLDEST_WAITING.compile(dialect=sqlite_dialect.dialect(paramstyle="named"))
    params = {**compiled.params, "service_id": 1, "day": "2026-11-26", "priority": "normal"}
    plan = [str(row[3]) for row in conn.execute("EXPLAIN QUERY PLAN " + str(compiled), params)]
    conn.close()
    assert plan and all(step.startswith("SEARCH") for step in plan), plan
    assert all("TEMP B-TREE" not in step for step in plan), plan
