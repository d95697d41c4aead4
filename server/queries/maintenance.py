"""The nightly maintenance's recent runs, newest first (the console's 夜间维护)."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel
from sqlmodel import Session, col, select

from server.store.tables import MaintenanceRun


class StepOut(BaseModel):
    step: str  # rollup, retention, backup, checkpoint
    ok: bool
    detail: str
    seconds: float


class RunOut(BaseModel):
    night: date
    started_at: datetime
    finished_at: datetime | None
    ok: bool | None  # None: running, or its process died (run again after 2 hours)
    runner: str
    steps: list[StepOut]


def recent_runs(session: Session, limit: int = 14) -> list[RunOut]:
    runs = session.exec(
        select(MaintenanceRun).order_by(col(MaintenanceRun.night).desc()).limit(limit)
    )
    return [
        RunOut(
            night=run.night,
            started_at=run.started_at,
            finished_at=run.finished_at,
            ok=run.ok,
            runner=run.runner,
            steps=[StepOut.model_validate(step) for step in run.steps],
        )
        for run in runs
    ]
