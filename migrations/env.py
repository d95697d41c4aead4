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
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
