"""`govqueue admin …`: administration without a running server (or while it runs)."""

from __future__ import annotations

import getpass
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from server.cli.common import DbOption, console, fail, settings_for
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
    from server.commands.admin import new_password_hash, new_staff_row
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
    try:
        hashed = new_password_hash(password)  # before the transaction: it takes ~0.15 s
    except DomainError as exc:
        console.print(f"[red]{exc.message}[/red]")
        raise typer.Exit(1) from None
    url = database_url(settings_for(db))
    with opened(url):
        engine = migrated_writer(url)
        try:
            with transaction(engine, SystemClock()) as tx:
                # a first password (typed by an installer, or piped in): changed at sign-in
                row = new_staff_row(
                    staff_no, name, role_value, hashed, hall_id, must_change_password=True
                )
                staff = create(tx, row)
        except DomainError as exc:
            console.print(f"[red]{exc.message}[/red]")
            raise typer.Exit(1) from None
        finally:
            engine.dispose()
    console.print(
        f"[green]已创建工作人员 {staff.staff_no}（{staff.name}，{staff.role}），编号 {staff.id}[/green]"
    )
    console.print("首次登录（窗口客户端或管理控制台）时需修改此密码。")


@admin_app.command("apply")
def apply(
    file: Annotated[Path, typer.Argument(help="Hall file (.toml, .yaml or .yml), see docs/")],
    db: DbOption = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check the file and show the changes; write nothing")
    ] = False,
    password_env: Annotated[
        str | None,
        typer.Option(
            "--password-env",
            help="Environment variable holding the first password of NEW accounts "
            "(default: a random one per account, printed once)",
        ),
    ] = None,
) -> None:
    """Create or update a hall from a file: services, windows, staff, devices.

    Idempotent: a second run changes nothing and says so. New device tokens and new
    accounts' passwords are printed once, never again. A bad file changes nothing.
    """
    import os

    from sqlmodel import Session

    from server.cli.hall_report import print_result
    from server.commands.admin import MIN_PASSWORD_LENGTH
    from server.commands.hall_file import read_hall_file
    from server.commands.hall_file_source import HallFileError
    from server.commands.hall_setup import (
        FirstPassword,
        PasswordsNeeded,
        apply_hall,
        first_passwords,
        new_accounts,
        new_password,
    )
    from server.domain.clock import SystemClock
    from server.domain.errors import DomainError
    from server.security import HashedPassword, hash_many
    from server.store.engine import make_engine
    from server.store.transaction import transaction

    try:
        spec = read_hall_file(file)
    except HallFileError as exc:
        for line in exc.lines():
            typer.echo(line, err=True)
        typer.echo(f"{file} 有 {len(exc.problems)} 处错误，未做任何修改。", err=True)
        raise typer.Exit(1) from None
    make_password: Callable[[], str] = new_password
    if password_env is not None:
        shared = os.environ.get(password_env, "")
        if len(shared) < MIN_PASSWORD_LENGTH:
            raise fail(
                f"环境变量 {password_env} 应是新账号的初始密码（至少 {MIN_PASSWORD_LENGTH} 位），"
                "现在为空或太短；未做任何修改。"
            )
        make_password = lambda: shared  # noqa: E731 - every new account, from the variable

    def hash_all(passwords: list[str]) -> list[HashedPassword]:
        if dry_run:  # nothing is stored: no need to spend ~0.15 s an account
            return [HashedPassword("") for _ in passwords]
        if len(passwords) >= HASHING_NOTICE_AT:
            typer.echo(f"正在为 {len(passwords)} 个新账号生成密码摘要……", err=True)
        return hash_many(passwords)

    url = database_url(settings_for(db))
    with opened(url):
        engine = migrated_writer(url)
        reader = make_engine(url)  # reads without the write lock (a server may be running)
        try:
            # Which accounts are new, read outside the transaction; their passwords are hashed
            # before it (~0.15 s each): the transaction holds every write of a running server.
            with Session(reader) as session:
                entries = new_accounts(session, spec)
            passwords: dict[str, FirstPassword] = {}
            for _ in range(APPLY_ATTEMPTS):
                passwords |= first_passwords(entries, make_password, hash_all)
                try:
                    with transaction(engine, SystemClock()) as tx:
                        result = apply_hall(tx, spec, passwords)
                        if dry_run:
                            raise _DryRun  # leaves without committing
                    break
                except PasswordsNeeded as exc:  # someone changed the staff meanwhile
                    entries = [e for e in spec.staff if e.staff_no in exc.staff_nos]
            else:
                raise fail(f"{file}：工作人员在设置期间一再被修改，请稍后重试；未做任何修改。")
        except _DryRun:
            pass
        except DomainError as exc:
            raise fail(f"{file}：{exc.message}；未做任何修改。") from None
        finally:
            reader.dispose()
            engine.dispose()
    if spec.platform is not None and not os.environ.get(spec.platform.api_key_env):
        result.warnings.append(
            f"环境变量 {spec.platform.api_key_env}（好差评平台的密钥）在本机未设置："
            "运行 govqueue serve 的环境中需要设置它，否则记录发不出去"
        )
    print_result(console, file, result, dry_run=dry_run, shared_password=password_env)
    warning = public_address_warning(settings_for(db).public_base_url)
    if warning:
        typer.echo(f"注意：{warning}", err=True)


def public_address_warning(public_base_url: str | None) -> str | None:
    """A sentence when the address printed in ticket QR codes is this machine's own."""
    from client.addresses import is_loopback_url

    if public_base_url and is_loopback_url(public_base_url):
        return (
            f"GOVQUEUE_PUBLIC_BASE_URL={public_base_url} 是本机地址：号票二维码指向它，"
            "办事群众的手机扫码打不开。请改为大厅网络中手机能访问的地址（如 http://192.168.1.10:8000）。"
        )
    return None


APPLY_ATTEMPTS = 3
HASHING_NOTICE_AT = 20  # new accounts: from this many on, say why it takes a while


class _DryRun(Exception):
    pass
