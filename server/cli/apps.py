"""Launchers of the PySide6 programs: each app declares its own command and options in its
own package (`kiosk_app/cli.py`, …); this module only registers them."""

from __future__ import annotations

import typer

from display_app.cli import register as register_display
from kiosk_app.cli import register as register_kiosk
from window_client.cli import register as register_window


def register_app_launchers(app: typer.Typer) -> None:
    register_kiosk(app)
    register_display(app)
    register_window(app)
