"""`govqueue demo`: a simulated business day through the real server."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Protocol

import typer
from rich.console import Console

from server.cli.common import console, fail
from server.cli.database import opened

if TYPE_CHECKING:
    from server.demo.run import DemoHall

HALL_SCREEN = "hall_screen"  # the command's context object names its screen under this key


class HallScreen(Protocol):
    """What `--display` opens on the simulated day: the hall display (display_app/demo.py),
    handed in by the `govqueue` command (server/cli/main.py, from the entry point
    `hall-screen` of `govqueue.demo`) as `ctx.obj[HALL_SCREEN]`."""

    async def open(self, hall: DemoHall) -> None: ...

    def close(self) -> None: ...


ScreenFactory = Callable[[Console, Path], HallScreen]


def register(app: typer.Typer) -> None:
    app.command()(demo)


def demo(
    ctx: typer.Context,
    speed: Annotated[
        float,
        typer.Option(help="Simulated seconds per real second (0: as fast as possible)", min=0),
    ] = 600.0,
    seed: Annotated[int, typer.Option(help="Random seed of the simulated day")] = 20261127,
    day: Annotated[
        datetime | None,
        typer.Option(formats=["%Y-%m-%d"], help="Simulated date (default: today in Shanghai)"),
    ] = None,
    data_dir: Annotated[Path | None, typer.Option(help="Keep the demo database here")] = None,
    days: Annotated[
        int,
        typer.Option(
            help="Simulate this many working days ending with --day (history for govqueue plan)",
            min=1,
            max=120,
        ),
    ] = 1,
    port: Annotated[int, typer.Option(help="Port (0 = any free port)")] = 0,
    display: Annotated[
        bool, typer.Option("--display", help="Open the hall screen on the simulated day")
    ] = False,
) -> None:
    """Simulate a business day (09:00–17:00) through the real server; print the indicators.

    The same seed (and day) gives the same tables at any speed and on any machine.
    """
    import tempfile

    from server.demo.run import demo_database, prepare_demo, run_demo

    factory: ScreenFactory | None = (ctx.obj or {}).get(HALL_SCREEN) if display else None
    if display and factory is None:
        raise fail("这个命令不带大厅显示屏；请用 govqueue demo --display。", 2)
    if data_dir is None:
        data_dir = Path(tempfile.mkdtemp(prefix="govqueue-demo-"))
    elif (data_dir / "govqueue.db").exists():
        raise fail(f"{data_dir} 中已有数据库；演示需要一个空目录，请换一个目录或删除它。", 2)
    with opened(demo_database(data_dir)):
        prepare_demo(data_dir)
    wide = console if console.is_terminal else Console(width=120)
    screen = None if factory is None else factory(wide, data_dir / "display.log")
    try:
        code = run_demo(
            speed=speed,
            seed=seed,
            data_dir=data_dir,
            port=port,
            console=wide,
            day=day.date() if day else None,
            on_ready=None if screen is None else screen.open,
            days=days,
        )
    finally:
        if screen is not None:
            screen.close()
    raise typer.Exit(code)
