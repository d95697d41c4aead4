"""Applying the Alembic migrations in migrations/ to a database.

Alembic (with Mako and Pygments, ~11 MB) is imported only to migrate: a server that starts
on a database already up to date never loads it, and `govqueue serve` migrates in a child
process (`upgrade_apart`). Whether a database is up to date is read without it: the
revisions are numbered 0001, 0002, … in files named after them
(tests/store/test_migration_chain.py holds them to it), so the head is the highest number.
"""

from __future__ import annotations

import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import inspect, text

from server.store.engine import make_engine

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"
VERSION_TABLE = "alembic_version"


def alembic_config(url: str) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    from alembic import command

    command.upgrade(alembic_config(url), revision)


def upgrade_apart(url: str) -> None:
    """`upgrade` in a forked child, so that the process (a server about to start) does not
    keep Alembic loaded; its errors are raised here. With other threads running (forking
    then is unsafe) it upgrades in this process."""
    if threading.active_count() > 1:
        upgrade(url)
        return
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork")) as child:
        child.submit(upgrade, url).result()


def current_revision(url: str) -> str | None:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            if not inspect(connection).has_table(VERSION_TABLE):
                return None
            versions = connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}"))
            found = versions.scalars().all()
            return found[0] if len(found) == 1 else None
    finally:
        engine.dispose()


def head_revision() -> str:
    """The newest revision: the highest number among migrations/versions/NNNN_*.py."""
    return max(path.name[:4] for path in (MIGRATIONS / "versions").glob("[0-9]" * 4 + "_*.py"))


def is_up_to_date(url: str) -> bool:
    return current_revision(url) == head_revision()


class DatabaseTooNew(Exception):
    """The database was upgraded by a newer govqueue: this program must not touch it."""

    def __init__(self, revision: str, head: str) -> None:
        super().__init__(f"database at revision {revision}, newer than this program's {head}")
        self.revision, self.head = revision, head


def refuse_newer(url: str) -> str | None:
    """The database's revision; DatabaseTooNew when it is past this program's newest
    migration (an older program would run on a schema it does not know, or try to
    "upgrade" it from an unknown revision)."""
    revision = current_revision(url)
    head = head_revision()
    if revision is not None and revision.isdigit() and int(revision) > int(head):
        raise DatabaseTooNew(revision, head)
    return revision
