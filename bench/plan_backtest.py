"""Back-test of the staffing plan's predictions on the demo's own history.

    .venv/bin/python bench/plan_backtest.py [--runs 20] [--seed 1]

25 working days simulated by `govqueue demo --days 25` through the real server (cached, see
plan_history.py). The last week is held out: for each of its days the plan reads the weeks
before (same class of day), and predicts, with the windows actually opened that day (its
window.status events: lunch, the fault at window 6), the waits per hour; those are set
against the waits the day really had (its tickets: entered the queue → first call). Prints
the hour-by-hour comparison and the errors; asserts nothing.

What it measures: the model (Poisson arrivals at the class's mean rate, the window time per
ticket drawn from the past, the hall's call order) against a day whose applicants are one
draw of the same process, whose clerks walk up, miss calls, transfer and requeue. The error
of one day's hourly figure is mostly that day's own chance (a few applicants more or less),
which the spread over runs shows; the bias over the week is the model's.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from collections import defaultdict
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
for folder in (ROOT, Path(__file__).resolve().parent):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from plan_history import DAYS, LAST_DAY, demo_history  # noqa: E402

ZONE = ZoneInfo("Asia/Shanghai")
HELD_OUT = 5


def actual_waits(
    session: Any, hall_id: int, day: date
) -> dict[int, list[tuple[float | None, float]]]:
    """hour of entering the queue -> [(wait s or None if never called, target s)] of a day."""
    from sqlalchemy import select

    from server.queries.stats.sql import SERVICE, TICKET

    t, s = TICKET.c, SERVICE.c
    midnight = datetime.combine(day, time(), tzinfo=ZONE)
    rows = session.execute(
        select(t.entered_queue_at, t.called_at, s.target_wait_minutes)
        .join(SERVICE, s.id == t.service_id)
        .where(t.hall_id == hall_id, t.business_day == day)
    )
    out: dict[int, list[tuple[float | None, float]]] = defaultdict(list)
    for entered, called, target in rows:
        hour = int((entered - midnight).total_seconds() // 3600)
        wait = None if called is None else (called - entered).total_seconds()
        out[hour].append((wait, target * 60.0))
    return out


def minutes(seconds: float | None) -> str:
    return "—" if seconds is None else f"{seconds / 60:5.1f}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    from sqlmodel import Session

    from server.domain.calendar import WorkingCalendar
    from server.domain.planning.montecarlo import Figures
    from server.queries.plan_request import PlanRequest, hall_id_of
    from server.queries.staffing_plan import staffing_plan
    from server.store.engine import make_engine

    url = demo_history()
    engine = make_engine(url)
    calendar = WorkingCalendar()
    with Session(engine) as session:
        hall = hall_id_of(session, "DEMO")
        found = session.connection().exec_driver_sql("select distinct business_day from ticket")
        days = sorted(date.fromisoformat(str(d)) for (d,) in found)
    assert len(days) == DAYS and days[-1] == LAST_DAY, days
    held_out, history = days[-HELD_OUT:], days[:-HELD_OUT]
    print(
        f"history {history[0]} … {history[-1]} ({len(history)} working days), "
        f"held out {held_out[0]} … {held_out[-1]}; {args.runs} runs, seed {args.seed}\n"
    )
    errors: dict[str, list[float]] = defaultdict(list)
    inside: dict[str, list[bool]] = defaultdict(list)
    day_rows = []
    for day in held_out:
        with Session(engine) as session:
            request = PlanRequest(hall, history[0], history[-1], day, None, args.runs, args.seed)
            report = staffing_plan(session, request, now=datetime.now(ZONE), calendar=calendar)
            actual = actual_waits(session, hall, day)
        assert report["current_day"] == day.isoformat()  # the day's own windows
        print(
            f"{day} ({report['day_class_label']}, mean of {len(report['basis_days'])} "
            f"days: {', '.join(report['basis_days'])})"
        )
        print(
            "  hour   tickets pred/act   mean wait min pred [80%] / act   "
            "P90 min pred / act   超时等候率 pred / act"
        )
        all_actual: list[tuple[float | None, float]] = []
        for row in report["hours"]:
            got = actual.get(row["hour"], [])
            all_actual += got
            fact = Figures.of([w for w, _ in got], [t for _, t in got])
            pred = row["current"]
            low_high = pred["wait_avg_s_range"]
            print(
                f"  {row['hour']:02d}:00  {pred['tickets']:6.1f} / {len(got):3d}   "
                f"{minutes(pred['wait_avg_s'])} [{minutes(low_high[0]) if low_high else '—'}–"
                f"{minutes(low_high[1]) if low_high else '—'}] / {minutes(fact.wait_mean_s)}   "
                f"{minutes(pred['wait_p90_s'])} / {minutes(fact.wait_p90_s)}   "
                f"{_pct(pred['over_target_wait_rate'])} / {_pct(fact.over_rate)}"
            )
            if fact.wait_mean_s is not None and pred["wait_avg_s"] is not None and len(got) >= 5:
                errors["hour mean wait"].append((pred["wait_avg_s"] - fact.wait_mean_s) / 60)
                errors["hour P90 wait"].append((pred["wait_p90_s"] - fact.wait_p90_s) / 60)
                errors["hour 超时等候率"].append(pred["over_target_wait_rate"] - fact.over_rate)
                if low_high:
                    inside["hour mean wait"].append(low_high[0] <= fact.wait_mean_s <= low_high[1])
        whole = Figures.of([w for w, _ in all_actual], [t for _, t in all_actual])
        pred_day = report["total"]["current"]
        errors["day mean wait"].append((pred_day["wait_avg_s"] - (whole.wait_mean_s or 0)) / 60)
        errors["day P90 wait"].append((pred_day["wait_p90_s"] - (whole.wait_p90_s or 0)) / 60)
        errors["day tickets"].append(pred_day["tickets"] - whole.tickets)
        rng = pred_day["wait_avg_s_range"]
        inside["day mean wait"].append(bool(rng) and rng[0] <= (whole.wait_mean_s or 0) <= rng[1])
        day_rows.append(
            (
                day,
                pred_day,
                whole,
                report["total"]["plan"]["window_hours"],
                report["total"]["current"]["window_hours"],
            )
        )
        print()
    print("the day: predicted / actual")
    for day, pred, fact, plan_hours, now_hours in day_rows:
        print(
            f"  {day}  tickets {pred['tickets']:6.1f} / {fact.tickets:3d}   mean wait "
            f"{minutes(pred['wait_avg_s'])} / {minutes(fact.wait_mean_s)} min   P90 "
            f"{minutes(pred['wait_p90_s'])} / {minutes(fact.wait_p90_s)} min   "
            f"超时等候率 {_pct(pred['over_target_wait_rate'])} / {_pct(fact.over_rate)}   "
            f"(plan {plan_hours:g} window-hours, actual staffing {now_hours:g})"
        )
    print("\nerrors, predicted − actual (hours with at least 5 tickets):")
    for name, values in errors.items():
        bias, mae = statistics.fmean(values), statistics.fmean(abs(v) for v in values)
        if "率" in name:
            shown = f"mean (bias) {bias * 100:+.1f} pt  mean absolute {mae * 100:.1f} pt"
        else:
            unit = "" if "tickets" in name else " min"
            shown = f"mean (bias) {bias:+.2f}{unit}  mean absolute {mae:.2f}{unit}"
        print(f"  {name:18s} n={len(values):2d}  {shown}")
    for name, hits in inside.items():
        print(f"  actual {name} inside the predicted 10–90 % range: {sum(hits)}/{len(hits)}")


def _pct(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:5.1f}%"


if __name__ == "__main__":
    main()
