"""Launchers of the PySide6 programs: each app declares its own command and options in its
own package (`kiosk_app/cli.py`, …); this module only registers them."""

from __future__ import annotations

from typing import Annotated

import typer

from display_app.cli import register as register_display
from kiosk_app.cli import register as register_kiosk

Server = Annotated[str, typer.Option(help="Server base URL")]
Token = Annotated[str | None, typer.Option(help="Device token (or GOVQUEUE_DEVICE_TOKEN)")]


def register_app_launchers(app: typer.Typer) -> None:
    register_kiosk(app)
    register_display(app)

    @app.command()
    def window(server: Server = "http://127.0.0.1:8000", token: Token = None) -> None:
        """窗口叫号终端 — the window staff's calling program."""
        from window_client.main import main

        raise typer.Exit(main(server=server, token=token))
