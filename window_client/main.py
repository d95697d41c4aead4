"""窗口叫号终端 and 评价器: build each on the shared Qt layer and run it."""

from __future__ import annotations

import os
from pathlib import Path

from app_shell.launcher import AppParts, Shell, run_app
from window_client.settings import PadSettings, WindowSettings
from window_client.texts import text


def build_desk(shell: Shell) -> AppParts:
    from window_client.controller import WindowController
    from window_client.views.window import WindowClientWindow

    settings = shell.settings
    assert isinstance(settings, WindowSettings)
    controller = WindowController(shell.runner, shell.api(), settings)
    window = WindowClientWindow(controller, settings.width, settings.height)
    return AppParts.of(window, controller)


def build_pad(shell: Shell) -> AppParts:
    from window_client.pad_controller import PadController
    from window_client.views.pad import PadWindow

    settings = shell.settings
    assert isinstance(settings, PadSettings)
    api = shell.api()
    controller = PadController(shell.runner, api, settings, health=shell.health(api))
    window = PadWindow(controller, settings.width, settings.height)
    return AppParts.of(window, controller)


def main(settings: WindowSettings, screenshot: Path | None = None) -> int:
    """Run the clerk's window client until its window closes; the exit code."""
    return run_app(text("title"), settings, build_desk, screenshot=screenshot)


def main_pad(settings: PadSettings, screenshot: Path | None = None) -> int:
    """Run the rating pad until its window closes; the exit code. Raises SettingsError."""
    settings.require_token()
    if settings.virtual_keyboard and screenshot is None:
        # Qt's on-screen keyboard for the comment field (set before the application exists);
        # its layout follows the default locale: Chinese, i.e. pinyin input
        from PySide6.QtCore import QLocale

        os.environ.setdefault("QT_IM_MODULE", "qtvirtualkeyboard")
        QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    return run_app(text("pad.title"), settings, build_pad, screenshot=screenshot)
