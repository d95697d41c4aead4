"""What the commands share: the --db option, settings from options, the console."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from server.settings import Settings

console = Console()

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db", help="Database URL (default: GOVQUEUE_DATABASE_URL, else data/govqueue.db)"
    ),
]


def settings_for(db: str | None, data_dir: Path | None = None) -> Settings:
    overrides: dict[str, object] = {}
    if db:
        overrides["database_url"] = db
    if data_dir:
        overrides["data_dir"] = data_dir
    return Settings(**overrides)  # type: ignore[arg-type]


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print one line on stderr; `raise fail(...)` ends the command with `code`."""
    typer.echo(message, err=True)
    return typer.Exit(code)
