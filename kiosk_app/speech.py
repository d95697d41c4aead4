"""The kiosk's voice from its settings (the engines and the queue are app_shell.voice's, as the
hall display's): the queue of guidance phrases, and `kiosk --test-voice`."""

from __future__ import annotations

import logging
from pathlib import Path

from app_shell.voice.audio import Audio
from app_shell.voice.choice import chosen_engine, espeak
from app_shell.voice.engines import VoiceEngine, render_call
from app_shell.voice.queue import Speaker, SpeechQueue
from kiosk_app.guidance import SAMPLE
from kiosk_app.settings import KioskSettings
from kiosk_app.texts import text

log = logging.getLogger(__name__)


def make_engine(settings: KioskSettings) -> VoiceEngine | None:
    """The configured engine, None when the voice is off; a pack falls back to espeak-ng for
    what it has no clip for. Raises SettingsError for a pack that is not there."""
    return chosen_engine(settings, _pack_missing)


def _pack_missing(folder: Path | None) -> str:
    if folder is None:
        return text("voice.pack_needed")
    return text("voice.pack_missing", path=folder)


def make_speech(settings: KioskSettings, speaker: Speaker) -> SpeechQueue | None:
    """One phrase at a time, never over another (a service read out is `passing`)."""
    engine = make_engine(settings)
    if engine is None:
        return None
    return SpeechQueue(engine, speaker, repeats=1, volume=settings.volume, chime=False)


def sample_audio(settings: KioskSettings) -> tuple[Audio, str]:
    """您的号码是 A012，前面还有 3 人, as this kiosk would say it (espeak-ng when off)."""
    engine = make_engine(settings) or espeak(settings)
    audio = render_call(engine, SAMPLE, repeats=1, volume=settings.volume, chime=False)
    return audio, engine.name


def write_sample(settings: KioskSettings, path: Path) -> str:
    audio, engine = sample_audio(settings)
    audio.write(path)
    return text("voice.sample_written", path=path, seconds=audio.seconds, engine=engine)


def play_sample(settings: KioskSettings) -> tuple[int, str]:
    """Say the sample through the sound card: (exit code, message)."""
    from app_shell.voice.queue import Utterance
    from app_shell.voice.sample import has_sound_device, play

    if not has_sound_device():
        return 1, text("voice.sample_silent")
    audio, engine = sample_audio(settings)
    play(Utterance(SAMPLE, audio, 1))
    return 0, text("voice.sample_played", sentence=SAMPLE.text, engine=engine)
