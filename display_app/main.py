"""大厅显示屏: builds the hall display on the shared Qt layer and runs it."""

from __future__ import annotations

from pathlib import Path

from app_shell.launcher import AppParts, Shell, run_app
from display_app.settings import DisplaySettings
from display_app.texts import text


def build(shell: Shell) -> AppParts:
    from app_shell.voice.speakers import SoundCardSpeaker, default_has_device
    from display_app.controller import DisplayController
    from display_app.speech import make_speech
    from display_app.views.display import DisplayWindow

    settings = shell.settings
    assert isinstance(settings, DisplaySettings)
    speaker = SoundCardSpeaker(shell.runner.post_to_gui)
    speech = make_speech(settings, speaker)
    api = shell.api()
    controller = DisplayController(shell.runner, api, settings, speech, health=shell.health(api))
    if speech is not None and not default_has_device():
        controller.sound_problem = text("voice.no_device")
    window = DisplayWindow(controller, settings.width, settings.height)
    mode = text("title.window") if settings.mode == "window" else text("title.hall")
    controller.loaded.connect(  # one line for installers (and `govqueue demo --display`)
        lambda: print(text("device.ready", hall=controller.board.hall_name, mode=mode), flush=True)
    )

    def stop() -> None:
        controller.stop()
        speaker.close()

    return AppParts.of(window, controller, stop)


def main(settings: DisplaySettings, screenshot: Path | None = None) -> int:
    """Run the display until its window closes; the exit code. Raises SettingsError."""
    settings.require_token()
    settings.check()
    if screenshot is not None:  # a picture says nothing
        settings = settings.model_copy(update={"voice": "off"})
    else:
        from display_app.speech import make_engine

        make_engine(settings)  # a voice pack that is not there is said at once
    title = text("title.window") if settings.mode == "window" else text("title")
    return run_app(title, settings, build, screenshot=screenshot)


def play_sample(settings: DisplaySettings) -> tuple[int, str]:
    """Say the sample call through the sound card: (exit code, message)."""
    from app_shell.voice.queue import Utterance
    from app_shell.voice.sample import has_sound_device, play
    from display_app.speech import SAMPLE, sample_announcement, sample_audio

    if not has_sound_device():
        return 1, text("voice.sample_silent")
    audio, engine = sample_audio(settings)
    play(Utterance(sample_announcement(), audio, settings.repeats))
    return 0, text("voice.sample_played", sentence=SAMPLE.sentence(), engine=engine)
