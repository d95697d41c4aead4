"""The `govqueue` command."""

from __future__ import annotations

import getpass
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from server.cli.apps import register_app_launchers
from server.settings import Settings

app = typer.Typer(
    help="govqueue — 政务服务中心排队叫号系统", no_args_is_help=True, add_completion=False
)
db_app = typer.Typer(help="Database schema (Alembic migrations).", no_args_is_help=True)
admin_app = typer.Typer(help="Administration without a running server.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(admin_app, name="admin")
console = Console()

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db", help="Database URL (default: GOVQUEUE_DATABASE_URL, else data/govqueue.db)"
    ),
]


def _settings(db: str | None, data_dir: Path | None = None) -> Settings:
    overrides: dict[str, object] = {}
    if db:
        overrides["database_url"] = db
    if data_dir:
        overrides["data_dir"] = data_dir
    return Settings(**overrides)  # type: ignore[arg-type]


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port")] = 8000,
    db: DbOption = None,
    data_dir: Annotated[
        Path | None, typer.Option(help="Data directory (SQLite file, keys)")
    ] = None,
    workers: Annotated[
        int, typer.Option(help="Server processes (more than 1 needs PostgreSQL)", min=1)
    ] = 1,
    log_level: Annotated[str, typer.Option(help="uvicorn log level")] = "info",
) -> None:
    """Run the server (REST /api/v1, live feed /ws, ticket pages /t/…).

    Applies the migrations first when the database is empty or behind.
    """
    import os

    import uvicorn

    from server.app import create_app
    from server.store import migrate

    settings = _settings(db, data_dir)
    url = settings.resolved_database_url()
    options: dict[str, object] = {
        "host": host,
        "port": port,
        "log_level": log_level,
        "ws": "websockets-sansio",
        # Compression costs a zlib pass per subscriber per event (and memory per connection);
        # feed messages are small, so fan-out is faster and leaner without it.
        "ws_per_message_deflate": False,
    }
    if workers == 1:
        uvicorn.run(create_app(settings), **options)  # type: ignore[arg-type]
        return
    if not url.startswith("postgresql"):
        console.print(
            "[red]多个服务进程需要 PostgreSQL（进程间通过 LISTEN/NOTIFY 共享叫号推送）；"
            "内置 SQLite 请使用 --workers 1。[/red]"
        )
        raise typer.Exit(2)
    migrate.upgrade(url)  # once, before the workers start
    os.environ["GOVQUEUE_DATABASE_URL"] = url
    os.environ["GOVQUEUE_SECRET_KEY"] = settings.resolved_secret_key()  # one key for all
    if data_dir:
        os.environ["GOVQUEUE_DATA_DIR"] = str(data_dir)
    uvicorn.run("server.app:create_app", factory=True, workers=workers, **options)  # type: ignore[arg-type]


@db_app.command("upgrade")
def db_upgrade(db: DbOption = None, revision: str = "head") -> None:
    """Apply the migrations up to REVISION (default: the newest)."""
    from server.store import migrate

    url = _settings(db).resolved_database_url()
    migrate.upgrade(url, revision)
    console.print(f"[green]数据库已升级到 {migrate.current_revision(url)}[/green] ({url})")


@admin_app.command("create-staff")
def create_staff(
    staff_no: Annotated[str, typer.Option("--staff-no", help="工号")],
    name: Annotated[str, typer.Option(help="Name shown to colleagues")],
    role: Annotated[str, typer.Option(help="admin | supervisor | window")] = "admin",
    hall_id: Annotated[
        int | None, typer.Option("--hall-id", help="Hall (required unless admin)")
    ] = None,
    db: DbOption = None,
) -> None:
    """Create a staff account. The password is read from stdin or a prompt, never argv."""
    from server.commands.admin import create_staff as create
    from server.domain.clock import SystemClock
    from server.domain.enums import Role
    from server.domain.errors import DomainError
    from server.store import migrate
    from server.store.engine import make_engine
    from server.store.transaction import transaction

    try:
        role_value = Role(role)
    except ValueError:
        console.print(f"[red]角色“{role}”无效，应为 admin、supervisor 或 window。[/red]")
        raise typer.Exit(2) from None
    if sys.stdin.isatty():
        password = getpass.getpass("密码: ")
        if getpass.getpass("再次输入密码: ") != password:
            console.print("[red]两次输入的密码不一致。[/red]")
            raise typer.Exit(2)
    else:
        password = sys.stdin.readline().rstrip("\n")
    url = _settings(db).resolved_database_url()
    if not migrate.is_up_to_date(url):
        migrate.upgrade(url)
    engine = make_engine(url, writer=True)
    try:
        with transaction(engine, SystemClock()) as tx:
            staff = create(tx, staff_no, name, role_value, password, hall_id)
    except DomainError as exc:
        console.print(f"[red]{exc.message}[/red]")
        raise typer.Exit(1) from None
    finally:
        engine.dispose()
    console.print(
        f"[green]已创建工作人员 {staff.staff_no}（{staff.name}，{staff.role}），编号 {staff.id}[/green]"
    )


@app.command()
def demo(
    speed: Annotated[float, typer.Option(help="Simulated seconds per real second")] = 480.0,
    seed: Annotated[int, typer.Option(help="Random seed of the simulated day")] = 20261127,
    data_dir: Annotated[Path | None, typer.Option(help="Keep the demo database here")] = None,
    port: Annotated[int, typer.Option(help="Port (0 = any free port)")] = 0,
) -> None:
    """Replay a simulated business day (09:00–17:00) through the real server; print the indicators."""
    from server.demo.run import run_demo

    wide = console if console.is_terminal else Console(width=120)
    raise typer.Exit(run_demo(speed=speed, seed=seed, data_dir=data_dir, port=port, console=wide))


@app.command("setup-check")
def setup_check() -> None:
    """Check that Qt, the CJK font, speech (espeak-ng) and printing work here; name what is missing."""
    from server.cli.setup_check import main

    raise typer.Exit(main())


register_app_launchers(app)
