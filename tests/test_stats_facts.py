"""Ticket facts added up with numpy (server/queries/stats/aggregate.py, facts.py) against a
plain per-ticket computation, on random facts covering every status, flag and level."""

from __future__ import annotations

from dataclasses import asdict

import numpy as np
import pytest

from server.domain.enums import TicketStatus
from server.domain.indicators import needed_ranks
from server.queries.stats import aggregate
from server.queries.stats.aggregate import Targets, group_tickets, prepare
from server.queries.stats.facts import (
    ALL_COLUMNS,
    CALLED,
    FOLLOWED_UP,
    NO_SHOW,
    NONE,
    OUTCOME_CODES,
    RECTIFIED,
    RECTIFIED_ON_TIME,
    STATUS_CODES,
    Facts,
    pack,
)

NOW_US = 1_800_000_000 * 1_000_000
TARGETS = {1: (10, 5), 2: (30, 20), 3: (45, 60)}  # minutes: wait, handle


def random_facts(seed: int, n: int, reasons: list[str]) -> Facts:
    rng = np.random.default_rng(seed)
    status = rng.integers(1, len(STATUS_CODES) + 1, n)
    flags = rng.integers(0, 64, n)
    done = status == STATUS_CODES[TicketStatus.done.value]
    called = (flags & CALLED) != 0
    wait = np.where(called, rng.integers(0, 4000, n), NONE)
    handle = np.where(done & (rng.random(n) < 0.9), rng.integers(0, 5000, n), NONE)
    waiting_at = np.flatnonzero(rng.random(n) < 0.1)
    open_at = np.flatnonzero(rng.random(n) < 0.05)
    w = 40
    columns = {
        "hall": np.full(n, 1),
        "day": np.full(n, 739_000 + seed),
        "hour": rng.integers(8, 18, n),
        "service": rng.integers(1, 4, n),
        "window": rng.integers(0, 7, n),
        "staff": rng.integers(0, 5, n),
        "status": status,
        "outcome": np.where(done, rng.integers(0, len(OUTCOME_CODES) + 1, n), 0),
        "flags": flags,
        "level": rng.integers(0, 6, n),
        "wait": wait,
        "handle": handle,
        "waiting_at": waiting_at,
        "waiting_since_us": NOW_US - rng.integers(0, 3_600_000_000, len(waiting_at)),
        "open_rect_at": open_at,
        "open_rect_deadline_us": NOW_US + rng.integers(-(10**9), 10**9, len(open_at)),
        "w_hall": np.full(w, 1),
        "w_day": np.full(w, 739_000 + seed),
        "w_window": rng.integers(1, 7, w),
        "w_hour": rng.integers(8, 18, w),
        "w_kind": rng.integers(0, len(reasons) + 1, w),
        "w_us": rng.integers(0, 3_600_000_000, w),
    }
    return Facts({k: np.asarray(v).astype(ALL_COLUMNS[k]) for k, v in columns.items()}, reasons)


def reference(facts: Facts, key: str) -> dict[int, dict[str, object]]:
    """Every sum, ticket by ticket, as the indicators define them."""
    waiting_since = dict(
        zip(facts["waiting_at"].tolist(), facts["waiting_since_us"].tolist(), strict=True)
    )
    deadlines = dict(
        zip(facts["open_rect_at"].tolist(), facts["open_rect_deadline_us"].tolist(), strict=True)
    )
    out: dict[int, dict[str, object]] = {}
    waits: dict[int, list[int]] = {}
    handles: dict[int, list[int]] = {}
    for i in range(facts.tickets):
        k = int(facts[key][i])
        s = out.setdefault(k, {"issued": 0})
        status, flags, level = (
            int(facts["status"][i]),
            int(facts["flags"][i]),
            int(facts["level"][i]),
        )
        wait, handle = int(facts["wait"][i]), int(facts["handle"][i])
        target_wait, target_handle = (m * 60 for m in TARGETS[int(facts["service"][i])])

        def add(name: str, yes: object, amount: int = 1) -> None:
            s[name] = int(s.get(name, 0)) + (amount if yes else 0)  # noqa: B023

        called = bool(flags & CALLED)
        done = status == STATUS_CODES["done"]
        waiting = status == STATUS_CODES["waiting"]
        bad = 1 <= level <= 2
        has_handle = done and handle != NONE
        add("issued", True)
        add("served", done)
        add("called", called)
        add("never_called_waiting", not called and waiting)
        add("wait_sum", called, wait)
        late_waiting = (
            not called
            and waiting
            and i in waiting_since
            and NOW_US - waiting_since[i] > target_wait * 1_000_000
        )
        add("over_wait", (called and wait > target_wait) or late_waiting)
        add("handle_count", has_handle)
        add("handle_sum", has_handle, handle)
        add("on_time_handle", done and (handle if has_handle else 0) <= target_handle)
        add("over_target_handle", done and (handle if has_handle else 0) > target_handle)
        add("evaluated", level > 0)
        add("level_sum", level > 0, level)
        for n in (5, 4, 3):
            add(f"level_{n}", level == n)
        add("bad", bad)
        add("rectified", bad and flags & RECTIFIED)
        add("rectified_on_time", bad and flags & RECTIFIED_ON_TIME)
        overdue = i in deadlines and deadlines[i] < NOW_US
        add("rectification_due", bad and (flags & RECTIFIED or overdue))
        add("followed_up", bad and flags & FOLLOWED_UP)
        add("no_show_once", called and flags & NO_SHOW)
        add("abandoned", status in (STATUS_CODES["waiting"], STATUS_CODES["no_show"]))
        add("transferred", status == STATUS_CODES["transferred"])
        for name, code in OUTCOME_CODES.items():
            add(f"outcome_{name}", done and int(facts["outcome"][i]) == code)
        if called:
            waits.setdefault(k, []).append(wait)
        if has_handle:
            handles.setdefault(k, []).append(handle)
    for k, s in out.items():
        for name, values in (("wait", waits.get(k, [])), ("handle", handles.get(k, []))):
            ordered = sorted(values)
            n = len(ordered)
            s[f"{name}_ranks"] = {
                r: ordered[r - 1] for r in needed_ranks(n) | ({n} if n else set())
            }
            s[f"{name}_max"] = ordered[-1] if n else None
    return out


@pytest.mark.parametrize("histogram", [True, False])
@pytest.mark.parametrize("key", ["window", "staff", "hour", "day"])
def test_group_tickets_matches_ticket_by_ticket(
    key: str, histogram: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not histogram:
        monkeypatch.setattr(aggregate, "HISTOGRAM_CELLS", 0)  # ranks from a sort instead
    facts = Facts.concat([random_facts(1, 1500, ["午休"]), random_facts(2, 1500, ["会议", "午休"])])
    grouped = group_tickets(prepare(facts, Targets.of(TARGETS), NOW_US), facts[key])
    expected = reference(facts, key)
    assert set(grouped.sums) == set(expected)
    for k, sums in grouped.sums.items():
        want = dict(expected[k])
        assert grouped.waits[k].by_rank == want.pop("wait_ranks")
        assert grouped.handles[k].by_rank == want.pop("handle_ranks")
        got = asdict(sums)
        assert {name: got[name] for name in want} == want, k


def test_concat_of_packed_rollups_equals_concat_of_facts() -> None:
    parts = [
        random_facts(3, 300, ["午休"]),
        random_facts(4, 0, []),
        random_facts(5, 200, ["会议", "午休"]),
    ]
    from_facts = Facts.concat(parts)
    mixed = Facts.concat([pack(parts[0]), parts[1], pack(parts[2])])
    assert mixed.reasons == from_facts.reasons == ["午休", "会议"]
    for name, dtype in ALL_COLUMNS.items():
        assert mixed[name].dtype == dtype
        assert np.array_equal(mixed[name], from_facts[name]), name
    # sparse indexes point at the same tickets after the shift
    first = len(parts[0]["waiting_at"])
    assert np.array_equal(mixed["waiting_at"][first:] - 300, parts[2]["waiting_at"])
    # pause kinds renumbered into the merged reasons: the third part's 会议 (1) is now 2
    third = mixed["w_kind"][80:]
    assert np.array_equal(third, np.array([0, 2, 1], np.int16)[parts[2]["w_kind"]])
