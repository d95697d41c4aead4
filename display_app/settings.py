"""The hall display's settings (file `[display]` table, `GOVQUEUE_` variables, command line)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal, Self

from pydantic import Field, model_validator

from app_shell.settings import AppSettings, SettingsError


class DisplaySettings(AppSettings):
    section = "display"

    mode: Literal["hall", "window"] = Field(
        default="hall", description="hall: 综合屏 (every call); window: one window's 窗口屏"
    )
    window: str | None = Field(
        default=None,
        max_length=16,
        description="The window number shown above the window (window mode)",
    )
    # the voice
    voice: Literal["espeak", "pack", "off"] | None = Field(
        default=None,
        description="espeak: espeak-ng Mandarin; pack: recorded clips; off. Default: espeak on "
        "the hall screen, off on a window screen (the hall screen speaks for the hall)",
    )
    voice_pack: Path | None = Field(default=None, description="Folder of the voice pack's clips")
    volume: int = Field(default=80, ge=0, le=100, description="Voice volume, percent")
    repeats: int = Field(default=2, ge=1, le=3, description="How often each call is said")
    shorten_at: int = Field(
        default=3,
        ge=2,
        le=50,
        description="With this many calls waiting to be said, each is said once",
    )
    espeak_voice: str = Field(default="cmn-latn-pinyin", max_length=40)
    espeak_speed: int = Field(default=150, ge=80, le=300, description="Words per minute")
    # the screen
    highlight_seconds: float = Field(
        default=8.0, ge=0, le=120, description="The newest call stands out this long"
    )
    recent_calls: int = Field(default=6, ge=0, le=12, description="Earlier calls listed")
    catch_up_quiet_s: float = Field(
        default=0.4,
        gt=0,
        le=5,
        description="After a reconnect, the replay is over once the feed is quiet this long",
    )

    @model_validator(mode="after")
    def _default_voice(self) -> DisplaySettings:
        if self.voice is None:  # the hall screen speaks for the hall; window screens do not
            self.voice = "off" if self.mode == "window" else "espeak"
        return self

    @classmethod
    def load(cls, config_file: Path | None = None, **overrides: Any) -> Self:
        settings = super().load(config_file, **overrides)
        settings.check()
        return settings

    def check(self) -> None:
        """Settings that are each valid but do not go together; raises SettingsError."""
        if self.mode == "window" and not self.window:
            raise SettingsError("窗口屏需要窗口号：请用 --window 指定，例如 --window 3。")
        if self.voice == "pack" and self.voice_pack is None:
            raise SettingsError("使用语音包时请用 --voice-pack 指定语音包文件夹。")
