"""Launchers of the PySide6 programs: each app declares its own command and options in its
own package (`kiosk_app/cli.py`, …); this module only registers them."""

from __future__ import annotations

from typing import Annotated

import typer

from kiosk_app.cli import register as register_kiosk

Server = Annotated[str, typer.Option(help="Server base URL")]
Token = Annotated[str | None, typer.Option(help="Device token (or GOVQUEUE_DEVICE_TOKEN)")]


def register_app_launchers(app: typer.Typer) -> None:
    register_kiosk(app)

    @app.command()
    def display(server: Server = "http://127.0.0.1:8000", token: Token = None) -> None:
        """大厅显示屏 — the hall screen that shows and speaks the calls."""
        from display_app.main import main

        raise typer.Exit(main(server=server, token=token))

    @app.command()
    def window(server: Server = "http://127.0.0.1:8000", token: Token = None) -> None:
        """窗口叫号终端 — the window staff's calling program."""
        from window_client.main import main

        raise typer.Exit(main(server=server, token=token))
