"""The 好差评 platform's delivery state of a hall, as the console and any client read it.
Built by the server (server/queries/outbox.py), parsed by the client, one definition.

Routes (docs/api.md): `GET /platform/outbox?hall_id=`, `POST /platform/outbox/{id}/retry`,
`POST /platform/outbox/{id}/mark`.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class _Model(BaseModel):
    # Unknown fields are ignored so an older client keeps working against a newer server.
    model_config = ConfigDict(extra="ignore", frozen=True)


class OutboxItem(_Model):
    """One record on its way to the platform (a failed one, or one still waiting)."""

    id: int
    kind: str = Field(description="rating, rectification, followup, appeal")
    key: str = Field(description="the idempotency key the platform sees")
    state: str = Field(description="pending, sent, failed, marked, skipped")
    ticket_id: int | None = None
    ticket_number: str | None = None
    created_at: datetime
    attempts: int
    next_attempt_at: datetime | None = None
    last_attempt_at: datetime | None = None
    last_status: int | None = Field(default=None, description="HTTP status; null: no answer")
    last_answer: str | None = Field(default=None, description="what the platform said")
    handled_note: str | None = None


class PlatformOutbox(_Model):
    """Where a hall's records to the 好差评 platform stand."""

    hall_id: int
    configured: bool = Field(description="the hall has a [platform]")
    profile: str | None = None
    profile_title: str | None = None
    url: str | None = None
    alert_minutes: int | None = None
    sent_today: int = Field(description="acknowledged since the hall's midnight")
    pending: int = Field(description="still to send (waiting for a try or a retry)")
    oldest_pending_s: float | None = Field(
        description="age in seconds of the oldest record still to send; null: none"
    )
    overdue: bool = Field(description="oldest_pending_s is past alert_minutes")
    failed: list[OutboxItem] = Field(description="refused or given up: waiting for a person")
    waiting: list[OutboxItem] = Field(
        default_factory=list, description="the oldest records still to send (up to 20)"
    )


class MarkIn(BaseModel):
    note: str = Field(min_length=1, max_length=500, description="why (e.g. 已线下报送)")
