"""Issuing tickets (kiosk), the ticket transitions (window staff) and evaluations."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response, status

from client.actions import TicketAction
from server.api.convert import issued_ticket_out, json_answer, ticket_out
from server.api.deps import (
    KioskDevice,
    OptionalActor,
    RuntimeDep,
    StaffOrIntegration,
    WindowStaff,
)
from server.api.params import IdPath, PublicToken
from server.api.responses import AUTH, BODY, errors
from server.api.schemas import (
    CasesIn,
    CasesOut,
    EvaluationIn,
    EvaluationOut,
    FinishIn,
    IssuedTicketOut,
    TicketIn,
    TicketOut,
    TransferIn,
)
from server.commands import cases, check_in, evaluations, tickets
from server.commands.rejoin import rejoin_by_token
from server.domain.actor import Actor, DeviceActor, PublicActor
from server.domain.errors import AuthenticationRequired
from server.domain.personal import normalize_id_no
from server.domain.texts import text
from server.queries.public import public_view
from server.queries.views import PublicTicketOut
from server.runtime import Runtime
from server.security import id_hash
from server.store.job import call

router = APIRouter(prefix="/tickets", tags=["tickets"])


@router.post(
    "",
    response_model=IssuedTicketOut,
    status_code=status.HTTP_201_CREATED,
    responses={
        200: {
            "model": IssuedTicketOut,
            "description": "The same request_id again: the ticket already issued for it",
        },
        **errors(*AUTH, 404, 409, *BODY),
    },
)
async def issue_ticket(
    body: TicketIn, request: Request, runtime: RuntimeDep, device: KioskDevice
) -> Response:
    """Take a number. The ticket is durable (fsynced) before this returns. A repeated
    `request_id` returns the ticket already issued for it, with status 200.

    预约签到: with `appointment_code` or `id_no` instead, today's appointment is checked in
    and its ticket issued (`appointment` set): 404 `appointment_not_found`; 409 `too_early`
    (check-in opens later: `opens_at`), `too_late` (offer a normal ticket for `service_id`),
    `already_checked_in` (`number`), `appointment_cancelled`; each with the slot's facts."""
    base = runtime.settings.public_base_url or str(request.base_url)
    return await issue_answer(runtime, device, body, base)


async def issue_answer(
    runtime: Runtime, device: DeviceActor, body: TicketIn, base: str
) -> Response:
    """The work and the answer of `issue_ticket` (also server/api/fast_path.py's)."""
    service_id, priority, request_id = body.service_id, body.priority, body.request_id
    if service_id is None or body.checks_in:
        issued = await runtime.write(call(check_in.check_in, device, _check_in(runtime, body)))
    else:
        issued = await runtime.write(
            call(tickets.issue, device, service_id, priority, request_id, body.elderly)
        )
    code = status.HTTP_200_OK if issued.replayed else status.HTTP_201_CREATED
    return json_answer(issued_ticket_out(issued, base.rstrip("/")), code)


def _check_in(runtime: Runtime, body: TicketIn) -> check_in.CheckInRequest:
    """The check-in of `body`: the ID number reduced to its keyed hash here, never handed on."""
    hashed = id_hash(runtime.personal_key, normalize_id_no(body.id_no)) if body.id_no else None
    return check_in.CheckInRequest(
        code=body.appointment_code,
        id_hash=hashed,
        service_id=body.service_id,
        request_id=body.request_id,
    )


@router.get(
    "/public/{public_token}", response_model=PublicTicketOut, responses=errors(404, 410, 422)
)
async def public_ticket(public_token: PublicToken, runtime: RuntimeDep) -> PublicTicketOut:
    catalog = runtime.writer.catalog
    now = runtime.clock.now()
    return await runtime.read(lambda s: public_view(s, catalog, public_token, now))


@router.post(
    "/public/{public_token}/rejoin",
    response_model=PublicTicketOut,
    responses=errors(404, 409, 410, 422),
)
async def rejoin_public(public_token: PublicToken, runtime: RuntimeDep) -> PublicTicketOut:
    """扫码过号重排: the holder of a no-show ticket puts it back in the queue, if the hall
    allows it, within its minutes of the 过号, once (409 with the reason otherwise:
    rejoin_off, rejoin_used, rejoin_not_missed, rejoin_too_late); the ticket's view after."""
    await runtime.write(call(rejoin_by_token, public_token))
    return await public_ticket(public_token, runtime)


async def transition_answer(
    runtime: Runtime, actor: Actor, ticket_id: int, action: TicketAction, **kw: Any
) -> Response:
    """The work and the answer of the transition routes (also server/api/fast_path.py's)."""
    ticket = await runtime.write(call(tickets.transition, actor, ticket_id, action, **kw))
    return json_answer(ticket_out(ticket))


@router.post(
    "/{ticket_id}/recall", response_model=TicketOut, responses=errors(*AUTH, 404, 409, 422)
)
async def recall(ticket_id: IdPath, runtime: RuntimeDep, staff: WindowStaff) -> Response:
    return await transition_answer(runtime, staff, ticket_id, TicketAction.recall)


@router.post("/{ticket_id}/start", response_model=TicketOut, responses=errors(*AUTH, 404, 409, 422))
async def start(ticket_id: IdPath, runtime: RuntimeDep, staff: WindowStaff) -> Response:
    return await transition_answer(runtime, staff, ticket_id, TicketAction.start)


@router.post(
    "/{ticket_id}/finish", response_model=TicketOut, responses=errors(*AUTH, 404, 409, *BODY)
)
async def finish(
    ticket_id: IdPath, body: FinishIn, runtime: RuntimeDep, staff: WindowStaff
) -> Response:
    """办结 with an outcome; `case_nos` (办件编号) are attached in the same transaction."""
    return await transition_answer(
        runtime, staff, ticket_id, TicketAction.finish, outcome=body.outcome, case_nos=body.case_nos
    )


@router.post(
    "/{ticket_id}/cases", response_model=CasesOut, responses=errors(*AUTH, 404, 409, *BODY)
)
async def attach_cases(
    ticket_id: IdPath, body: CasesIn, runtime: RuntimeDep, caller: StaffOrIntegration
) -> CasesOut:
    """Attach 办件编号 to a ticket being served or finished: the clerk of that window (while
    serving, or the one who finished it, the same day), a supervisor or admin of the hall, or
    the hall's case system (an integration credential). Numbers already attached are kept
    once. Answers every number of the ticket."""
    ticket, numbers = await runtime.write(
        call(cases.attach_cases, caller, ticket_id, body.case_nos)
    )
    return CasesOut(ticket_id=ticket.id or 0, number=ticket.number, case_nos=numbers)


@router.post(
    "/{ticket_id}/no-show", response_model=TicketOut, responses=errors(*AUTH, 404, 409, 422)
)
async def no_show(ticket_id: IdPath, runtime: RuntimeDep, staff: WindowStaff) -> Response:
    return await transition_answer(runtime, staff, ticket_id, TicketAction.no_show)


@router.post(
    "/{ticket_id}/requeue", response_model=TicketOut, responses=errors(*AUTH, 404, 409, 422)
)
async def requeue(ticket_id: IdPath, runtime: RuntimeDep, staff: WindowStaff) -> Response:
    return await transition_answer(runtime, staff, ticket_id, TicketAction.requeue)


@router.post(
    "/{ticket_id}/cancel", response_model=TicketOut, responses=errors(*AUTH, 404, 409, 422)
)
async def cancel(ticket_id: IdPath, runtime: RuntimeDep, staff: WindowStaff) -> Response:
    return await transition_answer(runtime, staff, ticket_id, TicketAction.cancel)


@router.post(
    "/{ticket_id}/transfer", response_model=TicketOut, responses=errors(*AUTH, 404, 409, *BODY)
)
async def transfer(
    ticket_id: IdPath, body: TransferIn, runtime: RuntimeDep, staff: WindowStaff
) -> Response:
    """Hand the applicant to another service: returns the new ticket (origin linked)."""
    ticket = await runtime.write(call(tickets.transfer, staff, ticket_id, body.service_id))
    return json_answer(ticket_out(ticket))


@router.post(
    "/{ticket_id}/evaluation",
    response_model=EvaluationOut,
    status_code=status.HTTP_201_CREATED,
    responses=errors(*AUTH, 404, 409, *BODY),
)
async def evaluate(
    ticket_id: IdPath, body: EvaluationIn, runtime: RuntimeDep, actor: OptionalActor
) -> EvaluationOut:
    """Rate a finished ticket: from the window's evaluator pad (device token) or the QR page
    (`public_token` in the body). Staff tokens are refused."""
    who: Actor
    if actor is not None:
        who = actor
    elif body.public_token:
        who = PublicActor(body.public_token)
    else:
        raise AuthenticationRequired(text("auth.required"))
    days = runtime.settings.rectification_working_days
    calendar = runtime.settings.working_calendar()
    evaluation = await runtime.write(
        call(
            evaluations.evaluate,
            who,
            ticket_id,
            body.level,
            body.reasons,
            body.comment,
            rectification_days=days,
            calendar=calendar,
        )
    )
    return EvaluationOut.model_validate(evaluation)
