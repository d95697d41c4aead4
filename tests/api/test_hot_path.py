"""The hot paths (store/hot.py, driver-level SQL) keep what the ORM kept: the day counter's
waiting counts equal the queue after every kind of change, the events' data is exactly what
the typed models give, and instants are stored in SQLAlchemy's own format."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.dialects import sqlite
from sqlalchemy.types import DateTime

from client import events as ev
from server.domain.clock import ManualClock
from server.store.hot import db_time
from server.store.types import UTCDateTime
from tests.helpers import LiveServer, Seeded, open_window

COUNTED = """
    SELECT service_id, count(*), sum(CASE WHEN priority != 'normal' THEN 1 ELSE 0 END)
    FROM ticket WHERE status = 'waiting' GROUP BY service_id"""
KEPT = "SELECT service_id, waiting, priority_waiting FROM ticketcounter"
LAST_EVENT = "SELECT type, data FROM event WHERE type LIKE 'ticket.%' ORDER BY seq DESC LIMIT 1"


class Database:
    def __init__(self, url: str) -> None:
        self.engine = create_engine(url)

    def rows(self, sql: str) -> list[Any]:
        with self.engine.connect() as conn:
            return list(conn.execute(text(sql)).all())

    def check_counts(self) -> dict[int, int]:
        """The counter equals the queue counted, for every service; {service: waiting}."""
        counted = {int(r[0]): (int(r[1]), int(r[2])) for r in self.rows(COUNTED)}
        kept = {int(r[0]): (int(r[1]), int(r[2])) for r in self.rows(KEPT)}
        for service_id, value in kept.items():
            assert counted.get(service_id, (0, 0)) == value, (service_id, kept, counted)
        assert set(counted) <= set(kept)
        return {service_id: value[0] for service_id, value in kept.items()}

    def last_event(self) -> tuple[str, dict[str, Any]]:
        type_, data = self.rows(LAST_EVENT)[0]
        return str(type_), json.loads(data) if isinstance(data, str) else data


async def test_waiting_counts_follow_every_change(
    server: LiveServer, hall: Seeded, clock: ManualClock
) -> None:
    assert server.settings.database_url is not None
    db = Database(server.settings.database_url)
    a, b = hall.services["A"], hall.services["B"]
    kiosk = server.client(hall.kiosk_token)

    def event_waiting_is_current() -> None:
        waiting = db.check_counts()
        _, data = db.last_event()
        assert data["waiting"] == waiting[data["service_id"]], data
        if "new_ticket" in data:
            assert data["new_ticket"]["waiting"] == waiting[data["new_ticket"]["service_id"]]

    issued = []
    for service_id, priority in ((a, "normal"), (a, "green"), (b, "normal"), (a, "normal")):
        issued.append(await kiosk.issue_ticket(service_id, priority))
        event_waiting_is_current()
    # the green ticket goes before A001; A003 has both before it
    assert [t["ahead"] for t in issued] == [0, 0, 0, 2]
    assert (await kiosk.issue_ticket(a, "green"))["ahead"] == 1
    event_waiting_is_current()

    clerk = await open_window(server, hall, "1")
    supervisor = await server.login(hall.supervisor_no)
    called = await clerk.call_next(hall.windows["1"])
    assert called is not None and called["number"] == "A002"  # the green channel first
    event_waiting_is_current()
    for action in ("recall", "no-show", "requeue"):
        clock.advance(10)
        await clerk.ticket_action(called["id"], action)
        event_waiting_is_current()
    again = await clerk.call_next(hall.windows["1"])
    assert again is not None
    event_waiting_is_current()
    await clerk.ticket_action(again["id"], "start")
    event_waiting_is_current()
    moved = await clerk.ticket_action(again["id"], "transfer", {"service_id": b})
    assert moved["status"] == "waiting" and moved["service_id"] == b
    event_waiting_is_current()
    await supervisor.ticket_action(issued[2]["id"], "cancel")  # B001, waiting
    event_waiting_is_current()
    third = await clerk.call_next(hall.windows["1"])
    assert third is not None
    await clerk.ticket_action(third["id"], "no-show")
    await supervisor.ticket_action(third["id"], "cancel")  # cancelled after a no-show
    event_waiting_is_current()
    fourth = await clerk.call_next(hall.windows["1"])
    assert fourth is not None
    await clerk.ticket_action(fourth["id"], "start")
    await clerk.ticket_action(fourth["id"], "finish", {"outcome": "done"})
    event_waiting_is_current()

    # every ticket event's data is exactly the typed model's JSON (client/events.py)
    rows = db.rows("SELECT type, data FROM event WHERE type LIKE 'ticket.%' ORDER BY seq")
    assert {str(r[0]) for r in rows} >= {
        "ticket.issued", "ticket.called", "ticket.recalled", "ticket.no_show",
        "ticket.requeued", "ticket.serving", "ticket.transferred", "ticket.cancelled",
        "ticket.finished",
    }  # fmt: skip
    for type_, raw in rows:
        data = json.loads(raw) if isinstance(raw, str) else raw
        model = ev.EVENT_MODELS[type_]
        assert model.model_validate(data).model_dump(mode="json") == data, (type_, data)
    db.engine.dispose()


def test_instants_are_stored_as_sqlalchemy_stores_them() -> None:
    dialect = sqlite.dialect()
    bind = DateTime().dialect_impl(dialect).bind_processor(dialect)
    assert bind is not None
    for instant in (
        datetime(2026, 11, 26, 1, 0, tzinfo=UTC),
        datetime(2026, 11, 26, 23, 59, 59, 999999, tzinfo=UTC),
        datetime.fromisoformat("2026-11-27T08:30:15.000123+08:00"),
    ):
        naive = UTCDateTime().process_bind_param(instant, dialect)
        assert db_time(instant, sqlite=True) == bind(naive)
