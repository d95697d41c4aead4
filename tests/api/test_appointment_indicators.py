"""预约量, 预约到场率, 预约准时率 and the average wait from the slot's start, on a small day
through the real server, checked against a hand computation; and in the exports (the XLSX
workbook's summary and grouping sheets, the 明细's 预约时段开始 in the CSV).

Friday 2026-11-27, service A, the hall's grace 15 min and on-time mark 15 min; read at 10:30.

  p1  09:00 slot, checked in 08:50, called 09:05  → wait 5 min from the slot: on time
  p2  09:00 slot, checked in 09:10 (after the start), called 09:40 → 30 min from the check-in:
      late
  p3  09:30 slot, never came: 失约 once check-in closed (10:15)
  p4  10:00 slot, cancelled
  p5  14:00 slot, still to come: neither shown nor missed
"""

from __future__ import annotations

import csv
import io
import zipfile

import openpyxl

from server.domain.clock import ManualClock
from server.exports.layout import INDICATOR_BY_KEY
from tests.api.statistics_audit.expected import cell_value
from tests.appointment_helpers import appointment_hall, at, local, post_ticket
from tests.helpers import LiveServer, open_window

DAY = "2026-11-27"


def same(got: object, want: object) -> bool:
    if isinstance(want, float) and isinstance(got, int | float):
        return abs(got - want) < 1e-3
    return got == want


async def test_the_appointment_indicators(server: LiveServer, clock: ManualClock) -> None:
    hall, portal = await appointment_hall(server, quota=3)
    a = hall.services["A"]
    booked = [
        (await portal.book(a, local(DAY, hhmm))).json()
        for hhmm in ("09:00", "09:00", "09:30", "10:00", "14:00")
    ]
    await portal.cancel(booked[3]["id"])
    clock.set(at(DAY, "08:50"))
    p1 = (
        await post_ticket(server, hall.kiosk_token, {"appointment_code": booked[0]["code"]})
    ).json()
    clock.set(at(DAY, "09:05"))
    clerk = await open_window(server, hall, "1")
    first = await clerk.call_next(hall.windows["1"])
    assert first is not None and first["id"] == p1["id"]
    await clerk.ticket_action(first["id"], "start")
    clock.set(at(DAY, "09:10"))
    await post_ticket(server, hall.kiosk_token, {"appointment_code": booked[1]["code"]})
    await clerk.ticket_action(first["id"], "finish", {"outcome": "done"})
    clock.set(at(DAY, "09:40"))
    second = await clerk.call_next(hall.windows["1"])
    assert second is not None and second["appointment"]["id"] == booked[1]["id"]
    clock.set(at(DAY, "10:30"))
    supervisor = await server.login(hall.supervisor_no)
    figures = await supervisor.indicators(hall.hall_id, DAY, DAY, group_by="service")
    expected = {
        "appointments": 4,
        "appointments_cancelled": 1,
        "appointments_checked_in": 2,
        "appointments_missed": 1,
        "appointment_show_rate": round(2 / 3, 4),
        "appointment_on_time_rate": 0.5,
        "appointment_wait_avg_s": (5 * 60 + 30 * 60) / 2,
    }
    assert {k: figures.total[k] for k in expected} == expected
    (row,) = [r for r in figures.rows if r["key"] == str(a)]
    assert {k: row["values"][k] for k in expected} == expected
    for grouping, key in (("day", DAY), ("hall", str(hall.hall_id))):
        grouped = await supervisor.indicators(hall.hall_id, DAY, DAY, group_by=grouping)
        (row,) = [r for r in grouped.rows if r["key"] == key]
        assert {k: row["values"][k] for k in expected} == expected, grouping
    by_hour = await supervisor.indicators(hall.hall_id, DAY, DAY, group_by="hour")
    hours = {r["key"]: r["values"]["appointments"] for r in by_hour.rows}
    assert (hours["09"], hours["14"]) == (3, 1)

    workbook = await supervisor.export(hall.hall_id, **{"from": DAY, "to": DAY, "format": "xlsx"})
    with zipfile.ZipFile(io.BytesIO(workbook)) as book:
        strings = "".join(book.read(name).decode("utf-8", "replace") for name in book.namelist())
    for heading in ("预约量", "预约到场率", "预约准时率", "平均预约等候", "预约时段开始"):
        assert heading in strings, heading
    # the figures themselves, in the 汇总 and 按事项 sheets
    book = openpyxl.load_workbook(io.BytesIO(workbook))
    summary = book["汇总"]
    labels = {summary.cell(r, 1).value: summary.cell(r, 2).value for r in range(1, 80)}
    by_service = book["按事项"]
    headings = [c.value for c in by_service[1]]
    for heading, key in (
        ("预约量", "appointments"),
        ("预约签到量", "appointments_checked_in"),
        ("失约量", "appointments_missed"),
        ("预约到场率", "appointment_show_rate"),
        ("预约准时率", "appointment_on_time_rate"),
        ("平均预约等候", "appointment_wait_avg_s"),
    ):
        kind = INDICATOR_BY_KEY[key].kind
        assert same(cell_value(labels[heading], kind), expected[key]), heading
        cell = by_service.cell(2, headings.index(heading) + 1).value
        assert same(cell_value(cell, kind), expected[key]), heading
    rows = list(
        csv.reader(
            io.StringIO(
                (
                    await supervisor.export(
                        hall.hall_id, **{"from": DAY, "to": DAY, "format": "csv"}
                    )
                ).decode("utf-8-sig")
            )
        )
    )
    heading, records = rows[0], {r[3]: r for r in rows[1:]}
    slot = heading.index("预约时段开始")
    assert records[p1["number"]][slot] == "2026-11-27 09:00:00"
    assert records[p1["number"]][heading.index("取号方式")] == "预约"
