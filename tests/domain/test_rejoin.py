"""扫码过号重排's rules (server/domain/rejoin.py): where the ticket goes back, when it may."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from server.domain.errors import Conflict
from server.domain.rejoin import RejoinRule, check_rejoin, place_after

T0 = datetime(2026, 12, 7, 1, 0, tzinfo=UTC)
US = timedelta(microseconds=1)
KEYS = [T0 + timedelta(minutes=m) for m in range(5)]
NOW = T0 + timedelta(hours=1)


def rule(position: str = "behind", behind: int = 3, allowed: bool = True) -> RejoinRule:
    return RejoinRule(allowed=allowed, minutes=10, position=position, behind=behind)


def test_behind_the_next_n_of_its_class_or_at_the_end() -> None:
    assert place_after(KEYS, 0, rule(), NOW) == KEYS[2] + US  # behind the 3rd
    assert place_after(KEYS[:2], 0, rule(), NOW) == NOW  # fewer wait: at the end
    assert place_after([], 0, rule(), NOW) == NOW
    assert place_after(KEYS, 0, rule("end"), NOW) == NOW


def test_the_green_channel_ahead_counts_towards_the_n() -> None:
    assert place_after(KEYS, 2, rule(), NOW) == KEYS[0] + US  # 2 green + 1 normal ahead
    assert place_after(KEYS, 3, rule(), NOW) == KEYS[0] - US  # first of the normal ones
    assert place_after([], 5, rule(), NOW) == NOW


def check(r: RejoinRule, **kw: object) -> None:
    values: dict[str, object] = {
        "number": "A003", "status": "no_show", "status_text": "已过号", "rejoined": False,
        "missed_at": T0, "now": T0 + timedelta(minutes=10), "zone_format": "09:10",
    }  # fmt: skip
    values.update(kw)
    check_rejoin(r, **values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("r", "kw", "code"),
    [
        (rule(allowed=False), {}, "rejoin_off"),
        (rule(), {"rejoined": True}, "rejoin_used"),
        (rule(), {"status": "waiting", "status_text": "等候中"}, "rejoin_not_missed"),
        (rule(), {"now": T0 + timedelta(minutes=10, microseconds=1)}, "rejoin_too_late"),
        (rule(), {"missed_at": None}, "rejoin_too_late"),
    ],
)
def test_refusals_say_why(r: RejoinRule, kw: dict[str, object], code: str) -> None:
    with pytest.raises(Conflict) as refused:
        check(r, **kw)
    assert refused.value.code == code and "A003" in refused.value.message


def test_within_the_minutes_once() -> None:
    check(rule())  # at the 10th minute exactly: still allowed
