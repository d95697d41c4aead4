"""The kiosk's settings (file `[kiosk]` table, `GOVQUEUE_` variables, command line)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field

from app_shell.settings import AppSettings


class KioskSettings(AppSettings):
    section = "kiosk"

    width: int = Field(default=1080, ge=320, le=7680)
    height: int = Field(default=1920, ge=240, le=4320)
    printer: str = Field(
        default="none",
        description="tcp://host:9100, usb:VID:PID, serial:/dev/ttyUSB0, file:PATH or none",
    )
    paper: Literal[58, 80] = Field(default=80, description="Paper width in millimetres")
    ticket_notice: str | None = Field(
        default=None,
        max_length=200,
        description="Printed under the QR code; default: the hall's no-show rule, in words",
    )
    confirm_seconds: int = Field(default=10, ge=3, le=120, description="Confirmation screen time")
    fault_seconds: int = Field(
        default=90,
        ge=10,
        le=600,
        description="A ticket shown on screen (printer fault) stays this long",
    )
    idle_seconds: int = Field(default=120, ge=10, le=3600, description="Idle screen after this")
    tap_settle_ms: int = Field(
        default=600,
        ge=0,
        le=3000,
        description="A touch this soon after the screen changed does nothing (a double tap's "
        "second tap lands on what the first one brought up)",
    )
    refresh_seconds: int = Field(default=30, ge=5, le=600, description="Service list refresh")
    retry_seconds: float = Field(default=3.0, gt=0, le=60, description="Retry while unreachable")
    printer_check_seconds: int = Field(
        default=30, ge=5, le=3600, description="Printer status check while idle"
    )
    printer_timeout_s: float = Field(default=3.0, gt=0, le=30)
    # voice guidance (语音引导): the screen reads itself through the kiosk's speaker
    voice: Literal["espeak", "pack", "off"] = Field(
        default="off",
        description="espeak: espeak-ng Mandarin; pack: recorded clips (espeak-ng for the rest); "
        "off: no speaker",
    )
    voice_pack: Path | None = Field(default=None, description="Folder of the voice pack's clips")
    volume: int = Field(default=80, ge=0, le=100, description="Voice volume, percent")
    espeak_voice: str = Field(default="cmn-latn-pinyin", max_length=40)
    espeak_speed: int = Field(default=140, ge=80, le=300, description="Words per minute")
    elderly: bool = Field(
        default=False,
        description="Start in 长辈版 (the hall's setting kiosk_elderly does the same for all)",
    )
