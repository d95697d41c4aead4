"""A bad evaluation's rectification deadline counts China's working days and local holidays."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from sqlmodel import Session, select

from server.domain.calendar import hall_zone
from server.domain.clock import ManualClock
from server.store.engine import make_engine
from server.store.tables import Rectification
from tests.helpers import open_window, seed_hall, start_server

SH = hall_zone("Asia/Shanghai")


async def test_deadline_skips_national_day_and_a_local_holiday(tmp_path: Path) -> None:
    # Wednesday 30 September 2026, 10:00 in Shanghai: 1–7 October are public holidays,
    # Saturday 10 October is a 调休 working day, and the hall closes on Friday 16 October.
    clock = ManualClock(datetime(2026, 9, 30, 2, 0, tzinfo=UTC))
    async with start_server(
        tmp_path, clock, rectification_working_days=5, extra_holidays=[date(2026, 10, 16)]
    ) as server:
        hall = await seed_hall(server)
        kiosk = server.client(hall.kiosk_token)
        ticket = await kiosk.issue_ticket(hall.services["A"])
        clerk = await open_window(server, hall, "1")
        await clerk.call_next(hall.windows["1"])
        await clerk.ticket_action(ticket["id"], "start")
        await clerk.ticket_action(ticket["id"], "finish", {"outcome": "done"})
        pad = server.client(hall.window_device_tokens["1"])
        await pad.evaluate(ticket["id"], 1, ["态度差"])
        engine = make_engine(server.settings.resolved_database_url())
        with Session(engine) as session:
            rectification = session.exec(select(Rectification)).one()
        engine.dispose()
    # 8, 9, 10 (Saturday, worked), 12, 13 October: the 5th working day is Tuesday 13th;
    # Monday–Friday counting would give 7 October, in the middle of the holiday
    assert rectification.deadline.astimezone(SH).date() == date(2026, 10, 13)


async def test_local_holiday_moves_the_deadline(tmp_path: Path) -> None:
    clock = ManualClock(datetime(2026, 10, 14, 2, 0, tzinfo=UTC))  # Wednesday
    async with start_server(
        tmp_path, clock, rectification_working_days=2, extra_holidays=[date(2026, 10, 16)]
    ) as server:
        hall = await seed_hall(server)
        kiosk = server.client(hall.kiosk_token)
        ticket = await kiosk.issue_ticket(hall.services["A"])
        clerk = await open_window(server, hall, "1")
        await clerk.call_next(hall.windows["1"])
        await clerk.ticket_action(ticket["id"], "start")
        await clerk.ticket_action(ticket["id"], "finish", {"outcome": "done"})
        await server.client().evaluate(ticket["id"], 2, public_token=ticket["public_token"])
        engine = make_engine(server.settings.resolved_database_url())
        with Session(engine) as session:
            rectification = session.exec(select(Rectification)).one()
        engine.dispose()
    # Thursday 15th, then Friday 16th is the hall's own day off: Monday 19th
    assert rectification.deadline.astimezone(SH).date() == date(2026, 10, 19)
