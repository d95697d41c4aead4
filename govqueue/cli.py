"""The `govqueue` command.

The server's groups of commands live in server/cli/, each app's in its own package
(`kiosk_app/cli.py`, …); each module has a `register(app)` function. To add a command, write
such a module (import heavy things inside the command, so that `govqueue --help` stays fast)
and add its `register` to COMMANDS below.
"""

from __future__ import annotations

from collections.abc import Callable

import typer

from display_app.cli import register as register_display
from display_app.demo import DemoDisplay
from govqueue import setup_check
from kiosk_app.cli import register as register_kiosk
from server.cli import admin, backup, db, demo, export, hcp, maintenance, plan, serve
from window_client.cli import register as register_window

app = typer.Typer(
    help="govqueue — 政务服务中心排队叫号系统",
    no_args_is_help=True,
    add_completion=False,
    # what `govqueue demo --display` opens: the hall display (server/cli/demo.py)
    context_settings={"obj": {demo.HALL_SCREEN: DemoDisplay}},
)

COMMANDS: list[Callable[[typer.Typer], None]] = [
    serve.register,
    db.register,
    admin.register,
    demo.register,
    setup_check.register,
    register_kiosk,
    register_display,
    register_window,
    export.register,
    backup.register,
    maintenance.register,
    plan.register,
    hcp.register,
]

for register in COMMANDS:
    register(app)
