"""投诉 and 差评整改 records through the real server: states, hall checks, audit events, bad input."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import create_engine, text

from client.errors import Conflict, Forbidden, InvalidRequest, NotFound
from server.domain.clock import ManualClock
from tests.helpers import LiveServer, Seeded, open_window, seed_hall


def audit(server: LiveServer, prefix: str) -> list[tuple[str, dict[str, Any]]]:
    engine = create_engine(str(server.settings.database_url))
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT type, data FROM event WHERE type LIKE :p ORDER BY seq"),
            {"p": prefix + "%"},
        ).all()
    engine.dispose()
    import json

    return [(t, d if isinstance(d, dict) else json.loads(d)) for t, d in rows]


async def test_complaint_life_and_hall_checks(
    server: LiveServer, hall: Seeded, clock: ManualClock
) -> None:
    other = await seed_hall(server, code="H2")
    sup = await server.login(hall.supervisor_no)
    sup2 = await server.login(other.supervisor_no)
    created = await sup.request(
        "POST",
        "/complaints",
        json={
            "channel": "12345",
            "content": "等候太久无人引导",
            "window_id": hall.windows["1"],
            "complainant_name": "张小三",
            "complainant_phone": "13812341234",
        },
    )
    assert created["hall_id"] == hall.hall_id and created["state"] == "accepted"
    assert created["state_text"] == "已受理" and created["channel_text"] == "12345热线"
    # Thursday 09:00 + 5 working days = the next Thursday 09:00
    assert created["deadline"].startswith("2026-12-03T01:00")
    cid = created["id"]
    # another hall's supervisor neither sees nor changes it
    with pytest.raises(Forbidden):
        await sup2.request("GET", f"/complaints/{cid}")
    with pytest.raises(Forbidden):
        await sup2.request("POST", f"/complaints/{cid}/handle", json={"result": "x"})
    with pytest.raises(Forbidden):
        await sup2.request("GET", "/complaints", params={"hall_id": hall.hall_id})
    assert (await sup2.request("GET", "/complaints"))["total"] == 0
    # a window clerk is not a supervisor
    clerk = await server.login(hall.staff["1"])
    with pytest.raises(Forbidden):
        await clerk.request("GET", "/complaints")
    # progress, then closed; closing twice is refused
    clock.advance(2 * 3600)
    progress = await sup.request(
        "POST", f"/complaints/{cid}/handle", json={"result": "已联系窗口核实", "close": False}
    )
    assert progress["state"] == "accepted" and progress["closed_at"] is None
    closed = await sup.request("POST", f"/complaints/{cid}/handle", json={"result": "已致歉并整改"})
    assert closed["state"] == "closed" and closed["overdue"] is False
    with pytest.raises(Conflict, match="已办结"):
        await sup.request("POST", f"/complaints/{cid}/handle", json={"result": "again"})
    listed = await sup.request("GET", "/complaints", params={"state": "closed"})
    assert [c["id"] for c in listed["items"]] == [cid]
    assert (await sup.request("GET", "/complaints", params={"state": "accepted"}))["total"] == 0
    with pytest.raises(NotFound):
        await sup.request("POST", "/complaints/999/handle", json={"result": "x"})
    assert [t for t, _ in audit(server, "complaint.")] == [
        "complaint.created",
        "complaint.handled",
        "complaint.handled",
    ]
    # the audit events carry no personal data (they reach the hall's screens)
    assert "张小三" not in str(audit(server, "complaint."))


async def test_complaint_bad_input(server: LiveServer, hall: Seeded) -> None:
    sup = await server.login(hall.supervisor_no)
    for body, match in [
        ({"channel": "fax", "content": "x"}, "channel"),
        ({"channel": "phone", "content": ""}, "content"),
        ({"channel": "phone", "content": "x", "received_at": "2030-01-01T00:00:00Z"}, "不能晚于"),
    ]:
        with pytest.raises(InvalidRequest, match=match):
            await sup.request("POST", "/complaints", json=body)
    other = await seed_hall(server, code="H2")
    with pytest.raises(InvalidRequest, match="不属于该大厅"):
        await sup.request(
            "POST",
            "/complaints",
            json={"channel": "onsite", "content": "x", "window_id": other.windows["1"]},
        )
    with pytest.raises(Forbidden):
        await sup.request(
            "POST",
            "/complaints",
            json={"hall_id": other.hall_id, "channel": "onsite", "content": "x"},
        )


BAD_PERIODS = [
    ({"from": "0001-01-01"}, "2000-01-01"),
    ({"from": "9999-12-31"}, "2099-12-31"),
    ({"to": "9999-12-31"}, "2099-12-31"),
    ({"from": "2026-13-01"}, "YYYY-MM-DD"),
    ({"from": "2026-11-27", "to": "2026-11-26"}, "晚于"),
]


async def test_bad_periods_are_chinese_422(server: LiveServer, hall: Seeded) -> None:
    sup = await server.login(hall.supervisor_no)
    paths = ("/stats/indicators", "/stats/tickets", "/complaints", "/rectifications")
    for params, match in BAD_PERIODS:
        for path in paths:
            with pytest.raises(InvalidRequest, match=match):
                await sup.request("GET", path, params=params)
    for path in paths[:2]:
        with pytest.raises(InvalidRequest, match="最长"):
            await sup.request("GET", path, params={"from": "2025-01-01", "to": "2026-11-26"})


async def test_staff_filter_refuses_control_characters_and_matches_the_stored_form(
    server: LiveServer, hall: Seeded
) -> None:
    """`?staff_no=` with a NUL was a 500 on PostgreSQL (text cannot hold NUL; schemathesis
    found it); a full-width number finds what was stored in its canonical form."""
    sup = await server.login(hall.supervisor_no)
    staff_no = hall.staff["1"]
    await sup.request(
        "POST", "/complaints", json={"channel": "onsite", "content": "x", "staff_no": staff_no}
    )
    for path in ("/complaints", "/rectifications"):
        with pytest.raises(InvalidRequest, match="控制字符"):
            await sup.request("GET", path, params={"staff_no": "3t\x00"})
    wide = staff_no.translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)})  # ＨＱ１…
    assert wide != staff_no
    found = await sup.request("GET", "/complaints", params={"staff_no": wide})
    items = found["items"] if isinstance(found, dict) else found
    assert len(items) == 1


async def test_rectification_rectify_and_follow_up(
    server: LiveServer, hall: Seeded, clock: ManualClock
) -> None:
    kiosk = server.client(hall.kiosk_token)
    w1 = await open_window(server, hall, "1")
    ticket = await kiosk.issue_ticket(hall.services["A"])
    await w1.call_next(hall.windows["1"])
    await w1.ticket_action(ticket["id"], "start")
    await w1.ticket_action(ticket["id"], "finish", {"outcome": "done"})
    await server.client(hall.window_device_tokens["1"]).evaluate(ticket["id"], 1, ["态度差"])
    sup = await server.login(hall.supervisor_no)
    page = await sup.request("GET", "/rectifications", params={"state": "open"})
    assert page["total"] == 1
    item = page["items"][0]
    rid = item["id"]
    assert (item["ticket_number"], item["level"], item["reasons"], item["state_text"]) == (
        "A001",
        1,
        ["态度差"],
        "待整改",
    )
    with pytest.raises(Conflict, match="尚未整改"):
        await sup.request(
            "POST",
            f"/rectifications/{rid}/follow-up",
            json={"way": "phone", "result": "x", "satisfied": True},
        )
    other = await seed_hall(server, code="H2")
    sup2 = await server.login(other.supervisor_no)
    with pytest.raises(Forbidden):
        await sup2.request("POST", f"/rectifications/{rid}/rectify", json={"measures": "x"})
    assert (await sup2.request("GET", "/rectifications"))["total"] == 0
    clock.advance(30 * 86400)  # past the 15-working-day deadline
    assert (await sup.request("GET", "/rectifications", params={"overdue": True}))["total"] == 1
    done = await sup.request(
        "POST", f"/rectifications/{rid}/rectify", json={"measures": "窗口人员培训，当面致歉"}
    )
    assert done["state"] == "rectified" and done["overdue"] is True
    with pytest.raises(Conflict, match="已整改"):
        await sup.request("POST", f"/rectifications/{rid}/rectify", json={"measures": "again"})
    with pytest.raises(InvalidRequest):
        await sup.request(
            "POST",
            f"/rectifications/{rid}/follow-up",
            json={"way": "pigeon", "result": "x", "satisfied": True},
        )
    followed = await sup.request(
        "POST",
        f"/rectifications/{rid}/follow-up",
        json={"way": "phone", "result": "群众表示认可", "satisfied": True},
    )
    assert followed["state"] == "followed_up" and followed["followup_satisfied"] is True
    with pytest.raises(Conflict, match="已回访"):
        await sup.request(
            "POST",
            f"/rectifications/{rid}/follow-up",
            json={"way": "sms", "result": "x", "satisfied": False},
        )
    by_window = await sup.request("GET", "/rectifications", params={"window_id": hall.windows["2"]})
    assert by_window["total"] == 0
    assert [t for t, _ in audit(server, "rectification.")] == [
        "rectification.rectified",
        "rectification.followed_up",
    ]
