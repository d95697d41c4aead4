"""`govqueue db …`: the database schema."""

from __future__ import annotations

import typer

from server.cli.common import DbOption, console, fail, settings_for
from server.cli.database import database_url, opened, shown, too_new

db_app = typer.Typer(help="Database schema (Alembic migrations).", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(db_app, name="db")


@db_app.command("upgrade")
def db_upgrade(db: DbOption = None, revision: str = "head") -> None:
    """Apply the migrations up to REVISION (default: the newest)."""
    from server.store import migrate

    url = database_url(settings_for(db))
    with opened(url):
        try:
            migrate.refuse_newer(url)
        except migrate.DatabaseTooNew as exc:
            raise fail(too_new(url, exc), 2) from None
        migrate.upgrade(url, revision)
        current = migrate.current_revision(url)
    console.print(f"[green]数据库已升级到 {current}[/green] ({shown(url)})", soft_wrap=True)
