"""`govqueue demo`: a simulated business day through the real server."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from server.cli.common import console


def register(app: typer.Typer) -> None:
    app.command()(demo)


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
