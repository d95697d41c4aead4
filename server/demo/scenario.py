"""The simulated day: a hall's set-up and who arrives when (pure data, seeded randomness)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

T = TypeVar("T")

HOURS = [["09:00", "12:00"], ["13:30", "17:00"]]

SERVICES: list[dict[str, object]] = [
    {
        "name": "户籍办理",
        "prefix": "A",
        "target_wait_minutes": 20,
        "target_handle_minutes": 8,
        "hours": HOURS,
    },
    {
        "name": "社保医保",
        "prefix": "B",
        "target_wait_minutes": 20,
        "target_handle_minutes": 6,
        "hours": HOURS,
    },
    {
        "name": "不动产登记",
        "prefix": "C",
        "target_wait_minutes": 30,
        "target_handle_minutes": 15,
        "hours": HOURS,
    },
    {
        "name": "企业开办",
        "prefix": "D",
        "target_wait_minutes": 30,
        "target_handle_minutes": 12,
        "hours": HOURS,
        "daily_limit": 40,
    },
]

# window number -> service prefixes in priority order
WINDOWS = {
    "1": ["A", "B"],
    "2": ["A", "B"],
    "3": ["B", "A"],
    "4": ["C"],
    "5": ["C", "D"],
    "6": ["D", "B"],
}

# mean handling minutes per service (the real ones, which differ from the targets)
HANDLE_MEAN = {"A": 6.0, "B": 4.5, "C": 12.0, "D": 9.5}

# arrivals per hour per service, by hour of day
ARRIVALS_PER_HOUR = {
    9: {"A": 14, "B": 12, "C": 5, "D": 4},
    10: {"A": 18, "B": 15, "C": 7, "D": 5},
    11: {"A": 12, "B": 11, "C": 4, "D": 4},
    13: {"A": 6, "B": 6, "C": 2, "D": 2},  # from 13:30
    14: {"A": 12, "B": 11, "C": 5, "D": 4},
    15: {"A": 10, "B": 9, "C": 4, "D": 4},
    16: {"A": 7, "B": 7, "C": 3, "D": 3},
}

OUTCOMES = [("done", 0.88), ("supplement", 0.07), ("returned", 0.03), ("rejected", 0.02)]
LEVELS = [(5, 0.70), (4, 0.18), (3, 0.07), (2, 0.03), (1, 0.02)]
BAD_REASONS = ["等候时间长", "一次性告知不清", "态度不好"]
GOOD_REASONS = ["办事快", "态度好", "一次办好"]


@dataclass(frozen=True)
class Arrival:
    at: datetime
    prefix: str
    priority: str


def local(day: date, hhmm: str, zone: ZoneInfo) -> datetime:
    h, m = hhmm.split(":")
    return datetime.combine(day, time(int(h), int(m)), tzinfo=zone)


def arrivals(day: date, zone: ZoneInfo, rng: random.Random) -> list[Arrival]:
    """Poisson arrivals per hour and service, inside the hours of issue."""
    out: list[Arrival] = []
    for hour, rates in ARRIVALS_PER_HOUR.items():
        start = datetime.combine(day, time(hour), tzinfo=zone)
        if hour == 13:
            start = start.replace(minute=30)
        end = datetime.combine(day, time(hour + 1), tzinfo=zone)
        span = (end - start).total_seconds()
        for prefix, per_hour in rates.items():
            rate = per_hour * span / 3600
            t = 0.0
            while True:
                t += rng.expovariate(rate / span)
                if t >= span:
                    break
                priority = "green" if rng.random() < 0.06 else "normal"
                out.append(Arrival(start + timedelta(seconds=t), prefix, priority))
    out.sort(key=lambda a: a.at)
    return out


def pick(rng: random.Random, weighted: list[tuple[T, float]]) -> T:
    roll, acc = rng.random(), 0.0
    for value, weight in weighted:
        acc += weight
        if roll < acc:
            return value
    return weighted[-1][0]
