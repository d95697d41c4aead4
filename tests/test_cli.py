"""The `govqueue` command, run as a real process (its help pages in this process)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from server.cli import main as cli_main
from server.store import migrate
from tests.helpers import modules_after

GOVQUEUE = str(Path(sys.executable).with_name("govqueue"))


def run(
    *args: str, stdin: str = "", env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [GOVQUEUE, *args],
        input=stdin,
        text=True,
        capture_output=True,
        timeout=timeout,
        env={**os.environ, "GOVQUEUE_NO_GUI": "1", **(env or {})},
    )


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["serve"],
        ["demo"],
        ["setup-check"],
        ["admin", "apply"],
        ["db"],
        ["db", "upgrade"],
        ["admin"],
        ["admin", "create-staff"],
        ["kiosk"],
        ["display"],
        ["window"],
    ],
)
def test_help_everywhere(args: list[str]) -> None:
    """Each command's help, in this process (the same Typer application the program runs; a
    program started for each took ~1 s of CPU importing); the program itself answers below."""
    result = CliRunner().invoke(cli_main.app, [*args, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output


def test_the_program_answers_help() -> None:
    result = run("--help")
    assert result.returncode == 0, result.stderr
    assert "Usage" in result.stdout and "serve" in result.stdout and "kiosk" in result.stdout


def test_db_upgrade_then_create_staff_from_stdin(tmp_path: Path) -> None:
    db = tmp_path / "g.db"
    url = f"sqlite:///{db}"
    upgraded = run("db", "upgrade", "--db", url)
    assert upgraded.returncode == 0 and str(migrate.head_revision()) in upgraded.stdout
    created = run(
        "admin",
        "create-staff",
        "--db",
        url,
        "--staff-no",
        "9001",
        "--name",
        "王管理",
        "--role",
        "admin",
        stdin="a-long-password\n",
    )
    assert created.returncode == 0, created.stderr
    assert "9001" in created.stdout
    row = sqlite3.connect(db).execute("select staff_no, role, password_hash from staff").fetchone()
    assert row[0] == "9001" and row[1] == "admin" and row[2].startswith("$argon2")
    assert "a-long-password" not in row[2]
    again = run(
        "admin",
        "create-staff",
        "--db",
        url,
        "--staff-no",
        "9001",
        "--name",
        "x",
        stdin="another-password\n",
    )
    assert again.returncode == 1 and "已存在" in again.stdout
    weak = run(
        "admin", "create-staff", "--db", url, "--staff-no", "9002", "--name", "x", stdin="short\n"
    )
    assert weak.returncode == 1 and "8 位" in weak.stdout
    bad_role = run(
        "admin",
        "create-staff",
        "--db",
        url,
        "--staff-no",
        "9003",
        "--name",
        "x",
        "--role",
        "boss",
        stdin="x\n",
    )
    assert bad_role.returncode == 2 and "角色" in bad_role.stdout
    count = sqlite3.connect(db).execute("select count(*) from staff").fetchone()[0]
    assert count == 1, "a refused account must not be half-written"


def test_database_url_from_environment(tmp_path: Path) -> None:
    db = tmp_path / "env.db"
    result = run("db", "upgrade", env={"GOVQUEUE_DATABASE_URL": f"sqlite:///{db}"})
    assert result.returncode == 0 and db.exists()


def test_serve_migrates_an_empty_database_and_answers(tmp_path: Path) -> None:
    import socket
    import time

    import httpx

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    db = tmp_path / "fresh.db"
    proc = subprocess.Popen(
        [
            GOVQUEUE,
            "serve",
            "--db",
            f"sqlite:///{db}",
            "--data-dir",
            str(tmp_path),
            "--port",
            str(port),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(300):
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/api/v1/health")
                break
            except httpx.TransportError:
                time.sleep(0.05)
        assert r.status_code == 200 and r.json() == {"status": "ok"}
        tables = {
            row[0]
            for row in sqlite3.connect(db).execute(
                "select name from sqlite_master where type='table'"
            )
        }
        assert {"ticket", "event", "alembic_version"} <= tables
        version = (
            sqlite3.connect(db).execute("select version_num from alembic_version").fetchone()[0]
        )
        assert version == migrate.head_revision()
        assert (tmp_path / "secret.key").exists()
    finally:
        proc.terminate()
        proc.wait(10)


def test_the_program_starts_without_the_database_libraries() -> None:
    """`govqueue kiosk`, `display`, `window` and every --help start without SQLAlchemy and
    SQLModel (~70 % of the program's imports): a command loads them when it opens a database."""
    loaded = modules_after("import server.cli.main")
    assert not loaded & {"sqlalchemy", "sqlmodel", "fastapi"}, sorted(loaded)
