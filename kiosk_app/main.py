"""自助取号机: builds the kiosk on the shared Qt layer and runs it."""

from __future__ import annotations

from pathlib import Path

from app_shell.launcher import AppParts, Shell, run_app
from app_shell.settings import SettingsError
from kiosk_app.printing.device import TicketPrinter
from kiosk_app.printing.spec import PrinterSpecError, parse_spec
from kiosk_app.settings import KioskSettings
from kiosk_app.texts import text


def build(shell: Shell) -> AppParts:
    from kiosk_app.controller import KioskController
    from kiosk_app.views.window import KioskWindow

    settings = shell.settings
    assert isinstance(settings, KioskSettings)
    printer = TicketPrinter(parse_spec(settings.printer), timeout_s=settings.printer_timeout_s)
    api = shell.api()
    speech = None
    if not shell.diagnostic and settings.voice != "off":
        from app_shell.voice.speakers import SoundCardSpeaker
        from kiosk_app.speech import make_speech

        speaker = SoundCardSpeaker(shell.runner.post_to_gui, silent_message=text("voice.silent"))
        speech = make_speech(settings, speaker)
    controller = KioskController(
        shell.runner, api, settings, printer, health=shell.health(api), speech=speech
    )
    window = KioskWindow(controller, settings.width, settings.height)
    return AppParts.of(window, controller)


def main(settings: KioskSettings, screenshot: Path | None = None) -> int:
    """Run the kiosk until its window closes; the exit code. Raises SettingsError."""
    settings.require_token()
    try:
        parse_spec(settings.printer)
    except PrinterSpecError as exc:
        raise SettingsError(str(exc)) from exc
    if screenshot is None:
        from kiosk_app.speech import make_engine

        make_engine(settings)  # a voice pack that is not there is said at once
    return run_app(text("title"), settings, build, screenshot=screenshot)
