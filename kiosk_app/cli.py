"""`govqueue kiosk`: the kiosk's command and options (an entry point of `govqueue.commands`,
pyproject.toml)."""

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


def kiosk(
    server: ServerOpt = None,
    token: TokenOpt = None,
    printer: Annotated[
        str | None,
        typer.Option(
            help="tcp://host:9100, usb:VID:PID, serial:/dev/ttyUSB0, file:PATH or none "
            "(GOVQUEUE_PRINTER)"
        ),
    ] = None,
    paper: Annotated[
        int | None, typer.Option(help="Paper width in mm: 58 or 80 (GOVQUEUE_PAPER)")
    ] = None,
    fullscreen: FullscreenOpt = None,
    size: SizeOpt = None,
    config: ConfigOpt = None,
    screenshot: ScreenshotOpt = None,
    log_file: LogFileOpt = None,
    pair: PairOpt = None,
    elderly: Annotated[
        bool | None,
        typer.Option(
            "--elderly",
            help="Start in 长辈版: larger type, fewer choices, plain words (GOVQUEUE_ELDERLY)",
        ),
    ] = None,
    test_print: Annotated[
        bool, typer.Option("--test-print", help="Print a sample ticket and exit (for installers)")
    ] = False,
) -> None:
    """自助取号机 — the ticket kiosk (touch screen + thermal printer)."""
    from app_shell.pairing import load_paired
    from app_shell.settings import SettingsError
    from kiosk_app.settings import KioskSettings

    try:
        settings = load_paired(
            KioskSettings,
            config,
            pair,
            printer=printer,
            paper=paper,
            elderly=elderly,
            **common_overrides(
                server=server, token=token, fullscreen=fullscreen, size=size, log_file=log_file
            ),
        )
    except SettingsError as exc:
        fail(str(exc))
    if test_print:
        from kiosk_app.sample_print import test_print as run_test_print

        code, message = run_test_print(settings)
        if code:
            fail(message, code)
        print(message)
        return
    from kiosk_app.main import main

    try:
        code = main(settings, screenshot=screenshot)
    except SettingsError as exc:
        fail(str(exc))
    raise typer.Exit(code)


def register(app: typer.Typer) -> None:
    app.command()(kiosk)
