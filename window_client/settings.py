"""Settings of the window client (`[window]` table) and of the rating pad (`[evaluator]`
table), from the settings file, `GOVQUEUE_` variables and the command line.

    [window]
    window = "3"                       # this PC's window: preselected at sign-in
    pause_reasons = ["会议", "休息", "业务咨询", "系统故障", "其他"]

    [evaluator]
    device_token = "gqd_…"
    bad_reasons = ["等候时间长", "办理时间长", …]   # the tags offered for 不满意 or worse
"""

from __future__ import annotations

from pydantic import Field, field_validator

from app_shell.settings import AppSettings
from client.rating import DEFAULT_BAD_REASONS

DEFAULT_PAUSE_REASONS = ["会议", "休息", "业务咨询", "系统故障", "临时离开", "其他"]


class WindowSettings(AppSettings):
    section = "window"

    width: int = Field(default=1366, ge=320, le=7680)
    height: int = Field(default=768, ge=240, le=4320)
    window: str | None = Field(
        default=None, max_length=16, description="This PC's window number, preselected at sign-in"
    )
    staff_no: str | None = Field(default=None, max_length=32, description="Prefilled 工号")
    pause_reasons: list[str] = Field(
        default_factory=lambda: list(DEFAULT_PAUSE_REASONS),
        min_length=1,
        max_length=12,
        description="The reasons offered for 暂停",
    )
    queue_refresh_s: float = Field(default=30.0, gt=0, le=600, description="Queue reload")
    today_refresh_s: float = Field(default=60.0, gt=0, le=3600, description="Figures reload")

    @field_validator("pause_reasons")
    @classmethod
    def _reasons(cls, value: list[str]) -> list[str]:
        return clean_tags(value)


class PadSettings(AppSettings):
    """The rating pad: a small screen (tablet) facing the applicant."""

    section = "evaluator"

    width: int = Field(default=1280, ge=320, le=7680)
    height: int = Field(default=800, ge=240, le=4320)
    bad_reasons: list[str] = Field(
        default_factory=lambda: list(DEFAULT_BAD_REASONS),
        min_length=1,
        max_length=10,
        description="The rating pad's tags for 不满意 / 非常不满意",
    )
    choices_s: float = Field(default=60.0, ge=5, le=600, description="Rating pad: time to choose")
    reasons_s: float = Field(default=90.0, ge=5, le=600, description="Rating pad: reasons")
    thanks_s: float = Field(default=6.0, ge=1, le=60, description="Rating pad: thanks screen")
    virtual_keyboard: bool = Field(
        default=True, description="Rating pad: Qt's on-screen keyboard (pinyin) for the comment"
    )

    @field_validator("bad_reasons")
    @classmethod
    def _reasons(cls, value: list[str]) -> list[str]:
        return clean_tags(value)


def clean_tags(value: list[str]) -> list[str]:
    """Reasons or tags as configured: trimmed, none empty, none repeated, 20 characters each."""
    cleaned = [v.strip() for v in value if v.strip()]
    if len(set(cleaned)) != len(cleaned) or any(len(v) > 20 for v in cleaned):
        raise ValueError("原因不能重复，每个不超过 20 个字")
    if not cleaned:
        raise ValueError("至少需要一个原因")
    return cleaned
