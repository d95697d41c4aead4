"""申诉: filed by the hall with a reason and evidence, decided once by an admin. An upheld
appeal takes the rating out of 满意率 (and 非常满意率, 差评率, 平均评分, the 差评 to rectify):
the indicators change exactly as recomputing them from the 明细 says, on a rolled-up day too;
the exports say so; a platform whose profile has the field is told."""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session

from client.errors import ApiError
from client.rest import ApiClient
from server.domain.calendar import hall_zone
from server.domain.clock import ManualClock
from server.queries.stats.rollup import build_rollups, plan
from server.store.engine import make_engine
from tests.helpers import LiveServer, Seeded
from tests.outbox.test_delivery import rate, settled, until, zhejiang_hall

DAY = "2026-11-26"
LEVELS = [("1", 5), ("2", 4), ("1", 3), ("2", 2), ("1", 1), ("2", 1), ("1", 2), ("2", 5)]


def recomputed(records: list[dict[str, Any]]) -> dict[str, Any]:
    """The rating indicators as an auditor recomputes them from the 明细 (docs/indicators.md):
    a rating whose 申诉 was upheld is left out of every one of them but 参评量."""
    rated = [
        r["evaluation_level"]
        for r in records
        if r["evaluation_level"] is not None and r["appeal"] != "upheld"
    ]
    n = len(rated)
    return {
        "evaluated": sum(1 for r in records if r["evaluation_level"] is not None),
        "appeal_excluded": sum(1 for r in records if r["appeal"] == "upheld"),
        "satisfaction_rate": sum(1 for v in rated if v >= 3) / n,
        "very_satisfied_rate": sum(1 for v in rated if v == 5) / n,
        "bad_rate": sum(1 for v in rated if v <= 2) / n,
        "bad_count": sum(1 for v in rated if v <= 2),
        "avg_level": round(sum(rated) / n, 2),
    }


async def figures(client: ApiClient, hall: Seeded, day: str = DAY) -> dict[str, Any]:
    answer = await client.indicators(hall.hall_id, day, day)
    return {k: answer.total[k] for k in recomputed_keys()}


def recomputed_keys() -> list[str]:
    return [
        "evaluated",
        "appeal_excluded",
        "satisfaction_rate",
        "very_satisfied_rate",
        "bad_rate",
        "bad_count",
        "avg_level",
    ]


def roll_up(server: LiveServer, hall: Seeded, clock: ManualClock) -> None:
    """Roll the closed day up (what the nightly maintenance does), and check it is used."""
    zone = hall_zone("Asia/Shanghai")
    engine = make_engine(server.settings.resolved_database_url(), writer=True)
    try:
        build_rollups(engine, {hall.hall_id: [date.fromisoformat(DAY)]}, zone, clock.now())
        with Session(engine) as session:
            todo = plan(
                session,
                (hall.hall_id,),
                date.fromisoformat(DAY),
                date.fromisoformat(DAY),
                zone,
                clock.now(),
            )
        assert todo.cached and not todo.cold, "the day is read from its rollup"
    finally:
        engine.dispose()


async def rectification_of(client: ApiClient, hall: Seeded, ticket_id: int) -> dict[str, Any]:
    page = await client.rectifications(hall_id=hall.hall_id)
    found: dict[str, Any] = next(r for r in page.items if r["ticket_id"] == ticket_id)
    return found


async def test_an_upheld_appeal_changes_manyilv_exactly_as_the_mingxi_says(
    server: LiveServer, hall: Seeded, clock: ManualClock
) -> None:
    rated = [
        await rate(server, hall, w, level, ["态度不好"] if level <= 2 else [])
        for w, level in LEVELS
    ]
    supervisor = await server.login(hall.supervisor_no)
    admin = server.admin
    before = await figures(supervisor, hall)
    records = (await supervisor.ticket_records(hall.hall_id, DAY, DAY))["items"]
    assert before == recomputed(records) and before["appeal_excluded"] == 0
    assert before["satisfaction_rate"] == 4 / 8

    malicious, mistaken = rated[4][0], rated[3][0]  # a 非常不满意 and a 不满意
    for ticket, reason in ((malicious, "恶意差评：评价人辱骂窗口人员"), (mistaken, "误评")):
        item = await rectification_of(supervisor, hall, ticket["id"])
        body = {"reason": reason, "evidence": "大厅监控 2026-11-26 09:40 3号摄像头"}
        filed = await supervisor.request("POST", f"/rectifications/{item['id']}/appeal", json=body)
        assert filed["appeal_state"] == "pending" and filed["appeal_state_text"] == "申诉中"
    assert await figures(supervisor, hall) == before, "a pending appeal changes nothing"

    item = await rectification_of(supervisor, hall, malicious["id"])
    decide = f"/rectifications/{item['id']}/appeal/decision"
    with pytest.raises(ApiError) as not_admin:
        await supervisor.request("POST", decide, json={"upheld": True, "decision": "x"})
    assert not_admin.value.status == 403
    upheld = await admin.request("POST", decide, json={"upheld": True, "decision": "监控证实"})
    assert upheld["appeal_state"] == "upheld" and upheld["appeal_decision"] == "监控证实"
    with pytest.raises(ApiError) as twice:
        await admin.request("POST", decide, json={"upheld": False, "decision": "改判"})
    assert twice.value.status == 409 and "已裁定（申诉成立）" in str(twice.value)
    other = await rectification_of(supervisor, hall, mistaken["id"])
    rejected = await admin.request(
        "POST",
        f"/rectifications/{other['id']}/appeal/decision",
        json={"upheld": False, "decision": "评价人确有办理"},
    )
    assert rejected["appeal_state_text"] == "申诉未成立"
    with pytest.raises(ApiError) as again:
        await supervisor.request(
            "POST", f"/rectifications/{other['id']}/appeal", json={"reason": "再次申诉"}
        )
    assert again.value.status == 409

    after = await figures(supervisor, hall)
    records = (await supervisor.ticket_records(hall.hall_id, DAY, DAY))["items"]
    assert after == recomputed(records)
    assert after["appeal_excluded"] == 1 and after["evaluated"] == 8
    assert after["satisfaction_rate"] == 4 / 7 and after["bad_count"] == 3
    appeals = {r["number"]: r["appeal"] for r in records if r["appeal"]}
    assert appeals == {malicious["number"]: "upheld", mistaken["number"]: "rejected"}
    by_window = await supervisor.indicators(hall.hall_id, DAY, DAY, group_by="window")
    window_1 = next(r for r in by_window.rows if r["label"].startswith("1"))
    ones = [r for r in records if r["window_number"] == "1"]
    assert window_1["values"]["satisfaction_rate"] == recomputed(ones)["satisfaction_rate"]

    csv_text = await supervisor.export(hall.hall_id, format="csv", **{"from": DAY, "to": DAY})
    rows = list(csv.reader(io.StringIO(csv_text.decode("utf-8-sig"))))
    assert rows[0][-1] == "申诉"
    by_number = {row[3]: row[-1] for row in rows[1:]}
    assert by_number[malicious["number"]] == "申诉成立（不计入满意率）"
    assert by_number[mistaken["number"]] == "申诉未成立"

    # the next day the 26th is rolled up; a decision made now still changes it
    clock.advance(24 * 3600)
    late = await rectification_of(supervisor, hall, rated[5][0]["id"])
    await supervisor.request(
        "POST", f"/rectifications/{late['id']}/appeal", json={"reason": "误评"}
    )
    roll_up(server, hall, clock)  # the 26th from its rollup from now on
    await admin.request(
        "POST",
        f"/rectifications/{late['id']}/appeal/decision",
        json={"upheld": True, "decision": "核实为误评"},
    )
    rolled = await figures(supervisor, hall)
    records = (await supervisor.ticket_records(hall.hall_id, DAY, DAY))["items"]
    assert rolled == recomputed(records) and rolled["appeal_excluded"] == 2


async def test_the_platform_is_told_where_the_profile_has_a_field(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with zhejiang_hall(tmp_path, monkeypatch) as (server, hall, fake, clock):
        fake.set_mode("500")  # the rating waits while the hall appeals
        ticket, evaluation = await rate(server, hall, "1", 1, ["态度不好"])
        key = f"H1-{evaluation['id']}-1"
        await asyncio.to_thread(fake.wait_for, lambda p: key in p.keys_received())
        await until(settled(server, clock), "the 500 recorded")
        supervisor = await server.login(hall.supervisor_no)
        item = await rectification_of(supervisor, hall, ticket["id"])
        await supervisor.request(
            "POST", f"/rectifications/{item['id']}/appeal", json={"reason": "恶意差评"}
        )
        await server.admin.request(
            "POST",
            f"/rectifications/{item['id']}/appeal/decision",
            json={"upheld": True, "decision": "监控证实"},
        )
        fake.set_mode("ok")
        clock.advance(3600)
        await asyncio.to_thread(fake.wait_for, lambda p: f"{key}-appeal" in p.acked)
    assert fake.stored[key].json()["sszt"] == "2", "申诉成立, in the rating itself"
    appeal = fake.stored[f"{key}-appeal"]
    assert appeal.path == "/hcp/pj/ss"
    assert {k: v for k, v in appeal.json().items() if k != "sssj"} == {
        "pjbh": f"H1-{evaluation['id']}",
        "pjcs": 1,
        "sszt": "2",
        "ssly": "恶意差评",
    }
    assert [k for k in fake.keys_received() if k.startswith(key)][-1] == f"{key}-appeal"


async def test_a_rectified_bad_rating_cannot_be_appealed(server: LiveServer, hall: Seeded) -> None:
    ticket, _ = await rate(server, hall, "1", 2, ["等候太久"])
    supervisor = await server.login(hall.supervisor_no)
    item = await rectification_of(supervisor, hall, ticket["id"])
    await supervisor.rectify(item["id"], "增开窗口")
    with pytest.raises(ApiError) as refused:
        await supervisor.request(
            "POST", f"/rectifications/{item['id']}/appeal", json={"reason": "误评"}
        )
    assert refused.value.status == 409 and "申诉请在整改之前提出" in str(refused.value)
