"""The nightly maintenance's writes (server/maintenance/nightly.py): claiming a night's run,
recording its steps, and the personal-data retention jobs.

Retention is a registry: a feature that stores personal data (a complainant's phone, an
appointment's ID number, an SMS number) adds a module-level job here with `@retention("…")`:
`job(tx, before) -> rows cleared`, clearing what it keeps about people from records older
than `before` (counts and statistics stay). The nightly run calls every registered job.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

from sqlalchemy import update
from sqlmodel import col, select

from server.commands import appointment_upkeep
from server.store.tables import Complaint, MaintenanceRun
from server.store.transaction import Tx

STALE_AFTER = timedelta(hours=2)  # a run not finished by then died with its process

RetentionJob = Callable[[Tx, datetime], int]
RETENTION: dict[str, tuple[str, RetentionJob]] = {}  # name -> (what it clears, in words; job)


def retention(name: str, label: str) -> Callable[[RetentionJob], RetentionJob]:
    """Register a retention job (a module-level function of server/commands/); `label` says
    what it clears, for the console (e.g. 投诉人姓名和电话)."""

    def register(job: RetentionJob) -> RetentionJob:
        RETENTION[name] = (label, job)
        return job

    return register


def run_retention(tx: Tx, name: str, before: datetime) -> int:
    """The registered retention job `name` (the writer's job: the registry's functions are
    called from here)."""
    _label, job = RETENTION[name]
    return job(tx, before)


def claim_night(tx: Tx, night: date, runner: str) -> int | None:
    """The run id for `night` if this caller is to run it; None when it is done, or running
    elsewhere (another process or `govqueue maintenance run`)."""
    run = tx.session.exec(select(MaintenanceRun).where(MaintenanceRun.night == night)).first()
    if run is None:
        run = MaintenanceRun(night=night, started_at=tx.now, runner=runner)
        tx.session.add(run)
        tx.session.flush()
        return run.id
    if run.ok or (run.ok is None and tx.now - run.started_at < STALE_AFTER):
        return None
    run.started_at, run.finished_at, run.ok, run.steps, run.runner = tx.now, None, None, [], runner
    tx.session.add(run)
    return run.id


def finish_run(tx: Tx, run_id: int, ok: bool, steps: list[dict[str, object]]) -> None:
    run = tx.session.get(MaintenanceRun, run_id)
    if run is None:  # pragma: no cover - rows are never deleted
        return
    run.finished_at, run.ok, run.steps = tx.now, ok, steps
    tx.session.add(run)


@retention("complainants", "投诉人姓名和电话")
def forget_complainants(tx: Tx, before: datetime) -> int:
    """A closed complaint received before `before` keeps no name or phone (its content,
    channel, times and links stay: the 投诉 statistics are unchanged)."""
    result = tx.session.execute(
        update(Complaint)
        .where(col(Complaint.received_at) < before, col(Complaint.state) == "closed")
        .where(
            col(Complaint.complainant_name).is_not(None)
            | col(Complaint.complainant_phone).is_not(None)
        )
        .values(complainant_name=None, complainant_phone=None)
    )
    return int(getattr(result, "rowcount", 0) or 0)


@retention("appointments", "预约人的证件号（哈希及后四位）、姓名和电话")
def forget_appointment_holders(tx: Tx, before: datetime) -> int:
    """Appointments keep no personal data past their hall's `retention_days` after the day
    (90 unless the hall sets it: docs/appointments.md), whatever `before` says; service,
    slot, status and times stay, for the counts."""
    return appointment_upkeep.purge_past_retention(tx)
