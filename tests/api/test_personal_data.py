"""Personal data of appointments (PIPL): the ID number is never stored in clear — not in the
database file (nor its WAL), not in the event log, not in any export or reply, not in the
server's log; names and phones only masked outside the clerk's screen."""

from __future__ import annotations

import io
import logging
import zipfile
from pathlib import Path

import pytest

from tests.appointment_helpers import appointment_hall, id_card, local
from tests.helpers import LiveServer

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
        for text in (workbook_text(xlsx), csv.decode("utf-8-sig"), str(records)):
            for form in [*forms_of(ID_NO), NAME, PHONE]:
                assert form not in text, form
    # the server's log
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert ID_NO not in logged and NAME not in logged and PHONE not in logged
