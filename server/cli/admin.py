"""`govqueue admin …`: administration without a running server (or while it runs)."""

from __future__ import annotations

import getpass
import sys
from typing import Annotated

import typer

from server.cli.common import DbOption, console, settings_for
from server.cli.database import database_url, migrated_writer, opened

admin_app = typer.Typer(
    help="Administration without a running server (or while it runs).", no_args_is_help=True
)


def register(app: typer.Typer) -> None:
    app.add_typer(admin_app, name="admin")


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
    url = database_url(settings_for(db))
    with opened(url):
        engine = migrated_writer(url)
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
