"""`govqueue backup` and `govqueue restore`: whole-database copies with a manifest.

A backup is a folder `govqueue-YYYYMMDDTHHMMSSZ/` under the backup directory, holding the
copy (`govqueue.db` for SQLite, `govqueue.pgdump` for PostgreSQL), the data directory's
`secret.key` when there is one (staff sign-ins survive a restore), and `manifest.json`
(what, when, schema revision, checksum). It is written under a hidden `.partial` name and
renamed when complete, so a folder with the backup's name is always whole; retention then
keeps the newest `keep` of them. Restoring puts a copy into an empty data directory (or an
empty PostgreSQL database), after checking the checksum; a server started on it migrates it
if it is older than the program.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, inspect

from server.store import backup as copies
from server.store.file_lock import sqlite_file

PREFIX = "govqueue-"
STAMP = "%Y%m%dT%H%M%SZ"
MANIFEST = "manifest.json"
SECRET = "secret.key"
DEFAULT_KEEP = 14
FORMAT = 1


@dataclass(frozen=True)
class Backup:
    path: Path
    manifest: dict[str, object]

    @property
    def copy(self) -> Path:
        return self.path / str(self.manifest["file"])

    @property
    def taken_at(self) -> datetime:
        return datetime.fromisoformat(str(self.manifest["taken_at"]))


def take(url: str, data_dir: Path, to: Path, now: datetime, keep: int = DEFAULT_KEEP) -> Backup:
    """Copy the database `url` (live or not) into a new backup under `to`, then keep the
    newest `keep` backups there. Raises BackupFailed with a person's message."""
    if keep < 1:
        raise copies.BackupFailed("至少要保留 1 份备份（--keep）。")
    try:
        to.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise copies.BackupFailed(f"无法创建备份目录 {to}：{exc.strerror}") from exc
    name = PREFIX + now.astimezone(UTC).strftime(STAMP)
    final = to / name
    if final.exists():
        raise copies.BackupFailed(f"备份 {final} 已存在（同一秒内的第二次备份）：请稍后再试。")
    partial = to / f".{name}.partial"
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir()
    try:
        manifest = _copy_into(url, data_dir, partial, now)
        (partial / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2))
        os.replace(partial, final)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    prune(to, keep)
    return Backup(final, manifest)


def _copy_into(url: str, data_dir: Path, folder: Path, now: datetime) -> dict[str, object]:
    database = sqlite_file(url)
    manifest: dict[str, object] = {"format": FORMAT, "taken_at": now.astimezone(UTC).isoformat()}
    if database is not None:
        if not database.exists():
            raise copies.BackupFailed(f"数据库文件 {database} 不存在：没有可备份的数据。")
        target = folder / "govqueue.db"
        copies.sqlite_copy(database, target)
        manifest.update(kind="sqlite", file=target.name, **_sqlite_summary(target))
    else:
        target = folder / "govqueue.pgdump"
        revision = _revision(url)
        copies.postgres_dump(url, target)
        manifest.update(kind="postgresql", file=target.name, revision=revision)
    manifest["sha256"] = _sha256(target)
    secret = data_dir / SECRET
    if secret.is_file():
        shutil.copyfile(secret, folder / SECRET)
        (folder / SECRET).chmod(0o600)
        manifest["secret_key"] = True
    return manifest


def _sqlite_summary(copy: Path) -> dict[str, object]:
    """What a person checks a backup by: schema revision, tickets, each hall's last seq."""
    with contextlib.closing(sqlite3.connect(copy)) as conn:
        (revision,) = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        (tickets,) = conn.execute("SELECT count(*) FROM ticket").fetchone()
        halls = dict(conn.execute("SELECT code, last_seq FROM hall ORDER BY id").fetchall())
    return {"revision": revision, "tickets": tickets, "last_seq": halls}


def _revision(url: str) -> str | None:
    from server.store import migrate

    return migrate.current_revision(url)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def backups_in(folder: Path) -> list[Backup]:
    """The complete backups under `folder`, oldest first."""
    found = []
    if not folder.is_dir():
        return []
    for path in sorted(folder.glob(PREFIX + "*")):
        manifest_file = path / MANIFEST
        if not manifest_file.is_file():
            continue
        try:
            manifest = json.loads(manifest_file.read_text())
        except ValueError:
            continue
        found.append(Backup(path, manifest))
    return sorted(found, key=lambda b: b.taken_at)


def prune(folder: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` backups (and leftovers of interrupted ones)."""
    removed = []
    for old in backups_in(folder)[:-keep]:
        shutil.rmtree(old.path)
        removed.append(old.path)
    for leftover in folder.glob(f".{PREFIX}*.partial"):
        shutil.rmtree(leftover, ignore_errors=True)
    return removed


def chosen(source: Path) -> Backup:
    """The backup at `source`: a backup folder, or the newest one in a backup directory."""
    if (source / MANIFEST).is_file():
        return Backup(source, json.loads((source / MANIFEST).read_text()))
    found = backups_in(source)
    if not found:
        raise copies.BackupFailed(f"{source} 不是备份，其中也没有备份（govqueue-… 目录）。")
    return found[-1]


def restore(source: Path, url: str, data_dir: Path) -> Backup:
    """Put the backup at `source` into the empty database `url` (and its data directory)."""
    backup = chosen(source)
    if _sha256(backup.copy) != backup.manifest.get("sha256"):
        raise copies.BackupFailed(f"备份 {backup.path} 的校验和不符（文件已损坏或被改动）。")
    database = sqlite_file(url)
    kind = "sqlite" if database is not None else "postgresql"
    if backup.manifest.get("kind") != kind:
        raise copies.BackupFailed(
            f"备份 {backup.path} 是 {backup.manifest.get('kind')} 数据库的备份，"
            f"不能恢复到 {kind} 数据库。"
        )
    data_dir.mkdir(parents=True, exist_ok=True)
    if database is not None:
        _require_no_sqlite(database)
        database.parent.mkdir(parents=True, exist_ok=True)
        copies.sqlite_restore(backup.copy, database)
    else:
        _require_empty_postgres(url)
        copies.postgres_restore(backup.copy, url)
    secret = backup.path / SECRET
    if secret.is_file() and not (data_dir / SECRET).exists():
        shutil.copyfile(secret, data_dir / SECRET)
        (data_dir / SECRET).chmod(0o600)
    return backup


def _require_no_sqlite(database: Path) -> None:
    for path in (database, database.with_name(database.name + "-wal")):
        if path.exists() and path.stat().st_size > 0:
            raise copies.BackupFailed(
                f"{path} 已存在：只能恢复到空的数据目录。请换一个目录（--data-dir），"
                "或先停止服务并把现有数据移走。"
            )


def _require_empty_postgres(url: str) -> None:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            tables = inspect(conn).get_table_names()
    finally:
        engine.dispose()
    if tables:
        raise copies.BackupFailed(
            f"PostgreSQL 数据库 {engine.url.render_as_string(hide_password=True)} 不是空的"
            f"（有 {len(tables)} 张表）：只能恢复到新建的空数据库（createdb）。"
        )
