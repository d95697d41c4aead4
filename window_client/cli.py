"""`govqueue window`: the clerk's window client, or with `--evaluator` the window's rating pad
(an entry point of `govqueue.commands`, pyproject.toml)."""

from __future__ import annotations

from typing import Annotated

import typer

from app_shell.cli import (
    ConfigOpt,
    FullscreenOpt,
    LogFileOpt,
    PairOpt,
    ScreenshotOpt,
    ServerOpt,
    SizeOpt,
    TokenOpt,
    common_overrides,
    fail,
)


def window(
    server: ServerOpt = None,
    token: TokenOpt = None,
    evaluator: Annotated[
        bool,
        typer.Option(
            "--evaluator",
            help="Run the window's rating pad (评价器) with its device token, kind `window`",
        ),
    ] = False,
    number: Annotated[
        str | None,
        typer.Option("--window", help="This PC's window number, preselected at sign-in"),
    ] = None,
    fullscreen: FullscreenOpt = None,
    size: SizeOpt = None,
    config: ConfigOpt = None,
    screenshot: ScreenshotOpt = None,
    log_file: LogFileOpt = None,
    pair: PairOpt = None,
) -> None:
    """窗口叫号终端 — the window staff's calling program; with --evaluator, the 评价器."""
    from app_shell.settings import SettingsError
    from window_client.settings import PadSettings, WindowSettings

    overrides = common_overrides(
        server=server, token=token, fullscreen=fullscreen, size=size, log_file=log_file
    )
    try:
        if evaluator:
            from app_shell.pairing import load_paired
            from window_client.main import main_pad

            code = main_pad(
                load_paired(PadSettings, config, pair, **overrides), screenshot=screenshot
            )
        else:
            from window_client.main import main

            settings = WindowSettings.load(config, window=number, **overrides)
            code = main(settings, screenshot=screenshot)
    except SettingsError as exc:
        fail(str(exc))
    raise typer.Exit(code)


def register(app: typer.Typer) -> None:
    app.command()(window)
