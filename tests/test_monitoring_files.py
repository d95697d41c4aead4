"""docs/monitoring/: the alert rules and the Grafana dashboard work with what /metrics says.

promtool (Debian's `prometheus`, in dev.sh's APT_PACKAGES) checks the rules, runs their unit
tests (tests/monitoring/alerts_test.yml), checks every dashboard query as PromQL and lints a
real server's /metrics; every series the rules and the dashboard name is in that /metrics."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import httpx
import pytest

from client.rest import tls_context
from server.domain.clock import SystemClock
from server.queries import monitoring
from tests.helpers import open_window, seed_hall, start_server

ROOT = Path(__file__).resolve().parents[1]
ALERTS = ROOT / "docs" / "monitoring" / "alerts.yml"
DASHBOARD = ROOT / "docs" / "monitoring" / "grafana-dashboard.json"
SERIES = re.compile(r"\b((?:govqueue|process)_[a-z_]+)")


def promtool(*args: str, stdin: str | None = None) -> str:
    tool = shutil.which("promtool")
    assert tool, "promtool is missing: bash dev.sh setup installs Debian's prometheus"
    done = subprocess.run(
        [tool, *args], input=stdin, capture_output=True, text=True, check=False, cwd=ROOT
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr


def dashboard_queries() -> list[str]:
    board = json.loads(DASHBOARD.read_text())
    return [t["expr"] for panel in board["panels"] for t in panel["targets"]]


def test_alert_rules_pass_promtool_and_their_unit_tests() -> None:
    assert "7 rules found" in promtool("check", "rules", str(ALERTS))
    assert "SUCCESS" in promtool("test", "rules", "tests/monitoring/alerts_test.yml")


def test_every_dashboard_query_is_promql(tmp_path: Path) -> None:
    queries = dashboard_queries()
    assert len(queries) >= 12
    rules = {
        "groups": [
            {
                "name": "dashboard",
                "rules": [{"record": f"dashboard:q{i}", "expr": q} for i, q in enumerate(queries)],
            }
        ]
    }
    path = tmp_path / "dashboard-queries.yml"
    path.write_text(json.dumps(rules, ensure_ascii=False))  # JSON is YAML
    assert f"{len(queries)} rules found" in promtool("check", "rules", str(path))


@pytest.fixture
def an_outbox() -> object:
    monitoring.register_outbox("platform", lambda _s, _now: monitoring.OutboxState(0, 0.0))
    yield
    monitoring.OUTBOXES.pop("platform")


async def test_what_the_rules_and_dashboard_read_is_in_metrics(
    tmp_path: Path, an_outbox: object
) -> None:
    async with start_server(tmp_path, SystemClock()) as server:
        hall = await seed_hall(server)
        kiosk = server.client(hall.kiosk_token)
        await kiosk.issue_ticket(hall.services["A"])
        await kiosk.report_device_status("warning", printer="paper_low")
        clerk = await open_window(server, hall, "1")
        await clerk.call_next(hall.windows["1"])
        async with httpx.AsyncClient(verify=tls_context()) as http:
            body = (await http.get(server.base_url + "/metrics")).text
    promtool("check", "metrics", stdin=body)  # Prometheus' naming and format conventions
    exported = set(SERIES.findall(body))
    named = set(SERIES.findall(ALERTS.read_text()))
    named |= {name for q in dashboard_queries() for name in SERIES.findall(q)}
    assert named - exported == set(), "series the rules or the dashboard read but nobody writes"
