"""The audit's independent computation: every indicator of ../shared/INDICATORS.md worked out
again from the ticket-level records (/stats/tickets), the rectification and complaint lists
and the window changes the scenario made itself, one function per indicator group
(办事效率, 窗口服务满意率, 异常办理, 投诉处理), so that a wrong figure names its group."""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest

from tests.api.statistics_audit.scenario import SH, TARGETS

Record = dict[str, Any]


def ts(raw: str | None) -> datetime | None:
    return None if raw is None else datetime.fromisoformat(raw.replace("Z", "+00:00"))


def secs(a: datetime | None, b: datetime | None) -> int | None:
    return None if a is None or b is None else round((b - a).total_seconds())


def rate(n: int, d: int) -> float | None:
    return None if d == 0 else n / d


def p90(values: list[int]) -> int | None:
    return sorted(values)[math.ceil(0.9 * len(values)) - 1] if values else None


def target_s(r: Record, which: int) -> int:
    """The service's target in seconds: 0 the wait, 1 the handling."""
    return TARGETS[r["service_name"]][which] * 60


def _called(records: list[Record]) -> list[Record]:
    return [r for r in records if r["called_at"]]


def _done(records: list[Record]) -> list[Record]:
    return [r for r in records if r["status"] == "done"]


def _handles(done: list[Record]) -> list[int | None]:
    return [secs(ts(r["serving_started_at"]), ts(r["finished_at"])) for r in done]


def _late(done: list[Record]) -> int:
    """Finished tickets whose handling exceeded their service's target."""
    return sum(
        1 for r, h in zip(done, _handles(done), strict=True) if h is not None and h > target_s(r, 1)
    )


def expected_efficiency(records: list[Record], now: datetime) -> dict[str, Any]:
    """办事效率: issued, served, waits and handling (window time: expected_window_time)."""
    called = _called(records)
    uncalled = [r for r in records if not r["called_at"] and r["status"] == "waiting"]
    done = _done(records)
    waits = [secs(ts(r["entered_queue_at"]), ts(r["called_at"])) for r in called]
    handles = _handles(done)
    assert None not in waits and None not in handles
    over_wait = sum(
        1 for r, w in zip(called, waits, strict=True) if w is not None and w > target_s(r, 0)
    ) + sum(
        1
        for r in uncalled
        if (now - ts(r["entered_queue_at"])).total_seconds() > target_s(r, 0)  # type: ignore[operator]
    )
    late = _late(done)
    hs = [h for h in handles if h is not None]
    ws = [w for w in waits if w is not None]
    return {
        "issued": len(records),
        "served": len(done),
        "wait_count": len(ws),
        "wait_avg_s": round(statistics.fmean(ws), 1) if ws else None,
        "wait_median_s": statistics.median(ws) if ws else None,
        "wait_p90_s": p90(ws),
        "wait_max_s": max(ws) if ws else None,
        "over_target_wait": over_wait,
        "over_target_wait_rate": rate(over_wait, len(called) + len(uncalled)),
        "handle_avg_s": round(statistics.fmean(hs), 1) if hs else None,
        "handle_median_s": statistics.median(hs) if hs else None,
        "handle_p90_s": p90(hs),
        "handle_max_s": max(hs) if hs else None,
        "on_time_handle_rate": rate(len(done) - late, len(done)),
        "handled_s": sum(hs),
    }


def expected_satisfaction(
    records: list[Record], rect: dict[int, Record], now: datetime
) -> dict[str, Any]:
    """窗口服务满意率 (好差评), with the 差评's rectifications."""
    done = _done(records)
    levels = [r["evaluation_level"] for r in records if r["evaluation_level"] is not None]
    bad = [r for r in records if r["evaluation_level"] is not None and r["evaluation_level"] <= 2]
    bad_rect = [rect[r["ticket_id"]] for r in bad]
    closed = [x for x in bad_rect if x["rectified_at"]]
    on_time = [x for x in closed if ts(x["rectified_at"]) <= ts(x["deadline"])]  # type: ignore[operator]
    due = [x for x in bad_rect if x["rectified_at"] or ts(x["deadline"]) < now]  # type: ignore[operator]
    return {
        "evaluated": len(levels),
        "evaluated_rate": rate(len(levels), len(done)),
        "satisfaction_rate": rate(sum(1 for v in levels if v >= 3), len(levels)),
        "very_satisfied_rate": rate(sum(1 for v in levels if v == 5), len(levels)),
        "bad_count": len(bad),
        "bad_rate": rate(len(bad), len(levels)),
        "avg_level": round(statistics.fmean(levels), 2) if levels else None,
        "rectified_rate": rate(len(closed), len(bad)),
        "rectified_on_time_rate": rate(len(on_time), len(due)),
        "followup_rate": rate(sum(1 for x in bad_rect if x["followup_at"]), len(bad)),
    }


def expected_abnormal(records: list[Record]) -> dict[str, Any]:
    """异常办理: no-shows, abandoned, transferred, outcomes, handling over the target."""
    called = _called(records)
    done = _done(records)
    out: dict[str, Any] = {
        "over_target_handle": _late(done),
        "no_show_rate": rate(sum(1 for r in called if r["no_show_count"] > 0), len(called)),
        "abandoned": sum(1 for r in records if r["status"] in ("waiting", "no_show")),
        "transferred": sum(1 for r in records if r["status"] == "transferred"),
    }
    for outcome in ("done", "supplement", "returned", "rejected"):
        n = sum(1 for r in done if r["outcome"] == outcome)
        out[f"outcome_{outcome}"] = n
        out[f"outcome_{outcome}_rate"] = rate(n, len(done))
    return out


def expected_tickets(
    records: list[Record], rect: dict[int, Record], now: datetime
) -> dict[str, dict[str, Any]]:
    """The ticket-level indicators, by group."""
    return {
        "办事效率": expected_efficiency(records, now),
        "窗口服务满意率": expected_satisfaction(records, rect, now),
        "异常办理": expected_abnormal(records),
    }


def expected_window_time(
    changes: list[tuple[datetime, str, str, str]],
    key: Callable[[datetime, str], str],
    end: datetime,
) -> dict[str, dict[str, Any]]:
    """Minute by minute (every change in the script is on a minute): open and paused time."""
    result: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"window_open_s": 0, "paused_by_reason_s": defaultdict(int)}
    )
    by_window: dict[str, list[tuple[datetime, str, str]]] = defaultdict(list)
    for at, number, state, why in changes:
        by_window[number].append((at, state, why))
    for number, items in by_window.items():
        for (at, state, why), (until, _, _) in zip(items, [*items[1:], (end, "", "")], strict=True):
            minute = at
            while minute < until and state != "closed":
                bucket = result[key(minute, number)]
                if state == "open":
                    bucket["window_open_s"] += 60
                elif state == "paused":
                    bucket["paused_by_reason_s"][why] += 60
                minute += timedelta(minutes=1)
    return result


def expected_complaints(items: list[dict[str, Any]], as_of: datetime) -> dict[str, Any]:
    """投诉处理, as it stood at `as_of` (the period's end)."""
    closed = [c for c in items if c["closed_at"] and ts(c["closed_at"]) <= as_of]  # type: ignore[operator]
    on_time = [c for c in closed if ts(c["closed_at"]) <= ts(c["deadline"])]  # type: ignore[operator]
    spans = [secs(ts(c["received_at"]), ts(c["closed_at"])) or 0 for c in closed]
    return {
        "complaints": len(items),
        "complaints_closed": len(closed),
        "complaint_closed_rate": rate(len(closed), len(items)),
        "complaint_on_time_rate": rate(len(on_time), len(closed)),
        "complaint_handle_avg_s": round(statistics.fmean(spans), 1) if spans else None,
    }


def same(actual: Any, wanted: Any) -> bool:
    if isinstance(wanted, float) and isinstance(actual, int | float):
        return actual == pytest.approx(wanted)
    return bool(actual == wanted)


def check(values: dict[str, Any], wanted: dict[str, Any], where: str) -> None:
    wrong = {k: (values.get(k), v) for k, v in wanted.items() if not same(values.get(k), v)}
    assert not wrong, f"{where}: (api, recomputed) {wrong}"


def check_groups(values: dict[str, Any], groups: dict[str, dict[str, Any]], where: str) -> None:
    """`check` for each indicator group of expected_tickets."""
    for group, wanted in groups.items():
        check(values, wanted, f"{where} {group}")


GROUP_KEYS: dict[str, Callable[[dict[str, Any]], str]] = {
    "day": lambda r: r["business_day"],
    "hour": lambda r: f"{ts(r['issued_at']).astimezone(SH).hour:02d}",  # type: ignore[union-attr]
    "service": lambda r: str(r["service_id"]),
    "staff": lambda r: r["staff_no"] or "",
}


def cell_value(value: Any, kind: str) -> Any:
    """A workbook cell as the API gives it: seconds for a duration, None for "—"."""
    if value == "—":
        return None
    if isinstance(value, timedelta):  # openpyxl reads [h]:mm:ss cells as durations
        return round(value.total_seconds(), 3)
    return round(value * 86400, 3) if kind == "dur" else value
