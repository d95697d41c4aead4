"""The `govqueue` command.

Each group of commands lives in its own small module with a `register(app)` function; to add a
command, write such a module (import heavy things inside the command, so that `govqueue --help`
stays fast) and add its `register` to COMMANDS below.
"""

from __future__ import annotations

from collections.abc import Callable

import typer

from server.cli import (
    admin,
    apps,
    backup,
    db,
    demo,
    export,
    hcp,
    maintenance,
    plan,
    serve,
    setup_check,
)

app = typer.Typer(
    help="govqueue — 政务服务中心排队叫号系统", no_args_is_help=True, add_completion=False
)

COMMANDS: list[Callable[[typer.Typer], None]] = [
    serve.register,
    db.register,
    admin.register,
    demo.register,
    setup_check.register,
    apps.register_app_launchers,
    export.register,
    backup.register,
    maintenance.register,
    plan.register,
    hcp.register,
]

for register in COMMANDS:
    register(app)
