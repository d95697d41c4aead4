"""Weeks of the demo's own history, for the staffing plan's benchmarks: `govqueue demo --days N`
(every day through the real server), kept in a cache folder so the next run starts at once.

    GOVQUEUE_BENCH_CACHE=/somewhere   (default ~/.cache/govqueue-bench)
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

GOVQUEUE = str(Path(sys.executable).with_name("govqueue"))
# 25 working days ending Friday 2026-03-27: Tuesday 24 February (the first day after 春节),
# Saturday 28 February (调休, worked), then every weekday of March up to the 27th.
LAST_DAY = date(2026, 3, 27)
DAYS = 25
SEED = 20261127


def cache_folder() -> Path:
    default = Path.home() / ".cache" / "govqueue-bench"
    return Path(os.environ.get("GOVQUEUE_BENCH_CACHE", default))


def demo_history(days: int = DAYS, last: date = LAST_DAY, seed: int = SEED) -> str:
    """The URL of a database holding `days` simulated working days ending with `last`."""
    folder = cache_folder() / f"plan-demo-{seed}-{last.isoformat()}-{days}"
    db = folder / "govqueue.db"
    if (folder / "complete").exists():
        return f"sqlite:///{db}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.parent.mkdir(parents=True, exist_ok=True)
    print(f"simulating {days} demo days through the real server into {folder} …", flush=True)
    started = time.perf_counter()
    done = subprocess.run(
        [
            GOVQUEUE,
            "demo",
            "--speed",
            "0",
            "--seed",
            str(seed),
            "--day",
            last.isoformat(),
            "--days",
            str(days),
            "--data-dir",
            str(folder),
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "GOVQUEUE_NO_GUI": "1"},
    )
    if done.returncode != 0:
        raise SystemExit(f"govqueue demo failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    (folder / "complete").write_text(f"{time.perf_counter() - started:.0f} s\n")
    print(f"… done in {time.perf_counter() - started:.0f} s", flush=True)
    return f"sqlite:///{db}"
