"""The voice an app's settings choose (the hall display's calls, the kiosk's guidance read the
same keys): espeak-ng, a recorded voice pack that falls back to espeak-ng for what it has no
clip for, or none."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from app_shell.settings import SettingsError
from app_shell.voice.engines import EspeakEngine, FallbackEngine, VoiceEngine, VoicePackEngine


class VoiceSettings(Protocol):
    @property
    def voice(self) -> str | None: ...  # espeak, pack or off
    @property
    def voice_pack(self) -> Path | None: ...
    @property
    def espeak_voice(self) -> str: ...
    @property
    def espeak_speed(self) -> int: ...


def espeak(settings: VoiceSettings) -> EspeakEngine:
    return EspeakEngine(settings.espeak_voice, settings.espeak_speed)


def chosen_engine(
    settings: VoiceSettings, pack_missing: Callable[[Path | None], str]
) -> VoiceEngine | None:
    """The engine the settings name, None when the voice is off. Raises
    SettingsError(pack_missing(folder)) for a voice pack not given (None) or not there."""
    if settings.voice == "off":
        return None
    if settings.voice == "espeak":
        return espeak(settings)
    folder = settings.voice_pack
    if folder is None or not folder.is_dir():
        raise SettingsError(pack_missing(folder))
    return FallbackEngine(VoicePackEngine(folder), espeak(settings))
