"""The display's voice from its settings: the engine, the speech queue and the sample call
of `govqueue display --test-voice`. Qt only where sound is played."""

from __future__ import annotations

import logging
from pathlib import Path

from app_shell.voice.audio import Audio
from app_shell.voice.choice import chosen_engine, espeak
from app_shell.voice.engines import VoiceEngine, render_call
from app_shell.voice.queue import Speaker, SpeechQueue
from display_app.settings import DisplaySettings
from display_app.texts import text
from display_app.voice.announcement import Announcement
from display_app.voice.pack import check_pack
from display_app.voice.words import CallWords

log = logging.getLogger(__name__)

SAMPLE = CallWords("A012", "3")


def make_engine(settings: DisplaySettings) -> VoiceEngine | None:
    """The configured engine, or None when the voice is off. A voice pack falls back to
    espeak-ng for what it has no clip for. Raises SettingsError for a pack that is not there."""
    engine = chosen_engine(settings, lambda folder: text("voice.pack_missing", path=folder))
    folder = settings.voice_pack
    if settings.voice == "pack" and folder is not None:  # DisplaySettings asks for one
        missing = check_pack(folder).missing
        if missing:
            names = "、".join(missing)
            log.warning(text("voice.pack_incomplete", path=folder, count=len(missing), names=names))
    return engine


def make_speech(settings: DisplaySettings, speaker: Speaker) -> SpeechQueue | None:
    engine = make_engine(settings)
    if engine is None:
        log.info(text("voice.off"))
        return None
    return SpeechQueue(
        engine,
        speaker,
        repeats=settings.repeats,
        volume=settings.volume,
        shorten_at=settings.shorten_at,
    )


def sample_audio(settings: DisplaySettings) -> tuple[Audio, str]:
    """The sample call (请 A012 号 到 3 号窗口办理) as the display would say it, and the
    engine's name. Raises SettingsError / VoiceError."""
    # an installer checks the voice even where it is switched off
    engine = make_engine(settings) or espeak(settings)
    audio = render_call(engine, SAMPLE, repeats=settings.repeats, volume=settings.volume)
    return audio, engine.name


def sample_announcement() -> Announcement:
    return Announcement(0, SAMPLE.number, SAMPLE.window)


def write_sample(settings: DisplaySettings, path: Path) -> str:
    audio, engine = sample_audio(settings)
    audio.write(path)
    return text("voice.sample_written", path=path, seconds=audio.seconds, engine=engine)
