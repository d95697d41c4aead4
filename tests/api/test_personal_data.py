"""Personal data of appointments (PIPL): the ID number is never stored in clear — not in the
database file (nor its WAL), not in the event log, not in any export or reply, not in the
server's log; names and phones only masked outside the clerk's screen."""

from __future__ import annotations

import io
import logging
import zipfile
from pathlib import Path

import pytest

from server.domain.clock import ManualClock
from server.maintenance.nightly import Nightly
from tests.appointment_helpers import appointment_hall, at, id_card, local, post_ticket
from tests.helpers import LiveServer, db_rows, open_window

ID_NO = id_card(321, birth="19811203")
NAME, PHONE = "欧阳小明", "13912345678"


def database_bytes(server: LiveServer) -> bytes:
    url = server.settings.resolved_database_url()
    path = Path(url.removeprefix("sqlite:///"))
    return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))


def workbook_text(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as book:
        return "".join(book.read(name).decode("utf-8", "replace") for name in book.namelist())


def forms_of(id_no: str) -> list[str]:
    """The number as stored text could hold it: whole, and its first 14 characters (enough to
    single a person out)."""
    return [id_no, id_no[:14], id_no.lower()]


async def test_the_id_number_is_nowhere_in_clear(
    server: LiveServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    hall, integration = await appointment_hall(server, quota=2)
    booked = await integration.book(
        hall.services["A"], local("2026-11-30", "09:00"), id_no=ID_NO, name=NAME, phone=PHONE
    )
    assert booked.status_code == 201
    body = booked.text
    assert ID_NO not in body and NAME not in body and PHONE not in body
    assert booked.json()["id_no"].endswith(ID_NO[-4:])
    if server.settings.resolved_database_url().startswith("sqlite"):
        stored = database_bytes(server)
        for form in forms_of(ID_NO):
            assert form.encode() not in stored, form
    # every export of the period and the day
    supervisor = await server.login(hall.supervisor_no)
    for day in ("2026-11-26", "2026-11-30"):
        xlsx = await supervisor.export(hall.hall_id, **{"from": day, "to": day, "format": "xlsx"})
        csv = await supervisor.export(hall.hall_id, **{"from": day, "to": day, "format": "csv"})
        records = await supervisor.ticket_page(hall.hall_id, **{"from": day, "to": day})
        for exported in (workbook_text(xlsx), csv.decode("utf-8-sig"), str(records)):
            for form in [*forms_of(ID_NO), NAME, PHONE]:
                assert form not in exported, form
    # the server's log
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert ID_NO not in logged and NAME not in logged and PHONE not in logged


async def test_a_check_in_by_id_number_leaves_it_nowhere(
    server: LiveServer, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    """The number typed (or read by a card reader) at the kiosk, the ticket it gave served,
    finished and rated: not in the database file, the kiosk's answer, the 明细 or any export
    of that day, nor the server's log; the name and phone neither (the clerk's screen apart)."""
    caplog.set_level(logging.DEBUG)
    hall, integration = await appointment_hall(server, quota=2)
    day = "2026-11-27"
    booked = await integration.book(
        hall.services["A"], local(day, "10:00"), id_no=ID_NO, name=NAME, phone=PHONE
    )
    assert booked.status_code == 201
    clock.set(at(day, "09:40"))
    checked_in = await post_ticket(server, hall.kiosk_token, {"id_no": ID_NO.lower()})
    assert checked_in.status_code == 201, checked_in.text
    ticket = checked_in.json()
    clerk = await open_window(server, hall, "1")
    called = await clerk.call_next(hall.windows["1"])
    assert called is not None and called["id"] == ticket["id"]
    await clerk.ticket_action(ticket["id"], "start")
    await clerk.ticket_action(ticket["id"], "finish", {"outcome": "done"})
    pad = server.client(hall.window_device_tokens["1"])
    await pad.evaluate(ticket["id"], 5, [])
    supervisor = await server.login(hall.supervisor_no)
    xlsx = await supervisor.export(hall.hall_id, **{"from": day, "to": day, "format": "xlsx"})
    csv = await supervisor.export(hall.hall_id, **{"from": day, "to": day, "format": "csv"})
    records = await supervisor.ticket_page(hall.hall_id, **{"from": day, "to": day})
    assert "预约" in csv.decode("utf-8-sig") and ticket["number"] in str(records)
    appointments = await supervisor.request("GET", "/appointments/day", params={"day": day})
    for seen in (
        checked_in.text,
        workbook_text(xlsx),
        csv.decode("utf-8-sig"),
        str(records),
        str(appointments),
    ):
        for form in [*forms_of(ID_NO), NAME, PHONE]:
            assert form not in seen, form
    if server.settings.resolved_database_url().startswith("sqlite"):
        stored = database_bytes(server)
        for form in forms_of(ID_NO):
            assert form.encode() not in stored, form
    logged = "\n".join(r.getMessage() for r in caplog.records)
    for form in [*forms_of(ID_NO), NAME, PHONE]:
        assert form not in logged, form


async def test_personal_data_is_deleted_after_the_retention_and_counts_stay(
    server: LiveServer, clock: ManualClock
) -> None:
    hall, integration = await appointment_hall(server, quota=2)
    await server.admin.request(
        "PUT", f"/admin/halls/{hall.hall_id}/appointments", json={"retention_days": 30}
    )
    kept = await integration.book(hall.services["A"], local("2026-11-30", "09:00"), id_no=ID_NO)
    assert kept.status_code == 201
    nightly = Nightly(
        server.settings, str(server.settings.database_url), clock, server.runtime.write
    )
    clock.set(at("2026-12-30", "03:00"))  # 30 days after: still kept
    assert await nightly.run_due() is not None
    supervisor = await server.login(hall.supervisor_no)
    day = await supervisor.request("GET", "/appointments/day", params={"day": "2026-11-30"})
    assert day["items"][0]["name"] == "张*三" and day["items"][0]["id_no"].endswith(ID_NO[-4:])
    clock.set(at("2026-12-31", "03:00"))  # the night after the 30th day
    assert await nightly.run_due() is not None
    day = await supervisor.request("GET", "/appointments/day", params={"day": "2026-11-30"})
    assert day["slots"][0]["booked"] == 1 and day["slots"][0]["missed"] == 1  # counts stay
    item = day["items"][0]
    assert (item["name"], item["phone"], item["id_no"]) == (None, None, "")
    (row,) = db_rows(server, "SELECT name, phone, id_hash, id_last4, purged_at FROM appointment")
    assert row[:4] == (None, None, None, None) and row[4] is not None
