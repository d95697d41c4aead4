"""The 好差评 records govqueue reports, in its own words: what a platform profile maps from.

A rating and each later change a platform wants (整改 result, 回访, 申诉 decision, 追评) is one
record of a `kind`, stored in the outbox as it was when it happened (plain JSON). A profile
(server/outbox/profiles/platform/*.toml) names, field by field, where each of the province's
fields comes from and how its codes read. The names and values here are the contract
between the two; docs/platform.md lists them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from .enums import EvaluationChannel

# every record has these: which rating (ratingId), which time it was rated (评价次数), and the
# hall's zone (times are rendered in it)
COMMON = ("rating_id", "times", "zone", "hall_code", "region_code")

FIELDS: dict[str, tuple[str, ...]] = {
    "rating": (
        *COMMON,
        "case_nos",  # 办件编号, a list (several cases per ticket possible)
        "item_code",  # 事项编码 of the service (hall file: services[].item_code)
        "item_name",
        "channel",  # 评价渠道: window (pad) | mobile (QR page) | kiosk | phone
        "evaluated_at",  # an instant (UTC ISO 8601); profiles render it in `zone`
        "level",  # 5 非常满意 … 1 非常不满意 (govqueue's order)
        "reasons",  # a list of texts
        "text",  # 文字评价 ("" when none)
        "window_no",
        "staff_no",
        "default_rating",  # 系统默认评价 (bool)
        "excluded",  # an upheld 申诉 excludes it from 满意率 (bool)
    ),
    "rectification": (*COMMON, "rectified_at", "measures", "rectifier_no", "on_time"),
    "followup": (*COMMON, "followed_up_at", "way", "result", "satisfied", "visitor_no"),
    "appeal": (*COMMON, "decided_at", "upheld", "reason", "decision"),
}

TIME_FIELDS = frozenset({"evaluated_at", "rectified_at", "followed_up_at", "decided_at"})

# fields with a closed set of values: a profile that codes one must code every value
VALUES: dict[str, tuple[str, ...]] = {
    "level": ("1", "2", "3", "4", "5"),
    "channel": tuple(channel.value for channel in EvaluationChannel),
    "way": ("phone", "sms", "visit", "online"),
    "times": ("1", "2"),
    "default_rating": ("true", "false"),
    "excluded": ("true", "false"),
    "on_time": ("true", "false"),
    "satisfied": ("true", "false"),
    "upheld": ("true", "false"),
}


def code_key(value: Any) -> str:
    """How a value is looked up in a profile's code table (TOML keys are strings)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def idempotency_key(rating_id: str, times: int, kind: str) -> str:
    """The receiver drops a repeat by this key: `<ratingId>-<times>` for the rating itself
    (the reference profile's contract), `<ratingId>-<times>-<kind>` for a later change."""
    base = f"{rating_id}-{times}"
    return base if kind == "rating" else f"{base}-{kind}"


def instant(value: datetime) -> str:
    """An instant as records store it: UTC, ISO 8601."""
    return value.isoformat()
