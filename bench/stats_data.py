"""A realistic year of one hall, written straight into a database built by the migrations.

Default: 250 business days × 20,000 tickets (5 million) over 50 windows and 10 services,
70 % of finished tickets rated (about 4 % bad, each with a rectification, most rectified
and followed up), no-shows, recalls, transfers, cancellations, tickets left waiting, a
lunch pause and a short pause per window and day (window.status events), two complaints a
day. Deterministic for a seed. SQLite: executemany with the journal off; PostgreSQL: COPY.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, create_engine, event, insert, text

from server.queries.stats.sql import (
    COMPLAINT,
    EVALUATION,
    EVENT,
    HALL,
    RECTIFICATION,
    SERVICE,
    STAFF,
    TICKET,
    WINDOW,
)
from server.store import migrate
from server.store.engine import make_engine
from server.store.statements import _table
from server.store.tables import WindowService

WINDOW_SERVICE = _table(WindowService)
OFFSET = timedelta(hours=8)  # Asia/Shanghai
SERVICES = [
    ("户籍办理", "A", 20, 10),
    ("社保医保", "B", 15, 8),
    ("不动产登记", "C", 30, 20),
    ("企业开办", "D", 20, 15),
    ("公积金", "E", 15, 8),
    ("出入境", "F", 20, 10),
    ("税务", "G", 25, 12),
    ("民政", "H", 15, 10),
    ("交通", "J", 20, 10),
    ("综合咨询", "K", 10, 5),
]
OUTCOMES = ["done"] * 85 + ["supplement"] * 8 + ["returned"] * 4 + ["rejected"] * 3
LEVELS = [5] * 70 + [4] * 20 + [3] * 6 + [2] * 3 + [1] * 1


@dataclass
class Plan:
    days: int = 250
    tickets_per_day: int = 20_000
    windows: int = 50
    first_day: date = date(2025, 1, 2)
    seed: int = 2026

    def business_days(self) -> list[date]:
        days: list[date] = []
        day = self.first_day
        while len(days) < self.days:
            if day.weekday() < 5:
                days.append(day)
            day += timedelta(days=1)
        return days


def utc(day: date, seconds: float) -> datetime:
    """Local seconds after midnight of `day` as a UTC instant."""
    return datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(seconds=seconds) - OFFSET


class Writer:
    """Batched inserts: COPY on PostgreSQL, executemany on SQLite."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.pg = engine.dialect.name == "postgresql"
        self.rows = 0

    def put(self, table: Any, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        self.rows += len(rows)
        if not self.pg:
            with self.engine.begin() as conn:
                conn.execute(insert(table), rows)
            return
        import json

        columns = list(rows[0])
        raw = self.engine.raw_connection()
        try:
            cursor = raw.cursor()
            with cursor.copy(f'COPY "{table.name}" ({", ".join(columns)}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(
                        [json.dumps(v) if isinstance(v, dict | list) else v for v in row.values()]
                    )
            raw.commit()
        finally:
            raw.close()


def _engine(url: str) -> Engine:
    """A loading engine: on SQLite no fsync (a crashed generation is simply redone)."""
    if not url.startswith("sqlite"):
        return make_engine(url, writer=True)
    engine = create_engine(url)

    @event.listens_for(engine, "connect")
    def pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA synchronous=OFF")
        cursor.execute("PRAGMA foreign_keys=OFF")
        cursor.close()

    return engine


def _window_events(
    day: date, windows: list[tuple[int, str, int]], rnd: random.Random, seq: int
) -> tuple[list[dict[str, Any]], int]:
    events = []
    for window_id, number, staff_id in windows:
        coffee = rnd.randint(9 * 3600 + 1800, 15 * 3600)
        changes = [
            (8 * 3600 + 1800, "open", None),
            (12 * 3600, "paused", "午休"),
            (13 * 3600 + 1800, "open", None),
            (coffee, "paused", "临时离开"),
            (coffee + rnd.randint(300, 1200), "open", None),
            (17 * 3600 + 1800, "closed", None),
        ]
        changes.sort()
        for at, state, reason in changes:
            seq += 1
            instant = utc(day, at)
            events.append(
                {
                    "hall_id": 1,
                    "seq": seq,
                    "type": "window.status",
                    "at": instant,
                    "data": {
                        "window_id": window_id,
                        "window_number": number,
                        "state": state,
                        "pause_reason": reason,
                        "staff_no": f"W{staff_id:03d}",
                        "staff_name": f"窗口{number}",
                        "state_since": instant.isoformat(),
                    },
                }
            )
    return events, seq


def _tickets(
    plan: Plan, day: date, rnd: random.Random, ids: dict[str, int], serves: dict[int, list[int]]
) -> Iterator[tuple[dict[str, Any], dict[str, Any] | None, dict[str, Any] | None]]:
    per_service = [0] * len(SERVICES)
    for _ in range(plan.tickets_per_day):
        ids["ticket"] += 1
        service = rnd.randrange(len(SERVICES))
        per_service[service] += 1
        sequence = per_service[service]
        issued = rnd.uniform(8.5 * 3600, 16.9 * 3600)
        roll = rnd.random()
        status = (
            "done"
            if roll < 0.90
            else "no_show"
            if roll < 0.93
            else "cancelled"
            if roll < 0.95
            else "transferred"
            if roll < 0.97
            else "waiting"
        )
        window_id = rnd.choice(serves[service + 1])
        called = served = finished = None
        if status in ("done", "no_show", "transferred"):
            called = issued + rnd.expovariate(1 / 600)
        if status in ("done", "transferred"):
            served = (called or issued) + rnd.uniform(20, 120)
        if status == "done":
            finished = (served or issued) + rnd.expovariate(1 / 240) + 30
        ticket = {
            "id": ids["ticket"],
            "hall_id": 1,
            "service_id": service + 1,
            "business_day": day,
            "sequence": sequence,
            "number": f"{SERVICES[service][1]}{sequence:03d}",
            "priority": "green" if rnd.random() < 0.05 else "normal",
            "source": "kiosk",
            "status": status,
            "outcome": rnd.choice(OUTCOMES) if status == "done" else None,
            "public_token": f"b{ids['ticket']}",
            "issued_at": utc(day, issued),
            "entered_queue_at": utc(day, issued),
            "called_at": utc(day, called) if called else None,
            "last_called_at": utc(day, called) if called else None,
            "recall_count": 1 if called and rnd.random() < 0.1 else 0,
            "serving_started_at": utc(day, served) if served else None,
            "finished_at": utc(day, finished) if finished else None,
            "no_show_count": 1 if status == "no_show" or (called and rnd.random() < 0.03) else 0,
            "window_id": window_id if called else None,
            "staff_id": window_id if called else None,
            "origin_ticket_id": None,
            "transferred_to_id": None,
            "device_id": None,
        }
        evaluation = rectification = None
        if status == "done" and rnd.random() < 0.7:
            ids["evaluation"] += 1
            level = rnd.choice(LEVELS)
            rated = (finished or issued) + rnd.uniform(5, 120)
            evaluation = {
                "id": ids["evaluation"],
                "ticket_id": ids["ticket"],
                "hall_id": 1,
                "level": level,
                "reasons": ["态度不好"] if level <= 2 else [],
                "comment": None,
                "channel": "window",
                "created_at": utc(day, rated),
            }
            if level <= 2:
                opened = utc(day, rated)
                closed = (
                    opened + timedelta(days=rnd.uniform(1, 30)) if rnd.random() < 0.85 else None
                )
                followed = closed + timedelta(days=1) if closed and rnd.random() < 0.7 else None
                rectification = {
                    "evaluation_id": ids["evaluation"],
                    "ticket_id": ids["ticket"],
                    "opened_at": opened,
                    "deadline": opened + timedelta(days=21),
                    "closed_at": closed,
                    "note": "整改" if closed else None,
                    "followup_at": followed,
                    "followup_note": "认可" if followed else None,
                    "followup_way": "phone" if followed else None,
                    "followup_satisfied": True if followed else None,
                }
        yield ticket, evaluation, rectification


def generate(url: str, plan: Plan, *, report: Any = print) -> dict[str, int]:
    """Migrate `url` and fill it; returns row counts."""
    started = time.perf_counter()
    migrate.upgrade(url)
    engine = _engine(url)
    out = Writer(engine)
    rnd = random.Random(plan.seed)
    now = utc(plan.first_day, 0)
    out.put(
        HALL,
        [
            {
                "id": 1,
                "code": "BENCH",
                "name": "基准测试政务服务中心",
                "timezone": "Asia/Shanghai",
                "last_seq": 0,
                "created_at": now,
            }
        ],
    )
    out.put(
        SERVICE,
        [
            {
                "id": i,
                "hall_id": 1,
                "name": name,
                "prefix": prefix,
                "daily_limit": None,
                "hours": [],
                "target_wait_minutes": wait,
                "target_handle_minutes": handle,
                "enabled": True,
            }
            for i, (name, prefix, wait, handle) in enumerate(SERVICES, start=1)
        ],
    )
    out.put(
        STAFF,
        [
            {
                "id": i,
                "staff_no": f"W{i:03d}",
                "name": f"窗口{i}",
                "role": "window",
                "password_hash": "x",
                "hall_id": 1,
                "active": True,
            }
            for i in range(1, plan.windows + 1)
        ],
    )
    windows = [(i, str(i), i) for i in range(1, plan.windows + 1)]
    out.put(
        WINDOW,
        [
            {
                "id": i,
                "hall_id": 1,
                "number": n,
                "state": "closed",
                "pause_reason": None,
                "staff_id": None,
                "state_since": utc(plan.first_day, 0),
            }
            for i, n, _ in windows
        ],
    )
    serves: dict[int, list[int]] = {s: [] for s in range(1, len(SERVICES) + 1)}
    links = []
    for window_id, _, _ in windows:
        for rank, service in enumerate(
            {(window_id - 1) % len(SERVICES) + 1, rnd.randint(1, len(SERVICES))}
        ):
            serves[service].append(window_id)
            links.append({"window_id": window_id, "service_id": service, "rank": rank})
    out.put(WINDOW_SERVICE, links)
    ids = {"ticket": 0, "evaluation": 0}
    seq = 0
    counts = {"tickets": 0, "evaluations": 0, "rectifications": 0, "events": 0, "complaints": 0}
    complaint_id = 0
    days = plan.business_days()
    for n, day in enumerate(days, start=1):
        tickets, evaluations, rectifications = [], [], []
        for ticket, evaluation, rectification in _tickets(plan, day, rnd, ids, serves):
            tickets.append(ticket)
            if evaluation:
                evaluations.append(evaluation)
            if rectification:
                rectifications.append(rectification)
        events, seq = _window_events(day, windows, rnd, seq)
        complaints = []
        for _ in range(2):
            complaint_id += 1
            received = utc(day, rnd.uniform(9 * 3600, 17 * 3600))
            closed = received + timedelta(days=rnd.uniform(0.5, 10)) if rnd.random() < 0.9 else None
            complaints.append(
                {
                    "id": complaint_id,
                    "hall_id": 1,
                    "channel": rnd.choice(["onsite", "phone", "12345"]),
                    "content": "等候时间长",
                    "complainant_name": "张小三",
                    "complainant_phone": "13812345678",
                    "ticket_id": None,
                    "window_id": rnd.randint(1, plan.windows),
                    "staff_id": None,
                    "service_id": None,
                    "state": "closed" if closed else "accepted",
                    "received_at": received,
                    "deadline": received + timedelta(days=7),
                    "result": "已处理" if closed else None,
                    "handled_at": closed,
                    "closed_at": closed,
                    "handled_by": None,
                    "created_by": None,
                }
            )
        out.put(TICKET, tickets)
        out.put(EVALUATION, evaluations)
        out.put(RECTIFICATION, rectifications)
        out.put(EVENT, events)
        out.put(COMPLAINT, complaints)
        counts["tickets"] += len(tickets)
        counts["evaluations"] += len(evaluations)
        counts["rectifications"] += len(rectifications)
        counts["events"] += len(events)
        counts["complaints"] += len(complaints)
        if n % 25 == 0 or n == len(days):
            report(
                f"  {n}/{len(days)} days, {counts['tickets']:,} tickets, "
                f"{time.perf_counter() - started:.0f} s"
            )
    with engine.begin() as conn:
        conn.execute(text("UPDATE hall SET last_seq = :seq WHERE id = 1"), {"seq": seq})
        if out.pg:
            for table in (
                "hall",
                "service",
                "staff",
                "window",
                "ticket",
                "evaluation",
                "rectification",
                "event",
                "complaint",
            ):
                conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f'(SELECT COALESCE(MAX(id), 1) FROM "{table}"))'
                    )
                )
            conn.execute(text("ANALYZE"))
        else:
            conn.execute(text("ANALYZE"))
    engine.dispose()
    return counts
