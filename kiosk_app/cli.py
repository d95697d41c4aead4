"""`govqueue kiosk`: the kiosk's command and options (an entry point of `govqueue.commands`,
pyproject.toml)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from app_shell.cli import (
    ConfigOpt,
    FullscreenOpt,
    LogFileOpt,
    PairOpt,
    SampleToOpt,
    ScreenshotOpt,
    ServerOpt,
    SizeOpt,
    TokenOpt,
    VoicePackOpt,
    VolumeOpt,
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
    voice: Annotated[
        str | None,
        typer.Option(
            help="Voice guidance: espeak, pack (recorded clips) or off (default; GOVQUEUE_VOICE)"
        ),
    ] = None,
    voice_pack: VoicePackOpt = None,
    volume: VolumeOpt = None,
    test_voice: Annotated[
        bool,
        typer.Option(
            "--test-voice", help="Say a sample of the voice guidance (or write it with --to)"
        ),
    ] = False,
    to: SampleToOpt = None,
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
            voice=voice,
            voice_pack=voice_pack,
            volume=volume,
            **common_overrides(
                server=server, token=token, fullscreen=fullscreen, size=size, log_file=log_file
            ),
        )
    except SettingsError as exc:
        fail(str(exc))
    if test_voice:
        _test_voice(settings, to)
        return
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


def _test_voice(settings: object, to: Path | None) -> None:
    from app_shell.exits import EXIT_FAILED
    from app_shell.settings import SettingsError
    from app_shell.voice.engines import VoiceError
    from kiosk_app.settings import KioskSettings
    from kiosk_app.speech import play_sample, write_sample

    assert isinstance(settings, KioskSettings)
    try:
        if to is not None:
            print(write_sample(settings, to))
            return
        code, message = play_sample(settings)
    except (SettingsError, VoiceError) as exc:
        fail(str(exc), EXIT_FAILED)
    if code:
        fail(message, code)
    print(message)


def register(app: typer.Typer) -> None:
    app.command()(kiosk)
