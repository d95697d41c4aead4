"""The `govqueue` command: the server's commands (this package) and the apps' commands (kiosk,
display, window, setup-check), one program.

The server never imports an app (tests/test_layers.py): the apps' commands are entry points of
the group `govqueue.commands` (pyproject.toml, `[project.entry-points."govqueue.commands"]`),
each a `register(app)` function, found through the installed package's metadata when the command
starts. Likewise the screen `govqueue demo --display` opens is the entry point `hall-screen` of
the group `govqueue.demo`. To add a server command, add its module's `register` to
SERVER_COMMANDS; an app's, add an entry point (and run `uv sync`, which writes the metadata).
Modules that register commands import heavy things inside the command, so that
`govqueue --help` stays fast.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from importlib.metadata import entry_points
from pathlib import Path

import typer
from rich.console import Console

from server.cli import admin, backup, db, demo, export, hcp, maintenance, plan, serve
from server.cli.common import fail

APP_COMMANDS = "govqueue.commands"  # entry points: name -> a `register(app: typer.Typer)`
DEMO_SCREENS = "govqueue.demo"  # entry point `hall-screen` -> demo.ScreenFactory
HALL_SCREEN_ENTRY = "hall-screen"
NOT_INSTALLED = (
    "govqueue 的应用命令（kiosk、display、window、setup-check）没有登记在已安装的包中："
    "请运行 bash dev.sh setup（uv sync）重新安装本项目。"
)

# the server's commands, before and after the apps' (the order of `govqueue --help`)
SERVER_COMMANDS: list[Callable[[typer.Typer], None]] = [
    serve.register,
    db.register,
    admin.register,
    demo.register,
]
MORE_SERVER_COMMANDS: list[Callable[[typer.Typer], None]] = [
    export.register,
    backup.register,
    maintenance.register,
    plan.register,
    hcp.register,
]


def open_hall_screen(console: Console, log_file: Path) -> demo.HallScreen:
    """The installed hall screen for `govqueue demo --display` (display_app/demo.py)."""
    found = entry_points(group=DEMO_SCREENS, name=HALL_SCREEN_ENTRY)
    if not found:
        raise fail(NOT_INSTALLED, 2)
    factory: demo.ScreenFactory = next(iter(found)).load()
    return factory(console, log_file)


def register_app_commands(app: typer.Typer) -> list[str]:
    """Add the installed apps' commands; their names."""
    found = list(entry_points(group=APP_COMMANDS))
    for entry in found:
        entry.load()(app)
    if not found:
        print(NOT_INSTALLED, file=sys.stderr)
    return [entry.name for entry in found]


app = typer.Typer(
    help="govqueue — 政务服务中心排队叫号系统",
    no_args_is_help=True,
    add_completion=False,
    # what `govqueue demo --display` opens: the hall display, found when it is asked for
    context_settings={"obj": {demo.HALL_SCREEN: open_hall_screen}},
)

for register in SERVER_COMMANDS:
    register(app)
register_app_commands(app)
for register in MORE_SERVER_COMMANDS:
    register(app)
