"""Every command that opens the database: a missing folder is created, and any failure to open
it is one Chinese line saying what to do (exit code 1, no traceback)."""

from __future__ import annotations

import os
import shutil
import socket
import sqlite3
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from server.cli.main import app
from tests.test_cli import GOVQUEUE, run

PASSWORD = "a-long-password\n"


def command(name: str, url: str, tmp: Path) -> tuple[list[str], str]:
    """The argv and stdin of one database-opening command against `url`."""
    if name == "db upgrade":
        return ["db", "upgrade", "--db", url], ""
    if name == "admin create-staff":
        return ["admin", "create-staff", "--db", url, "--staff-no", "1", "--name", "管"], PASSWORD
    if name == "serve":  # fails before it listens, so the port is never taken
        return ["serve", "--db", url, "--data-dir", str(tmp), "--port", "1"], ""
    raise AssertionError(name)


COMMANDS = ["db upgrade", "admin create-staff", "serve"]


def invoke(name: str, url: str, tmp: Path) -> subprocess.CompletedProcess[str]:
    """The real command, in this process (the matrix below would cost minutes as processes)."""
    args, stdin = command(name, url, tmp)
    result = CliRunner().invoke(app, args, input=stdin)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return subprocess.CompletedProcess(args, result.exit_code, result.stdout, result.stderr)


def assert_one_line(result: subprocess.CompletedProcess[str], *phrases: str) -> None:
    everything = result.stdout + result.stderr
    assert result.returncode == 1, everything
    assert "Traceback" not in everything and "Error" not in everything, everything
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, everything
    for phrase in phrases:
        assert phrase in lines[0], lines[0]


def test_a_fresh_clone_gets_its_data_folder(tmp_path: Path) -> None:
    # The README's command, run as a process where data/ does not exist yet.
    result = subprocess.run(
        [GOVQUEUE, "db", "upgrade", "--db", "sqlite:///data/govqueue.db"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    tables = sqlite3.connect(tmp_path / "data" / "govqueue.db").execute(
        "select count(*) from sqlite_master where name = 'ticket'"
    )
    assert tables.fetchone() == (1,)
    nested = invoke("db upgrade", f"sqlite:///{tmp_path}/a/b/c/q.db", tmp_path)
    assert nested.returncode == 0 and (tmp_path / "a/b/c/q.db").exists()


def test_a_corrupt_file_as_a_process(tmp_path: Path) -> None:
    bad = tmp_path / "bad.db"
    bad.write_bytes(os.urandom(4096))
    args, _ = command("serve", f"sqlite:///{bad}", tmp_path)
    assert_one_line(run(*args), str(bad), "不是有效的 SQLite 数据库", "备份")


@pytest.mark.parametrize("name", COMMANDS)
def test_a_corrupt_file(tmp_path: Path, name: str) -> None:
    bad = tmp_path / "bad.db"
    bad.write_bytes(os.urandom(4096))
    assert_one_line(
        invoke(name, f"sqlite:///{bad}", tmp_path), str(bad), "不是有效的 SQLite 数据库"
    )
    assert bad.stat().st_size == 4096


@pytest.mark.parametrize("name", COMMANDS)
def test_bad_paths_and_urls(tmp_path: Path, name: str) -> None:
    a_file = tmp_path / "file.txt"
    a_file.write_text("x")
    cases = [
        (f"sqlite:///{tmp_path}", ["是一个目录", "govqueue.db"]),
        (f"sqlite:///{a_file}/sub/x.db", ["无法创建数据库所在的目录", "文件而不是目录"]),
        ("nonsense", ["无法解析", "sqlite:///data/govqueue.db"]),
        ("oracle://u@h/x", ["不支持的数据库地址"]),
    ]
    for url, phrases in cases:
        assert_one_line(invoke(name, url, tmp_path), *phrases)


@pytest.fixture
def without_permission() -> Iterator[tuple[Path, Callable[..., subprocess.CompletedProcess[str]]]]:
    """A read-only folder holding a read-only database, and a runner that respects modes
    (as root, the command runs without the capability to override file permissions)."""
    folder = Path(tempfile.mkdtemp(prefix="govqueue-ro-"))
    assert invoke("db upgrade", f"sqlite:///{folder}/ro.db", folder).returncode == 0
    (folder / "ro.db").chmod(0o444)
    folder.chmod(0o555)
    prefix: list[str] = []
    if os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.skip("needs setpriv to drop root's permission override")
        prefix = ["setpriv", "--bounding-set=-dac_override,-dac_read_search"]

    def runner(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*prefix, GOVQUEUE, *args],
            input=stdin,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    try:
        yield folder, runner
    finally:
        folder.chmod(0o755)
        shutil.rmtree(folder)


def test_no_permission(
    tmp_path: Path,
    without_permission: tuple[Path, Callable[..., subprocess.CompletedProcess[str]]],
) -> None:
    folder, as_user = without_permission
    cases = [
        ("db upgrade", f"sqlite:///{folder}/sub/new.db", ["无法创建数据库所在的目录", "权限不足"]),
        ("db upgrade", f"sqlite:///{folder}/new.db", ["没有权限读写", "权限"]),
        ("admin create-staff", f"sqlite:///{folder}/ro.db", ["只读", "写"]),
    ]
    for name, url, phrases in cases:
        args, stdin = command(name, url, tmp_path)
        assert_one_line(as_user(*args, stdin=stdin), *phrases)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize("name", COMMANDS)
def test_postgresql_refused(tmp_path: Path, name: str) -> None:
    url = f"postgresql+psycopg://govqueue:secret-pw@127.0.0.1:{_free_port()}/govqueue"
    result = invoke(name, url, tmp_path)
    assert_one_line(result, "无法连接 PostgreSQL", "连接被拒绝", "已启动")
    assert "secret-pw" not in result.stderr


@pytest.mark.skipif(
    not os.environ.get("GOVQUEUE_TEST_POSTGRES"), reason="needs GOVQUEUE_TEST_POSTGRES"
)
@pytest.mark.parametrize("name", COMMANDS)
def test_postgresql_unknown_database(tmp_path: Path, name: str) -> None:
    url = make_url(os.environ["GOVQUEUE_TEST_POSTGRES"]).set(database="govqueue_no_such_db")
    assert_one_line(
        invoke(name, url.render_as_string(hide_password=False), tmp_path),
        "没有数据库 “govqueue_no_such_db”",
        "createdb govqueue_no_such_db",
    )


def test_an_unknown_schema_version(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/g.db"
    assert invoke("db upgrade", url, tmp_path).returncode == 0
    result = CliRunner().invoke(app, ["db", "upgrade", "--db", url, "--revision", "9999"])
    assert_one_line(
        subprocess.CompletedProcess([], result.exit_code, result.stdout, result.stderr),
        "结构版本 9999",
        "升级 govqueue",
    )
    # A database written by a newer govqueue (a revision this one does not know).
    con = sqlite3.connect(tmp_path / "g.db")
    con.execute("update alembic_version set version_num = 'fromthefuture'")
    con.commit()
    con.close()
    for name in COMMANDS:
        assert_one_line(invoke(name, url, tmp_path), "结构版本 fromthefuture")


def test_the_demo_explains_a_data_dir_it_cannot_use(tmp_path: Path) -> None:
    a_file = tmp_path / "file.txt"
    a_file.write_text("x")
    result = CliRunner().invoke(app, ["demo", "--data-dir", str(a_file / "demo")])
    assert_one_line(
        subprocess.CompletedProcess([], result.exit_code, result.stdout, result.stderr),
        "无法创建数据库所在的目录",
    )
