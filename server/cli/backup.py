"""`govqueue backup` and `govqueue restore` (server/maintenance/backups.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from server.cli.common import DbOption, console, fail, settings_for
from server.cli.database import database_url, opened, shown


def register(app: typer.Typer) -> None:
    app.command()(backup)
    app.command()(restore)


DataDirOption = Annotated[
    Path | None,
    typer.Option(help="Data directory (SQLite file, secret.key; default GOVQUEUE_DATA_DIR, data)"),
]


def backup(
    to: Annotated[Path, typer.Option("--to", help="Backup directory (one folder per backup)")],
    keep: Annotated[
        int, typer.Option(help="Backups kept in the directory; older ones are deleted", min=1)
    ] = 14,
    db: DbOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Back the database up while the server runs (SQLite: online backup API; PostgreSQL:
    pg_dump), then keep the newest KEEP backups."""
    from server.domain.clock import SystemClock
    from server.maintenance import backups
    from server.store.backup import BackupFailed

    settings = settings_for(db, data_dir)
    url = database_url(settings)
    with opened(url):
        try:
            made = backups.take(url, settings.data_dir, to, SystemClock().now(), keep)
        except BackupFailed as exc:
            raise fail(f"备份失败：{exc.message}") from None
    details = ", ".join(
        f"{key} {made.manifest[key]}" for key in ("revision", "tickets") if key in made.manifest
    )
    console.print(f"[green]已备份[/green] {shown(url)} → {made.path}（{details}）", soft_wrap=True)


def restore(
    source: Annotated[
        Path, typer.Argument(help="A backup folder, or a backup directory (its newest backup)")
    ],
    db: DbOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Restore a backup into an empty data directory (or an empty PostgreSQL database).

    Start the server on it afterwards; it migrates a backup older than the program."""
    from server.maintenance import backups
    from server.store.backup import BackupFailed

    settings = settings_for(db, data_dir)
    url = database_url(settings)
    with opened(url):
        try:
            made = backups.restore(source, url, settings.data_dir)
        except BackupFailed as exc:
            raise fail(f"恢复失败：{exc.message}") from None
    console.print(
        f"[green]已恢复[/green] {made.path}（{made.manifest.get('taken_at')}，"
        f"结构版本 {made.manifest.get('revision')}）→ {shown(url)}",
        soft_wrap=True,
    )
