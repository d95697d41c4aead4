"""Copying a live database out and back in: SQLite's online backup API, PostgreSQL's tools.

A SQLite database in WAL mode is never copied as a file while it serves: the file alone
lacks what is still in the WAL, and a copy taken between two writes of a checkpoint is torn.
`sqlite3.Connection.backup` copies through SQLite itself, in one step, inside one read
transaction: the copy is the database as of one commit, and the writer goes on meanwhile
(WAL readers never block it). PostgreSQL is dumped with `pg_dump --format=custom` (one
snapshot) and restored with `pg_restore`.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url


class BackupFailed(Exception):
    """A copy could not be made or put back; `message` says why, for a person."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def sqlite_copy(source: Path, target: Path) -> None:
    """The live database `source` as of one commit into the new file `target` (fsynced).

    Read-only on the source: `mode=ro` opens it without taking the serving lock's place."""
    uri = f"file:{source}?mode=ro"
    with contextlib.closing(sqlite3.connect(uri, uri=True, timeout=30)) as live:
        live.execute("PRAGMA busy_timeout=30000")
        with contextlib.closing(sqlite3.connect(target)) as copy:
            live.backup(copy, pages=-1)  # one step: one read transaction, one snapshot
            copy.execute("PRAGMA journal_mode=DELETE")  # a single self-contained file
            problems = copy.execute("PRAGMA quick_check").fetchall()
            if problems != [("ok",)]:
                raise BackupFailed(f"备份文件校验失败：{problems[0][0]}")
    _fsync(target)


def sqlite_restore(copy: Path, target: Path) -> None:
    """Put a backup copy in place as the database file `target` (which must not exist)."""
    partial = target.with_name(target.name + ".restoring")
    shutil.copyfile(copy, partial)
    _fsync(partial)
    os.replace(partial, target)
    _fsync(target.parent)


def libpq_environment(url: str) -> dict[str, str]:
    """A SQLAlchemy PostgreSQL URL as the PostgreSQL tools' environment (PGHOST, …): the
    password then never shows on a command line (`ps`)."""
    parsed = make_url(url)
    parts = {
        "PGHOST": parsed.host,
        "PGPORT": str(parsed.port) if parsed.port else None,
        "PGUSER": parsed.username,
        "PGPASSWORD": parsed.password,
        "PGDATABASE": parsed.database,
    }
    return {key: str(value) for key, value in parts.items() if value}


def postgres_dump(url: str, target: Path) -> None:
    """`pg_dump --format=custom` of the database into the new file `target`."""
    _run(["pg_dump", "--format=custom", "--no-owner", "--file", str(target)], url)
    _fsync(target)


def postgres_restore(dump: Path, url: str) -> None:
    """`pg_restore` of a dump into the (empty) database `url`, in one transaction."""
    _run(["pg_restore", "--no-owner", "--single-transaction", "--exit-on-error", str(dump)], url)


def _run(command: list[str], url: str) -> None:
    tool = command[0]
    if shutil.which(tool) is None:
        raise BackupFailed(
            f"找不到 PostgreSQL 工具 {tool}：请安装 postgresql-client（与服务器同一主版本）。"
        )
    env = {**os.environ, **libpq_environment(url)}
    if tool == "pg_restore":
        command = [*command[:-1], "--dbname", env["PGDATABASE"], command[-1]]
    done = subprocess.run(
        command,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["?"])[-1]
        raise BackupFailed(f"{tool} 失败（退出码 {done.returncode}）：{last}")


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
