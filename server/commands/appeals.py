"""申诉 (appeal) of a 差评 the hall holds malicious or mistaken: filed with a reason and the
evidence (a supervisor or admin of the hall), decided once by an admin. Upheld, the rating no
longer counts in 满意率 and the other rating rates (docs/indicators.md) nor as a 差评 to
rectify; its ticket's day is counted again; the platform is told where its profile has a
field for it (server/commands/platform_records.py)."""

from __future__ import annotations

from sqlmodel import select

from server.commands import platform_records
from server.commands.stats_marks import note_late_change
from server.domain.actor import StaffActor, ensure_hall
from server.domain.enums import Role
from server.domain.errors import Conflict, NotFound, PermissionDenied
from server.domain.texts import text
from server.store import lookups
from server.store.tables import Appeal, Evaluation, Rectification
from server.store.transaction import Tx

BAD_LEVELS = (1, 2)
STATES = ("pending", "upheld", "rejected")


def file_appeal(
    tx: Tx, actor: StaffActor, rectification_id: int, reason: str, evidence: str
) -> Appeal:
    """申诉 of the 差评 behind a rectification (差评整改 lists them)."""
    rectification = tx.session.get(Rectification, rectification_id)
    if rectification is None:
        raise NotFound(text("rectification.not_found", rectification_id=rectification_id))
    evaluation = tx.session.get(Evaluation, rectification.evaluation_id)
    assert evaluation is not None
    ensure_hall(actor, evaluation.hall_id)
    tx.lock_hall(evaluation.hall_id)
    if evaluation.level not in BAD_LEVELS:  # pragma: no cover - rectifications are of 差评
        raise Conflict(text("appeal.not_bad"))
    if rectification.closed_at is not None:  # the hall rectified: it accepted the 差评
        raise Conflict(text("appeal.rectified", rectification_id=rectification_id))
    existing = tx.session.exec(select(Appeal).where(Appeal.evaluation_id == evaluation.id)).first()
    if existing is not None:
        raise Conflict(text("appeal.exists", state=text(f"appeal_state.{existing.state}")))
    appeal = Appeal(
        evaluation_id=evaluation.id or 0,
        hall_id=evaluation.hall_id,
        reason=reason,
        evidence=evidence,
        state="pending",
        filed_at=tx.now,
        filed_by=actor.staff_id,
    )
    tx.session.add(appeal)
    tx.session.flush()
    return appeal


def decide_appeal(
    tx: Tx, actor: StaffActor, rectification_id: int, *, upheld: bool, decision: str
) -> Appeal:
    """An admin's decision on the 申诉 of a rectification's 差评, once: upheld (成立) or
    rejected (不成立), with the reasons."""
    if actor.role != Role.admin:
        raise PermissionDenied(text("auth.role", roles="admin"))
    rectification = tx.session.get(Rectification, rectification_id)
    if rectification is None:
        raise NotFound(text("rectification.not_found", rectification_id=rectification_id))
    appeal = tx.session.exec(
        select(Appeal).where(Appeal.evaluation_id == rectification.evaluation_id)
    ).first()
    if appeal is None:
        raise NotFound(text("appeal.none", rectification_id=rectification_id))
    ensure_hall(actor, appeal.hall_id)
    tx.lock_hall(appeal.hall_id)
    tx.session.refresh(appeal)
    if appeal.state != "pending":
        raise Conflict(text("appeal.decided", state=text(f"appeal_state.{appeal.state}")))
    appeal.state = "upheld" if upheld else "rejected"
    appeal.decided_at = tx.now
    appeal.decided_by = actor.staff_id
    appeal.decision = decision
    tx.session.add(appeal)
    tx.session.flush()
    evaluation = tx.session.get(Evaluation, appeal.evaluation_id)
    assert evaluation is not None
    ticket = lookups.ticket(tx.session, evaluation.ticket_id)
    zone = tx.catalog.service(tx.session, ticket.service_id).zone
    note_late_change(tx, ticket.hall_id, ticket.business_day, zone)  # 满意率 of that day
    platform_records.appeal_decided(tx, appeal, evaluation)
    return appeal
