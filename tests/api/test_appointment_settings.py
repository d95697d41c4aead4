"""The appointment settings: a service's slots, quota and days ahead, a hall's rules — through
the admin API and through the hall file (`govqueue admin apply`), the same settings."""

from __future__ import annotations

from pathlib import Path

import pytest

from client.errors import ApiError
from tests.appointment_helpers import HOURS
from tests.helpers import LiveServer, Seeded
from tests.test_admin_apply import EXAMPLE, apply, invoke, rows

DEFAULTS = {
    "same_day": False,
    "book_before_minutes": 120,
    "cancel_before_minutes": 120,
    "early_minutes": 30,
    "grace_minutes": 15,
    "no_show_limit": 3,
    "no_show_days": 30,
    "ban_days": 30,
    "retention_days": 90,
    "on_time_minutes": 15,
}


async def test_the_admin_api_edits_them(server: LiveServer, hall: Seeded) -> None:
    admin, a = server.admin, hall.services["A"]
    with pytest.raises(ApiError) as refused:
        await admin.request("PATCH", f"/admin/services/{a}", json={"appointment_quota": 2})
    assert refused.value.status == 422 and "hours" in refused.value.detail
    service = await admin.request(
        "PATCH",
        f"/admin/services/{a}",
        json={"hours": HOURS, "appointment_quota": 2, "appointment_slot_minutes": 20},
    )
    assert (service["appointment_quota"], service["appointment_slot_minutes"]) == (2, 20)
    assert service["appointment_days_ahead"] == 5
    rules = await admin.request("GET", f"/admin/halls/{hall.hall_id}/appointments")
    assert rules == {"hall_id": hall.hall_id, **DEFAULTS}
    changed = await admin.request(
        "PUT",
        f"/admin/halls/{hall.hall_id}/appointments",
        json={"grace_minutes": 10, "no_show_limit": 0},
    )
    assert changed == {**rules, "grace_minutes": 10, "no_show_limit": 0}
    assert await admin.request("GET", f"/admin/halls/{hall.hall_id}/appointments") == changed
    with pytest.raises(ApiError) as bad:
        await admin.request(
            "PUT", f"/admin/halls/{hall.hall_id}/appointments", json={"early_minutes": -1}
        )
    assert bad.value.status == 422
    supervisor = await server.login(hall.supervisor_no)
    assert await supervisor.request("GET", f"/admin/halls/{hall.hall_id}/appointments") == changed
    with pytest.raises(ApiError) as forbidden:
        await supervisor.request(
            "PUT", f"/admin/halls/{hall.hall_id}/appointments", json={"same_day": True}
        )
    assert forbidden.value.status == 403


def test_the_hall_file_sets_them(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path}/hall.db"
    assert invoke("db", "upgrade", "--db", db).returncode == 0
    assert apply(EXAMPLE, db).returncode == 0
    assert rows(
        db,
        "select prefix, appointment_quota, appointment_slot_minutes, appointment_days_ahead "
        "from service where prefix in ('A', 'B', 'C') order by prefix",
    ) == [("A", 4, 30, 5), ("B", 0, 30, 5), ("C", 2, 60, 5)]
    text = EXAMPLE.read_text().replace("no_show_limit = 3 ", "no_show_limit = 5 ")
    text = text.replace("appointment_quota = 4 ", "appointment_quota = 6 ")
    changed = tmp_path / "hall.toml"
    changed.write_text(text)
    result = apply(changed, db)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "已修改预约规则 1 项：HQ：失约次数限制" in result.stdout
    assert "A 户籍办理：每时段预约名额" in result.stdout
    assert rows(db, "select no_show_limit, grace_minutes from appointment_rules") == [(5, 15)]
    assert "无变更" in apply(changed, db).stdout
    bad = tmp_path / "bad.toml"
    bad.write_text(
        text.replace("early_minutes = 30 ", "early_minutes = 999 ").replace(
            'prefix = "B"\nname = "社保医保"\nhours = ["09:00-12:00", "13:30-17:00"]',
            'prefix = "B"\nname = "社保医保"\nappointment_quota = 1',
        )
    )
    refused = apply(bad, db)
    assert refused.returncode != 0
    assert "appointments.early_minutes" in refused.stdout + refused.stderr
    assert "必须写 hours" in refused.stdout + refused.stderr
