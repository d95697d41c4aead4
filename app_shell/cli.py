"""The command-line options every app takes (typer), and turning them into settings.

No Qt here: `govqueue --help` must stay fast. An app's own `cli.py` declares its command
with these options plus its own, and names its `register` as an entry point of
`govqueue.commands` in pyproject.toml (server/cli/main.py finds it there).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from app_shell.exits import EXIT_USAGE

ServerOpt = Annotated[
    str | None,
    typer.Option(
        "--server", help="Server base URL (GOVQUEUE_SERVER; default http://127.0.0.1:8000)"
    ),
]
TokenOpt = Annotated[
    str | None, typer.Option("--token", help="Device token gqd_… (GOVQUEUE_DEVICE_TOKEN)")
]
ConfigOpt = Annotated[
    Path | None,
    typer.Option(
        "--config",
        help="Settings file (TOML; GOVQUEUE_CONFIG; default ~/.config/govqueue/apps.toml)",
    ),
]
FullscreenOpt = Annotated[
    bool | None,
    typer.Option("--fullscreen/--windowed", help="Fill the screen (GOVQUEUE_FULLSCREEN)"),
]
SizeOpt = Annotated[
    str | None,
    typer.Option("--size", help="Window size WIDTHxHEIGHT, e.g. 1080x1920 (portrait)"),
]
LogFileOpt = Annotated[
    Path | None,
    typer.Option(
        "--log-file",
        help="Write the log here (GOVQUEUE_LOG_FILE; default ~/.local/state/govqueue/APP.log, "
        "rotated at 5 MB, 5 old files kept)",
    ),
]
PairOpt = Annotated[
    str | None,
    typer.Option(
        "--pair",
        help="First start: exchange the console's pairing code (ABCD-EFGH) for this device's "
        "token and save it in the settings file",
    ),
]
ScreenshotOpt = Annotated[
    Path | None,
    typer.Option(
        "--screenshot",
        help="Start offscreen, wait for the data, save the screen to this PNG and exit",
    ),
]

# the voice: the hall display's calls, the kiosk's guidance
VoicePackOpt = Annotated[
    Path | None, typer.Option(help="Folder of the voice pack (GOVQUEUE_VOICE_PACK)")
]
VolumeOpt = Annotated[
    int | None, typer.Option(help="Voice volume 0-100 (GOVQUEUE_VOLUME; default 80)")
]
SampleToOpt = Annotated[
    Path | None, typer.Option("--to", help="With --test-voice: write the sample to this WAV")
]


def fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    """Print a (Chinese) message on stderr and end the command with `code`."""
    print(message, file=sys.stderr)
    raise typer.Exit(code)


def parse_size(value: str | None) -> dict[str, int]:
    """'1080x1920' -> {'width': 1080, 'height': 1920}; None -> {}."""
    if value is None:
        return {}
    match = re.fullmatch(r"\s*(\d{3,4})\s*[xX×*]\s*(\d{3,4})\s*", value)
    if not match:
        fail(f"窗口尺寸“{value}”无效，请写成 宽x高，例如 1080x1920。")
    return {"width": int(match.group(1)), "height": int(match.group(2))}


def common_overrides(
    *,
    server: str | None,
    token: str | None,
    fullscreen: bool | None,
    size: str | None,
    log_file: Path | None = None,
) -> dict[str, Any]:
    return {
        "server": server,
        "device_token": token,
        "fullscreen": fullscreen,
        "log_file": log_file,
        **parse_size(size),
    }
