"""The daily limit counts tickets taken at a kiosk, not tickets transferred in (docs/decisions.md)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from client.errors import Conflict
from server.store import migrate
from tests.helpers import LiveServer, open_window, seed_hall


async def test_a_transfer_in_is_not_counted_against_the_daily_limit(server: LiveServer) -> None:
    hall = await seed_hall(
        server,
        services=[
            {"name": "户籍办理", "prefix": "A", "daily_limit": 2},
            {"name": "社保医保", "prefix": "B"},
        ],
        windows={"1": ["B", "A"]},
    )
    kiosk = server.client(hall.kiosk_token)
    a, b = hall.services["A"], hall.services["B"]
    assert (await kiosk.issue_ticket(a))["number"] == "A001"
    at_b = await kiosk.issue_ticket(b)
    clerk = await open_window(server, hall, "1")
    called = await clerk.call_next(hall.windows["1"])
    assert called is not None and called["id"] == at_b["id"]
    await clerk.ticket_action(at_b["id"], "start")
    moved = await clerk.ticket_action(at_b["id"], "transfer", {"service_id": a})
    assert moved["number"] == "A002" and moved["source"] == "transfer"
    listed = {s["id"]: s for s in await kiosk.services(hall.hall_id)}
    assert listed[a]["issued_today"] == 1 and listed[a]["remaining_today"] == 1
    assert listed[a]["open_now"] is True
    # the limit of 2 has room for one more ticket from the kiosk: it takes the next number
    assert (await kiosk.issue_ticket(a))["number"] == "A003"
    with pytest.raises(Conflict) as refused:
        await kiosk.issue_ticket(a)
    assert refused.value.code == "daily_limit_reached"
    listed = {s["id"]: s for s in await kiosk.services(hall.hall_id)}
    assert listed[a]["remaining_today"] == 0 and listed[a]["open_now"] is False
    # and a transfer in is still accepted once the day's tickets are gone
    second = await kiosk.issue_ticket(b)
    called = await clerk.call_next(hall.windows["1"])
    assert called is not None and called["id"] == second["id"]
    await clerk.ticket_action(second["id"], "start")
    moved = await clerk.ticket_action(second["id"], "transfer", {"service_id": a})
    assert moved["number"] == "A004"


def test_migration_counts_existing_tickets_without_transfers(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    migrate.upgrade(url, "0001")
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO hall (id, code, name, timezone, last_seq, created_at) "
                "VALUES (1, 'H', 'h', 'Asia/Shanghai', 0, '2026-11-26 01:00:00')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO service (id, hall_id, name, prefix, hours, target_wait_minutes, "
                "target_handle_minutes, enabled) VALUES (1, 1, 's', 'A', '[]', 20, 15, 1)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO ticketcounter (service_id, business_day, last_number) "
                "VALUES (1, '2026-11-26', 3)"
            )
        )
        for seq, source in ((1, "kiosk"), (2, "transfer"), (3, "staff")):
            conn.execute(
                text(
                    "INSERT INTO ticket (hall_id, service_id, business_day, sequence, number, "
                    "priority, source, status, public_token, issued_at, entered_queue_at, "
                    "recall_count, no_show_count) VALUES (1, 1, '2026-11-26', :seq, :number, "
                    "'normal', :source, 'waiting', :token, '2026-11-26 01:00:00', "
                    "'2026-11-26 01:00:00', 0, 0)"
                ),
                {"seq": seq, "number": f"A00{seq}", "source": source, "token": f"t{seq}"},
            )
    migrate.upgrade(url)
    with engine.connect() as conn:
        row = conn.execute(text("SELECT last_number, issued FROM ticketcounter")).one()
    engine.dispose()
    assert tuple(row) == (3, 2)
