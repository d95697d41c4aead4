"""`govqueue display`: the hall display's command and options (an entry point of
`govqueue.commands`, pyproject.toml)."""

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
from app_shell.exits import EXIT_FAILED


def display(
    server: ServerOpt = None,
    token: TokenOpt = None,
    mode: Annotated[
        str | None,
        typer.Option(help="hall: 综合屏, every call; window: one window's 窗口屏 (GOVQUEUE_MODE)"),
    ] = None,
    window: Annotated[
        str | None,
        typer.Option(help="Window mode: the window's number, as shown above it (GOVQUEUE_WINDOW)"),
    ] = None,
    voice: Annotated[
        str | None,
        typer.Option(help="espeak (default), pack (recorded clips) or off (GOVQUEUE_VOICE)"),
    ] = None,
    voice_pack: VoicePackOpt = None,
    volume: VolumeOpt = None,
    repeats: Annotated[
        int | None, typer.Option(help="Times each call is said, 1-3 (GOVQUEUE_REPEATS; default 2)")
    ] = None,
    fullscreen: FullscreenOpt = None,
    size: SizeOpt = None,
    config: ConfigOpt = None,
    screenshot: ScreenshotOpt = None,
    log_file: LogFileOpt = None,
    pair: PairOpt = None,
    test_voice: Annotated[
        bool,
        typer.Option("--test-voice", help="Say a sample call (or write it with --to) and exit"),
    ] = False,
    to: SampleToOpt = None,
    make_voice_pack: Annotated[
        Path | None,
        typer.Option(
            "--make-voice-pack",
            help="Write a voice pack spoken by espeak-ng into this folder and exit",
        ),
    ] = None,
) -> None:
    """大厅显示屏 — the hall screen (综合屏) or a window screen (窗口屏) that shows and says
    the calls."""
    from app_shell.pairing import load_paired
    from app_shell.settings import SettingsError
    from app_shell.voice.engines import VoiceError
    from display_app.settings import DisplaySettings

    try:
        settings = load_paired(
            DisplaySettings,
            config,
            pair,
            mode=mode,
            window=window,
            voice=voice,
            voice_pack=voice_pack,
            volume=volume,
            repeats=repeats,
            **common_overrides(
                server=server, token=token, fullscreen=fullscreen, size=size, log_file=log_file
            ),
        )
    except SettingsError as exc:
        fail(str(exc))
    try:
        if make_voice_pack is not None:
            print(_make_pack(settings, make_voice_pack))
            return
        if test_voice:
            _test_voice(settings, to)
            return
    except (SettingsError, VoiceError) as exc:
        fail(str(exc), EXIT_FAILED)
    from display_app.main import main

    try:
        code = main(settings, screenshot=screenshot)
    except SettingsError as exc:
        fail(str(exc))
    raise typer.Exit(code)


def _test_voice(settings: object, to: Path | None) -> None:
    from display_app.main import play_sample
    from display_app.settings import DisplaySettings
    from display_app.speech import write_sample

    assert isinstance(settings, DisplaySettings)
    if to is not None:
        print(write_sample(settings, to))
        return
    code, message = play_sample(settings)
    if code:
        fail(message, code)
    print(message)


def _make_pack(settings: object, folder: Path) -> str:
    from app_shell.voice.engines import EspeakEngine
    from display_app.settings import DisplaySettings
    from display_app.texts import text
    from display_app.voice.pack import make_default_pack

    assert isinstance(settings, DisplaySettings)
    made = make_default_pack(folder, EspeakEngine(settings.espeak_voice, settings.espeak_speed))
    return text("voice.pack_made", path=folder, count=len(made))


def register(app: typer.Typer) -> None:
    app.command()(display)
