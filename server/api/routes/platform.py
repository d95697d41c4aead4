"""好差评 to the government platform: where a hall's records stand (supervisors and admins),
and an admin's retry or mark of a record that failed (docs/platform.md)."""

from __future__ import annotations

from fastapi import APIRouter

from client.platform import MarkIn, OutboxItem, PlatformOutbox
from server.api.deps import AdminUser, RuntimeDep, Supervisor
from server.api.params import IdPath, OptionalIdQuery
from server.api.responses import AUTH, BODY, errors
from server.api.stats_scope import one_hall
from server.commands import outbox
from server.queries.outbox import delivery_state, item
from server.store.job import call

router = APIRouter(prefix="/platform", tags=["platform"])


@router.get("/outbox", response_model=PlatformOutbox, responses=errors(*AUTH, 404, 422))
async def outbox_state(
    runtime: RuntimeDep, user: Supervisor, hall_id: OptionalIdQuery = None
) -> PlatformOutbox:
    """The hall's records to the platform: sent today, still to send, the oldest one's age
    in seconds, and every failed one with the platform's answer."""
    hall = one_hall(user, hall_id)
    now = runtime.clock.now()
    return await runtime.read(lambda session: delivery_state(session, hall, now))


@router.post(
    "/outbox/{message_id}/retry", response_model=OutboxItem, responses=errors(*AUTH, 404, 409)
)
async def retry(runtime: RuntimeDep, user: AdminUser, message_id: IdPath) -> OutboxItem:
    """Send a failed (or waiting) record again now, its tries counted from zero."""
    message = await runtime.write(call(outbox.retry, user, message_id))
    if runtime.sender is not None:
        runtime.sender.wake()
    return item(message)


@router.post(
    "/outbox/{message_id}/mark", response_model=OutboxItem, responses=errors(*AUTH, 404, 409, *BODY)
)
async def mark(
    runtime: RuntimeDep, user: AdminUser, message_id: IdPath, body: MarkIn
) -> OutboxItem:
    """Settle a record by hand (reported another way, or not to be sent), with a note; the
    records of its ticket after it go on."""
    message = await runtime.write(call(outbox.mark, user, message_id, body.note))
    if runtime.sender is not None:
        runtime.sender.wake()
    return item(message)
