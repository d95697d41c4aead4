"""The hot statements cost the same however long the day's queue is: on the migrated schema,
SQLite answers each with index searches only (no table scan, no sort of the queue)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from server.store import migrate
from server.store.hot_sql import SQLITE_SQL, queue_heads_sql

# statements that read or write rows of the queue (the others touch one row by key)
QUEUE_STATEMENTS = ("window_to_call", "ticket", "ticket_by_request", "counter_get")


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
            if step.startswith("CORRELATED SCALAR SUBQUERY"):  # its own steps follow
                continue
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


def test_a_window_s_busy_ticket_is_found_by_window_and_status(tmp_path: Path) -> None:
    """call-next asks whether a ticket is still called or served at the window: an index
    probe on (window_id, status), not a walk over every ticket the window ever had."""
    path = tmp_path / "plans.db"
    migrate.upgrade(f"sqlite:///{path}")
    conn = sqlite3.connect(path)
    plan = [
        str(row[3])
        for row in conn.execute("EXPLAIN QUERY PLAN " + SQLITE_SQL["window_to_call"], {"id": 1})
    ]
    conn.close()
    assert any("ticket_window_status (window_id=? AND status=?)" in step for step in plan), plan


def test_queue_heads_of_several_services_are_one_index_probe_each(tmp_path: Path) -> None:
    path = tmp_path / "plans.db"
    migrate.upgrade(f"sqlite:///{path}")
    conn = sqlite3.connect(path)
    for services in (1, 3):
        params: dict[str, object] = {f"s{i}": i + 1 for i in range(services)}
        params["day"] = "2026-11-26"
        plan = [
            str(row[3])
            for row in conn.execute("EXPLAIN QUERY PLAN " + queue_heads_sql(services, True), params)
        ]
        searches = [step for step in plan if step.startswith("SEARCH")]
        # per service: green channel and walk-ins, then appointments in slot order
        assert len(searches) == 3 * services, plan
        by_priority = (
            "ix_ticket_queue (service_id=? AND business_day=? AND status=? AND priority=?)"
        )
        by_slot = "ix_ticket_appointment_queue (service_id=? AND business_day=? AND status=?"
        assert sum(by_priority in step for step in searches) == 2 * services, plan
        assert sum(by_slot in step for step in searches) == services, plan
        # the rest is the compound's plumbing: no scan of a table, no sort
        for step in plan:
            if not step.startswith("SEARCH"):
                assert step.split()[0] in ("COMPOUND", "LEFT-MOST", "UNION", "CO-ROUTINE", "SCAN")
                assert not step.startswith("SCAN") or step.split()[1].startswith("h"), plan
            assert "TEMP B-TREE" not in step, plan
    conn.close()
