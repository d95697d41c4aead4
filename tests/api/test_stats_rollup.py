"""Rollups of closed days: what lands on a day late marks its rollup out of date, in the same
transaction, and the day's figures change — read live until the day is rolled up again, then
the same from the new rollup.

Thursday 2026-11-26 (hall time): window 1 finishes A001 (not rated yet) and A002 (rated 1 →
a rectification), and starts A003, still being served at midnight. Friday 27 10:00 the
Thursday is rolled up; then, one at a time: A001 is rated 5, the rectification is recorded,
then its follow-up, A003 is finished, a complaint about Thursday afternoon is registered.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlmodel import Session

from server.domain.clock import ManualClock
from server.queries.stats.rollup import build_rollups, plan
from server.store.engine import make_engine
from tests.helpers import LiveServer, Seeded, open_window

SH = ZoneInfo("Asia/Shanghai")
THURSDAY, FRIDAY = date(2026, 11, 26), date(2026, 11, 27)
DAY = THURSDAY.isoformat()


class Rollups:
    def __init__(self, server: LiveServer, hall: Seeded, clock: ManualClock) -> None:
        self.engine = make_engine(str(server.settings.database_url))
        self.hall, self.clock = hall, clock

    def state(self, day: date = THURSDAY) -> tuple[int, int | None] | None:
        """(changes, built_changes) of the day's row, None without one."""
        with self.engine.connect() as conn:
            row = conn.execute(
                text(
                    "SELECT changes, built_changes FROM stats_day "
                    "WHERE hall_id = :h AND business_day = :d"
                ),
                {"h": self.hall.hall_id, "d": day.isoformat()},
            ).one_or_none()
        return None if row is None else (row[0], row[1])

    def valid(self) -> bool:
        with Session(self.engine) as session:
            todo = plan(session, (self.hall.hall_id,), THURSDAY, THURSDAY, SH, self.clock.now())
        return (self.hall.hall_id, THURSDAY.toordinal()) in todo.cached

    def build(self) -> None:
        build_rollups(self.engine, {self.hall.hall_id: [THURSDAY]}, SH, self.clock.now())
        assert self.valid()


async def thursday(sup: Any, hall: Seeded) -> dict[str, Any]:
    values: dict[str, Any] = (await sup.indicators(hall.hall_id, start=DAY, end=DAY))["total"]
    return values


async def test_late_changes_mark_their_day_and_change_its_figures(
    server: LiveServer, hall: Seeded, clock: ManualClock
) -> None:
    kiosk = server.client(hall.kiosk_token)
    pad = server.client(hall.window_device_tokens["1"])
    w1 = await open_window(server, hall, "1")
    sup = await server.login(hall.supervisor_no)
    tickets = [await kiosk.issue_ticket(hall.services["A"]) for _ in range(3)]
    a001, a002, a003 = (t["id"] for t in tickets)
    for ticket_id in (a001, a002):
        await w1.call_next(hall.windows["1"])
        clock.advance(60)
        await w1.ticket_action(ticket_id, "start")
        clock.advance(300)
        await w1.ticket_action(ticket_id, "finish", {"outcome": "done"})
    await pad.evaluate(a002, 1, ["态度差"])
    await w1.call_next(hall.windows["1"])
    await w1.ticket_action(a003, "start")
    rollups = Rollups(server, hall, clock)
    assert rollups.state() is None  # Thursday's own writes mark nothing
    clock.set(datetime(2026, 11, 27, 10, 0, tzinfo=SH).astimezone(UTC))
    try:
        rollups.build()
        before = await thursday(sup, hall)
        assert (before["served"], before["evaluated"], before["bad_count"]) == (2, 1, 1)
        assert (before["rectified"], before["followup_rate"], before["complaints"]) == (0, 0.0, 0)
        assert rollups.state() == (0, 0)

        async def late(change: Any, figure: str, expected: Any) -> None:
            changes = rollups.state()
            assert changes is not None
            await change()
            after = rollups.state()
            assert after is not None and after[0] == changes[0] + 1, "the day was not marked"
            assert not rollups.valid()
            assert (await thursday(sup, hall))[figure] == expected  # read live
            rollups.build()
            assert (await thursday(sup, hall))[figure] == expected  # from the new rollup

        await late(lambda: pad.evaluate(a001, 5), "evaluated", 2)
        assert (await thursday(sup, hall))["avg_level"] == 3.0
        rid = (await sup.request("GET", "/rectifications"))["items"][0]["id"]
        await late(
            lambda: sup.request(
                "POST", f"/rectifications/{rid}/rectify", json={"measures": "培训"}
            ),
            "rectified",
            1,
        )
        await late(
            lambda: sup.request(
                "POST",
                f"/rectifications/{rid}/follow-up",
                json={"way": "phone", "result": "认可", "satisfied": True},
            ),
            "followup_rate",
            1.0,
        )
        await late(lambda: w1.ticket_action(a003, "finish", {"outcome": "supplement"}), "served", 3)
        assert (await thursday(sup, hall))["outcome_supplement"] == 1
        # a complaint about Thursday afternoon, registered on Friday: complaints are read live
        await sup.request(
            "POST",
            "/complaints",
            json={
                "channel": "phone",
                "content": "等候太久",
                "received_at": datetime(2026, 11, 26, 15, 0, tzinfo=SH).isoformat(),
            },
        )
        assert rollups.valid()
        assert (await thursday(sup, hall))["complaints"] == 1
        # Friday's own tickets mark nothing (today is always read live)
        await kiosk.issue_ticket(hall.services["A"])
        assert rollups.state(FRIDAY) is None
        friday = await sup.indicators(hall.hall_id, start=DAY, end=FRIDAY.isoformat())
        assert friday.total["issued"] == 4
    finally:
        rollups.engine.dispose()


async def test_rollup_only_for_closed_days(
    server: LiveServer, hall: Seeded, clock: ManualClock
) -> None:
    """A day is rolled up only once it is over (plus a grace period); today stays live."""
    kiosk = server.client(hall.kiosk_token)
    await kiosk.issue_ticket(hall.services["A"])
    rollups = Rollups(server, hall, clock)
    try:
        build_rollups(rollups.engine, {hall.hall_id: [THURSDAY]}, SH, clock.now())
        assert rollups.state() is None and not rollups.valid()
        clock.set(datetime(2026, 11, 27, 0, 5, tzinfo=SH).astimezone(UTC))  # within the grace
        build_rollups(rollups.engine, {hall.hall_id: [THURSDAY]}, SH, clock.now())
        assert rollups.state() is None
        clock.set(datetime(2026, 11, 27, 0, 15, tzinfo=SH).astimezone(UTC))
        rollups.build()
        sup = await server.login(hall.supervisor_no)
        assert (await thursday(sup, hall))["issued"] == 1
    finally:
        rollups.engine.dispose()


async def test_rectification_sheet_records_from_rollups_equal_the_live_listing(
    server: LiveServer, hall: Seeded, clock: ManualClock
) -> None:
    """The export's 差评整改 rows come from the day's rollup (rect_records.py): field for field
    what /rectifications lists (live SQL), before and after a late rectification marks the
    day, for a rolled-up Thursday and a live Friday, times as local Excel serials."""
    from server.exports.fast_rows import excel_serial
    from server.exports.rectification_items import rectification_items
    from server.queries.stats.indicators import Scope

    kiosk = server.client(hall.kiosk_token)
    pad = server.client(hall.window_device_tokens["1"])
    w1 = await open_window(server, hall, "1")
    sup = await server.login(hall.supervisor_no)

    async def rated(level: int, reasons: list[str], comment: str | None) -> None:
        ticket = await kiosk.issue_ticket(hall.services["A"])
        await w1.call_next(hall.windows["1"])
        await w1.ticket_action(ticket["id"], "start")
        clock.advance(200)
        await w1.ticket_action(ticket["id"], "finish", {"outcome": "done"})
        await pad.evaluate(ticket["id"], level, reasons, comment)

    await rated(1, ["态度差", "等候久"], '说"慢", 还<很>凶 & 乱')
    await rated(2, [], None)
    await rated(5, [], "很好")  # no rectification
    clock.set(datetime(2026, 11, 27, 9, 30, tzinfo=SH).astimezone(UTC))
    await rated(1, ["其他"], "周五")  # Friday: today, read live
    clock.set(datetime(2026, 11, 27, 10, 0, tzinfo=SH).astimezone(UTC))
    rollups = Rollups(server, hall, clock)

    async def compare(from_rollup: bool) -> None:
        listed = {x["id"]: x for x in (await sup.rectifications(hall_id=hall.hall_id))["items"]}
        scope = Scope((hall.hall_id,), THURSDAY, FRIDAY, clock.now(), SH)
        with Session(rollups.engine) as session:
            todo = plan(session, (hall.hall_id,), THURSDAY, FRIDAY, SH, clock.now())
            items = list(rectification_items(session, scope))
        assert ((hall.hall_id, THURSDAY.toordinal()) in todo.records) == from_rollup
        assert [i["id"] for i in items] == sorted(listed, key=lambda i: (listed[i]["opened_at"], i))
        assert len(items) == 3
        for item in items:
            expected = listed[item["id"]]
            for key in ("ticket_number", "service_name", "window_number", "staff_no"):
                assert item[key] == expected[key], key
            for key in ("staff_name", "level", "reasons", "comment", "state_text", "overdue"):
                assert item[key] == expected[key], key
            for key in ("measures", "followup_way", "followup_result", "followup_satisfied"):
                assert item[key] == expected[key], key
            assert item["business_day"] == expected["business_day"]
            for key in ("opened_at", "deadline", "rectified_at", "followup_at"):
                if expected[key] is None:
                    assert item.get(key) is None, key
                    continue
                local = datetime.fromisoformat(expected[key]).astimezone(SH).replace(tzinfo=None)
                assert abs(item[key] - excel_serial(local)) < 1e-9, key

    try:
        rollups.build()
        await compare(from_rollup=True)
        thursday_rects = [
            x
            for x in (await sup.rectifications(hall_id=hall.hall_id))["items"]
            if x["business_day"] == DAY
        ]
        first = thursday_rects[0]["id"]
        await sup.rectify(first, "培训 <整改>")
        await compare(from_rollup=False)  # the day was marked: read live
        rollups.build()
        await compare(from_rollup=True)
        await sup.request(
            "POST",
            f"/rectifications/{first}/follow-up",
            json={"way": "phone", "result": "认可", "satisfied": True},
        )
        rollups.build()
        await compare(from_rollup=True)
    finally:
        rollups.engine.dispose()
