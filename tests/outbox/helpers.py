"""A hall that reports to a (fake) 好差评 platform, and ratings made through the real server."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from client.rest import ApiClient
from server.cli.main import app
from server.domain.clock import ManualClock
from tests.helpers import HALL_OPENING, LiveServer, start_server
from tests.outbox.fake_platform import FakePlatform

KEY_ENV = "GOVQUEUE_TEST_HCP_KEY"
SECRET = "hcp-secret-0123456789"
ITEM_CODES = {"A": "330106-HJ-0001", "B": "330106-SB-0002"}
FAST = {"outbox_poll_s": 0.02, "outbox_timeout_s": 0.5, "outbox_backoff_base_s": 60}


@asynccontextmanager
async def platform_server(
    folder: Path,
    monkeypatch: pytest.MonkeyPatch,
    *,
    key_env: str = KEY_ENV,
    secret: str = SECRET,
    settings: dict[str, Any] | None = None,
    **platform: Any,
) -> AsyncIterator[tuple[LiveServer, FakePlatform, str, ManualClock]]:
    """A real server whose outbox sender polls fast, and a fake platform (or SMS gateway) on
    127.0.0.1 that knows `secret` (set in `key_env` for the hall file): (server, fake, its
    url, clock). No hall yet: the test seeds one and applies its hall file when it wants.
    `settings` change the server's FAST ones (a 0.5 s answer timeout, so that a platform made
    to hang holds a test up briefly: a test whose platform always answers may want longer)."""
    monkeypatch.setenv(key_env, secret)
    fake = FakePlatform(secret, **platform)
    url = fake.start()
    clock = ManualClock(HALL_OPENING)
    try:
        async with start_server(folder, clock, **{**FAST, **(settings or {})}) as server:
            yield server, fake, url, clock
    finally:
        fake.stop()


def hall_file(
    folder: Path, platform_url: str, *, code: str = "H1", profile: str = "gbt39046"
) -> Path:
    """The hall of tests.helpers.seed_hall, as a hall file, with a [platform] and 事项编码."""
    path = folder / f"{code}-platform.toml"
    path.write_text(
        f"""
[hall]
code = "{code}"
name = "{code} 政务服务中心"

[platform]
profile = "{profile}"
url = "{platform_url}"
api_key_env = "{KEY_ENV}"
region_code = "330106"

[[services]]
prefix = "A"
name = "户籍办理"
target_wait_minutes = 20
target_handle_minutes = 10
item_code = "{ITEM_CODES["A"]}"

[[services]]
prefix = "B"
name = "社保医保"
target_wait_minutes = 15
target_handle_minutes = 8
item_code = "{ITEM_CODES["B"]}"
""",
        encoding="utf-8",
    )
    return path


def admin_apply(file: Path, db_url: str, *extra: str) -> str:
    """`govqueue admin apply FILE --db URL` through the real command; its output."""
    result = CliRunner().invoke(app, ["admin", "apply", str(file), "--db", db_url, *extra])
    assert result.exit_code == 0, result.stdout + (result.stderr or "")
    return result.stdout


async def served(
    kiosk: ApiClient, clerk: ApiClient, window_id: int, service_id: int
) -> dict[str, Any]:
    """A ticket issued, called to the window, served and finished (办结)."""
    ticket = await kiosk.issue_ticket(service_id)
    called = await clerk.call_next(window_id)
    assert called is not None and called["id"] == ticket["id"]
    await clerk.ticket_action(ticket["id"], "start")
    await clerk.ticket_action(ticket["id"], "finish", {"outcome": "done"})
    return ticket


def outbox_rows(db_url: str) -> list[dict[str, Any]]:
    con = sqlite3.connect(db_url.removeprefix("sqlite:///"))
    con.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in con.execute("select * from outbox order by id")]
    finally:
        con.close()
