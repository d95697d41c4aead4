"""What a serving process does not load: Alembic (with Mako and Pygments) once the database is
up to date, PostgreSQL's driver on SQLite, XlsxWriter until an export runs, the staffing plan's
simulation (it runs in the warm statistics process) (docs/benchmarks.md,
"Memory"). Each runs in a fresh interpreter, so that what this test process imported does
not count."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError

from server.store import migrate

LEFT_OUT = ("alembic", "mako", "pygments", "psycopg", "xlsxwriter", "server.domain.planning")


def _python(code: str, cwd: Path) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_a_server_on_an_up_to_date_sqlite_database_loads_none_of_them(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'govqueue.db'}"
    migrate.upgrade(url)
    loaded = _python(
        "import sys\n"
        "import server.app, server.cli.main\n"
        "from server.store import migrate\n"
        f"assert migrate.is_up_to_date({url!r})\n"
        "server.app.create_app()\n"
        f"print(','.join(m for m in {LEFT_OUT!r} if m in sys.modules))\n",
        Path(__file__).resolve().parents[2],
    )
    assert loaded == ""


def test_upgrade_apart_migrates_in_a_child_and_leaves_alembic_there(tmp_path: Path) -> None:
    db = tmp_path / "govqueue.db"
    url = f"sqlite:///{db}"
    assert not migrate.is_up_to_date(url) and migrate.current_revision(url) is None
    loaded = _python(
        "import sys\n"
        "from server.store import migrate\n"
        f"migrate.upgrade_apart({url!r})\n"
        "print('alembic' in sys.modules)\n",
        Path(__file__).resolve().parents[2],
    )
    assert loaded == "False"
    assert migrate.current_revision(url) == migrate.head_revision()
    tables = {row[0] for row in sqlite3.connect(db).execute("select name from sqlite_master")}
    assert {"ticket", "event", "hall"} <= tables


def test_upgrade_apart_raises_the_childs_error_here(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-folder" / "govqueue.db"
    with pytest.raises(OperationalError, match="unable to open database file"):
        migrate.upgrade_apart(f"sqlite:///{missing}")
    assert not missing.exists()
