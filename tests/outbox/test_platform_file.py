"""The hall file's `[platform]` and a service's `item_code`, through `govqueue admin apply`:
checked with line numbers (--dry-run writes nothing), applied once, the key never in the file."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from server.commands.hall_file import HallFileError, read_hall_file
from tests.outbox.helpers import SECRET
from tests.test_admin_apply import EXAMPLE, apply

GOOD = """\
[hall]
code = "PF"
name = "报送大厅"

[platform]
profile = "gbt39046"
url = "https://hcp.example.gov.cn/api/v1/rating"
api_key_env = "GOVQUEUE_HCP_KEY"
region_code = 330106

[[services]]
prefix = "A"
name = "综合受理"
item_code = "330106-ZH-0001"
"""


@pytest.fixture
def db(tmp_path: Path) -> str:
    from tests.test_admin_apply import invoke

    url = f"sqlite:///{tmp_path}/hall.db"
    assert invoke("db", "upgrade", "--db", url).returncode == 0
    return url


def receivers(url: str) -> list[tuple[object, ...]]:
    con = sqlite3.connect(url.removeprefix("sqlite:///"))
    try:
        return con.execute(
            "select channel, profile, url, key_env, params, alert_minutes from receiver"
        ).fetchall()
    finally:
        con.close()


def test_a_bad_platform_section_gets_every_problem_with_its_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(
        GOOD.replace('profile = "gbt39046"', 'profile = "guangdong"')
        .replace("https://hcp.example.gov.cn/api/v1/rating", "hcp.example.gov.cn")
        .replace('"GOVQUEUE_HCP_KEY"', '"sk-8f2b9c0e41d7"')
        .replace("330106\n", "3301\n")
        .replace('"330106-ZH-0001"', '"综合 0001"')
        + "\n[platform.extra]\nx = 1\n"
    )
    with pytest.raises(HallFileError) as caught:
        read_hall_file(bad)
    lines = caught.value.lines()
    assert len(lines) == 6, lines
    text = "\n".join(lines)
    assert "第 6 行（platform.profile）：没有这个对接配置（可选：gbt39046、zhejiang）" in text
    assert "第 7 行（platform.url）：应是平台的接收地址" in text
    assert "第 8 行（platform.api_key_env）：应是环境变量的名字" in text
    assert "不是密钥本身" in text
    assert "第 9 行（platform.region_code）：行政区划代码应为 6 位" in text
    assert "第 14 行（services[1].item_code）：事项编码只能含字母、数字和 - _ ." in text
    assert "未知的项“extra”" in text


def test_dry_run_checks_and_warns_then_apply_sets_the_platform_once(
    db: str, tmp_path: Path
) -> None:
    file = tmp_path / "pf.toml"
    file.write_text(GOOD)
    dry = apply(file, db, "--dry-run", env={"GOVQUEUE_HCP_KEY": ""})
    assert dry.returncode == 0, dry.stdout + dry.stderr
    assert "将新建好差评平台 1 项：gbt39046 https://hcp.example.gov.cn/api/v1/rating" in dry.stdout
    assert "环境变量 GOVQUEUE_HCP_KEY（好差评平台的密钥）在本机未设置" in dry.stdout
    assert receivers(db) == []

    done = apply(file, db, env={"GOVQUEUE_HCP_KEY": SECRET})
    assert done.returncode == 0 and "未设置" not in done.stdout
    assert receivers(db) == [
        (
            "platform",
            "gbt39046",
            "https://hcp.example.gov.cn/api/v1/rating",
            "GOVQUEUE_HCP_KEY",
            '{"region_code": "330106"}',
            10,
        )
    ]
    con = sqlite3.connect(db.removeprefix("sqlite:///"))
    assert con.execute("select item_code from service").fetchall() == [("330106-ZH-0001",)]
    con.close()
    again = apply(file, db, env={"GOVQUEUE_HCP_KEY": SECRET})
    assert "无变更" in again.stdout

    file.write_text(GOOD.replace("api/v1/rating", "api/v2/rating").replace("0001", "0009"))
    changed = apply(file, db, env={"GOVQUEUE_HCP_KEY": SECRET})
    assert "已修改好差评平台 1 项：gbt39046：地址" in changed.stdout
    assert "已修改业务 1 项：A 综合受理：事项编码" in changed.stdout
    assert SECRET not in Path(db.removeprefix("sqlite:///")).read_bytes().decode("latin-1")


def test_the_examples_report_with_the_reference_profile() -> None:
    spec = read_hall_file(EXAMPLE)
    assert spec.platform is not None and spec.platform.profile == "gbt39046"
    assert spec.platform.api_key_env == "GOVQUEUE_HCP_KEY"
    assert all(s.item_code for s in spec.services)


async def test_the_admin_api_edits_a_services_item_code_and_the_next_rating_carries_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """事项编码 is hall data like any other: the admin API (and the console's 设置 → 业务, tested
    in tests/console/test_settings_browser.py) set, change and clear it, checked as the hall
    file checks it."""
    import asyncio

    from client.errors import ApiError
    from tests.outbox.test_delivery import rate, reporting_hall

    async with reporting_hall(tmp_path, monkeypatch) as (server, hall, fake, _clock):
        service = f"/admin/services/{hall.services['A']}"
        changed = await server.admin.request("PATCH", service, json={"item_code": "330106-HJ-9"})
        assert changed["item_code"] == "330106-HJ-9"
        _, evaluation = await rate(server, hall, "1", 5)
        key = f"H1-{evaluation['id']}-1"
        await asyncio.to_thread(fake.wait_for, lambda p: key in p.acked)
        assert fake.stored[key].json()["itemCode"] == "330106-HJ-9"
        with pytest.raises(ApiError) as bad:
            await server.admin.request("PATCH", service, json={"item_code": "330106 HJ"})
        assert bad.value.status == 422 and "事项编码" in str(bad.value)
        assert "只能含字母、数字和 - _ ." in str(bad.value)
        cleared = await server.admin.request("PATCH", service, json={"item_code": None})
        assert cleared["item_code"] is None
        created = await server.admin.request(
            "POST",
            "/admin/services",
            json={"hall_id": hall.hall_id, "name": "不动产", "prefix": "C", "item_code": "BDC-1"},
        )
        assert created["item_code"] == "BDC-1"
