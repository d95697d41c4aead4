"""Alembic environment: the URL comes from Settings (or the caller), the metadata from the tables."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import server.store.tables  # noqa: F401  (registers the tables on the metadata)
from server.settings import Settings
from server.store.engine import make_engine

config = context.config
url = config.get_main_option("sqlalchemy.url") or Settings().resolved_database_url()
target_metadata = SQLModel.metadata


def run_offline() -> None:
    context.configure(
        url=url, target_metadata=target_metadata, literal_binds=True, render_as_batch=True
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    engine = make_engine(url, writer=True)
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # A batch migration copies a table, drops it and renames the copy: with foreign
            # keys enforced, dropping a table other rows point at (hall, device, …) fails on
            # any database with data in it. Off during the migrations (outside a transaction,
            # where SQLite honours it), checked once they are done.
            # on the driver's connection: SQLAlchemy's would begin a transaction first
            driver = connection.connection.driver_connection
            assert driver is not None
            driver.execute("PRAGMA foreign_keys=OFF")
        context.configure(
            connection=connection, target_metadata=target_metadata, render_as_batch=sqlite
        )
        with context.begin_transaction():
            context.run_migrations()
        if sqlite:
            broken = driver.execute("PRAGMA foreign_key_check").fetchall()
            driver.execute("PRAGMA foreign_keys=ON")
            if broken:
                raise RuntimeError(
                    f"the migrations left rows whose foreign keys point nowhere: {broken[:5]}"
                )
    engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
