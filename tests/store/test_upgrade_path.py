"""Upgrades keep the data: a database at every earlier migration, with a hall's day in it,
is upgraded to the newest schema; every row is still there with its values, what the
migrations compute is right, and a server started on it serves that data. A database newer
than the program is refused."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Column, MetaData, Table, inspect, select

from client.rest import ApiClient
from server.app import create_app
from server.domain.clock import ManualClock
from server.embedded import running_server
from server.security import hash_device_token, hash_password
from server.settings import Settings
from server.store import migrate, tables
from server.store.engine import make_engine
from tests.helpers import fresh_database_url

DAY = date(2026, 11, 26)
T0 = datetime(2026, 11, 26, 1, 0, tzinfo=UTC)  # 09:00 in the hall
CLERK_PASSWORD = "window-password-1"
KIOSK_TOKEN = "gqd_upgrade-test-kiosk-token"
PUBLIC = {1: "pub-a001-0000000000000000", 2: "pub-a002-0000000000000000"}
PUBLIC |= {3: "pub-a003-0000000000000000", 4: "pub-b001-0000000000000000"}


EVENT_TYPES = ("ticket.issued", "ticket.called", "ticket.finished", "ticket.issued")
EVENT_TYPES += ("evaluation.created",)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def ticket(id: int, number: str, service: int, sequence: int, **fields: Any) -> dict[str, Any]:
    return {
        "id": id,
        "hall_id": 1,
        "service_id": service,
        "business_day": DAY,
        "sequence": sequence,
        "number": number,
        "priority": "normal",
        "source": "kiosk",
        "status": "waiting",
        "public_token": PUBLIC[id],
        "issued_at": at(id),
        "entered_queue_at": at(id),
        "recall_count": 0,
        "no_show_count": 0,
        "device_id": 1,
        **fields,
    }


def hall_day() -> dict[str, list[dict[str, Any]]]:
    """A hall's morning, written as rows (in insert order); columns a revision does not
    have yet are left out when writing at that revision."""
    return {
        "hall": [
            {"id": 1, "code": "UP", "name": "升级测试大厅", "timezone": "Asia/Shanghai"}
            | {"last_seq": 5, "created_at": at(-60), "notice": "今日下午停电检修"}
        ],
        "staff": [
            {"id": 1, "staff_no": "admin", "name": "管理员", "role": "admin", "hall_id": None}
            | {"password_hash": hash_password("admin-password-1"), "active": True},
            {"id": 2, "staff_no": "UP-1", "name": "窗口一", "role": "window", "hall_id": 1}
            | {"password_hash": hash_password(CLERK_PASSWORD), "active": True},
        ],
        "service": [
            {"id": 1, "hall_id": 1, "name": "户籍办理", "prefix": "A", "daily_limit": 100}
            | {
                "hours": [],
                "target_wait_minutes": 20,
                "target_handle_minutes": 10,
                "enabled": True,
            },
            {"id": 2, "hall_id": 1, "name": "社保医保", "prefix": "B", "daily_limit": None}
            | {"hours": [], "target_wait_minutes": 15, "target_handle_minutes": 8, "enabled": True},
        ],
        "window": [
            {"id": 1, "hall_id": 1, "number": "1", "state": "open", "staff_id": 2}
            | {"pause_reason": None, "state_since": at(-5)}
        ],
        "windowservice": [
            {"window_id": 1, "service_id": 1, "rank": 0},
            {"window_id": 1, "service_id": 2, "rank": 1},
        ],
        "device": [
            {"id": 1, "hall_id": 1, "kind": "kiosk", "window_id": None, "label": "1号取号机"}
            | {"token_hash": hash_device_token(KIOSK_TOKEN), "created_at": at(-50)}
        ],
        "ticketcounter": [
            {"service_id": 1, "business_day": DAY, "last_number": 3, "issued": 3}
            | {"waiting": 1, "priority_waiting": 1},
            {"service_id": 2, "business_day": DAY, "last_number": 1, "issued": 0}
            | {"waiting": 1, "priority_waiting": 0},
        ],
        "ticket": [
            ticket(1, "A001", 1, 1, status="done", outcome="done", window_id=1, staff_id=2)
            | {"called_at": at(2), "last_called_at": at(2), "serving_started_at": at(3)}
            | {"finished_at": at(9), "request_id": "req-1"},
            ticket(2, "A002", 1, 2, status="transferred", window_id=1, staff_id=2)
            | {"called_at": at(10), "last_called_at": at(10), "serving_started_at": at(11)}
            | {"finished_at": at(12), "transferred_to_id": None},
            ticket(3, "A003", 1, 3, priority="green"),
            ticket(4, "B001", 2, 1, source="transfer", origin_ticket_id=2, device_id=None)
            | {"issued_at": at(12), "entered_queue_at": at(12)},
        ],
        "evaluation": [
            {"id": 1, "ticket_id": 1, "hall_id": 1, "level": 2, "reasons": ["等待时间长"]}
            | {"comment": "排队太久", "channel": "window", "created_at": at(10)}
        ],
        "rectification": [
            {"id": 1, "evaluation_id": 1, "ticket_id": 1, "opened_at": at(10)}
            | {"deadline": at(10) + timedelta(days=21), "note": "已约谈", "closed_at": at(30)}
        ],
        "event": [
            {"id": i, "hall_id": 1, "seq": i, "type": kind, "at": at(i), "data": {"n": i}}
            for i, kind in enumerate(EVENT_TYPES, start=1)
        ],
        # tables of later revisions
        "console_session": [
            {"id": 1, "token_hash": "c" * 64, "staff_id": 1, "created_at": at(-30)}
            | {"expires_at": at(600), "ended_at": None}
        ],
        "complaint": [
            {"id": 1, "hall_id": 1, "channel": "现场", "content": "窗口一态度不好"}
            | {"complainant_name": "张三", "complainant_phone": "13800001234", "ticket_id": 1}
            | {"state": "accepted", "received_at": at(20), "deadline": at(20) + timedelta(days=7)}
        ],
        "stats_day": [
            {"hall_id": 1, "business_day": DAY - timedelta(days=1), "changes": 2, "tickets": 0}
        ],
    }


HEAD = tables.SQLModel.metadata


def write_at_revision(url: str) -> dict[str, list[dict[str, Any]]]:
    """Write the hall's day with the columns the database has now; returns what was written."""
    engine = make_engine(url, writer=True)
    written: dict[str, list[dict[str, Any]]] = {}
    try:
        with engine.begin() as conn:
            present = {
                name: {c["name"] for c in inspect(conn).get_columns(name)}
                for name in inspect(conn).get_table_names()
            }
            for name, rows in hall_day().items():
                if name not in present:
                    continue  # a table of a later revision
                head = HEAD.tables[name]
                old = Table(
                    name, MetaData(), *(_plain(c) for c in head.columns if c.name in present[name])
                )
                keys = {k for row in rows for k in row if k in present[name]}
                rows = [{k: row.get(k) for k in sorted(keys)} for row in rows]
                conn.execute(old.insert(), rows)
                written[name] = rows
                if conn.dialect.name == "postgresql" and "id" in present[name]:
                    # as if the rows had been added one by one: the id sequence past them
                    conn.exec_driver_sql(
                        f"SELECT setval(pg_get_serial_sequence('\"{name}\"', 'id'), "
                        f'(SELECT max(id) FROM "{name}"))'
                    )
    finally:
        engine.dispose()
    return written


def _plain(column: Column[Any]) -> Column[Any]:
    """The column's name and type only (no defaults a revision's table may not have)."""
    return Column(column.name, column.type, primary_key=column.primary_key)


def read_at_head(url: str, name: str) -> list[dict[str, Any]]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            table = HEAD.tables[name]
            order = list(table.primary_key.columns)
            return [dict(r._mapping) for r in conn.execute(select(table).order_by(*order))]
    finally:
        engine.dispose()


def revisions() -> list[str]:
    head = migrate.head_revision()
    files = (migrate.MIGRATIONS / "versions").glob("[0-9]" * 4 + "_*.py")
    return sorted(path.name[:4] for path in files if path.name[:4] < head)


@pytest.mark.parametrize("revision", revisions())
async def test_a_database_at_an_earlier_revision_upgrades_with_its_data(
    tmp_path: Path, revision: str
) -> None:
    url = fresh_database_url(tmp_path)
    migrate.upgrade(url, revision)
    written = write_at_revision(url)
    migrate.upgrade(url)
    assert migrate.current_revision(url) == migrate.head_revision()

    for name, rows in written.items():
        found = read_at_head(url, name)
        assert len(found) == len(rows), name
        for want, got in zip(rows, found, strict=True):
            assert {k: got[k] for k in want} == want, f"{name} changed by the upgrade"
    counters = {r["service_id"]: r for r in read_at_head(url, "ticketcounter")}
    # computed by 0002 and 0009 from the tickets when the database was older than them
    assert counters[1]["issued"] == 3 and counters[2]["issued"] == 0, "a transfer is not issued"
    assert (counters[1]["waiting"], counters[1]["priority_waiting"]) == (1, 1)
    assert (counters[2]["waiting"], counters[2]["priority_waiting"]) == (1, 0)

    await serves_the_upgraded_data(tmp_path, url)


async def serves_the_upgraded_data(data_dir: Path, url: str) -> None:
    settings = Settings(
        data_dir=data_dir, database_url=url, secret_key="k" * 32, writer_forkserver=True
    )
    app = create_app(settings, ManualClock(at(20)))
    async with running_server(app) as base:
        async with ApiClient(base) as clerk:
            await clerk.login("UP-1", CLERK_PASSWORD)
        async with ApiClient(base, KIOSK_TOKEN) as kiosk:
            waiting = {s["prefix"]: s["waiting"] for s in await kiosk.services(1)}
            assert waiting == {"A": 1, "B": 1}
            assert (await kiosk.public_ticket(PUBLIC[3]))["number"] == "A003"
            assert (await kiosk.issue_ticket(1))["number"] == "A004", "numbering goes on"


def test_serve_refuses_a_database_newer_than_itself(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from server.cli.main import app

    url = fresh_database_url(tmp_path)
    migrate.upgrade(url)
    newer = f"{int(migrate.head_revision()) + 1:04d}"
    engine = make_engine(url, writer=True)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"UPDATE alembic_version SET version_num = '{newer}'")
    engine.dispose()
    for command in (["serve", "--db", url, "--port", "1"], ["db", "upgrade", "--db", url]):
        result = CliRunner().invoke(app, command)
        assert result.exit_code == 2, result.output
        assert f"结构版本 {newer}" in result.output and "更新的 govqueue" in result.output
        assert migrate.current_revision(url) == newer, "left as it was"
