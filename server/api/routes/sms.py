"""短信提醒 (issue 27): the kiosk records an applicant's mobile number for their ticket
(opt-in), and supervisors see where the hall's text messages stand (the outbox's "sms"
channel; a failed one is retried or settled with the platform's routes, /platform/outbox/
{id}/retry and /mark, which take any outbox message). docs/api.md, docs/platform.md."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from client.platform import PlatformOutbox
from client.replies import PhoneOut
from server.api.deps import KioskDevice, RuntimeDep, Supervisor
from server.api.params import IdPath, OptionalIdQuery
from server.api.responses import AUTH, BODY, errors
from server.api.stats_scope import one_hall
from server.commands import sms
from server.queries.outbox import delivery_state
from server.store.job import call

router = APIRouter(tags=["sms"])


class PhoneIn(BaseModel):
    phone: str = Field(min_length=1, max_length=20, description="11-digit mainland mobile")


@router.post(
    "/tickets/{ticket_id}/phone",
    response_model=PhoneOut,
    responses=errors(*AUTH, 404, 409, *BODY),
)
async def add_phone(
    ticket_id: IdPath, body: PhoneIn, runtime: RuntimeDep, device: KioskDevice
) -> PhoneOut:
    """The kiosk that issued the ticket leaves the applicant's number for 短信提醒 (the hall
    has an [sms] gateway: else 409 sms_off; the ticket still waiting: else 409)."""
    masked = await runtime.write(call(sms.add_phone, device, ticket_id, body.phone))
    return PhoneOut(ticket_id=ticket_id, phone=masked)


@router.get("/sms/outbox", response_model=PlatformOutbox, responses=errors(*AUTH, 404, 422))
async def sms_outbox(
    runtime: RuntimeDep, user: Supervisor, hall_id: OptionalIdQuery = None
) -> PlatformOutbox:
    """The hall's text messages: sent today, still to send, the oldest one's age, and every
    failed one with the gateway's answer (no phone number: messages are named by ticket)."""
    hall = one_hall(user, hall_id)
    now = runtime.clock.now()
    return await runtime.read(lambda session: delivery_state(session, hall, now, "sms"))
