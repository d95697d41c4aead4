"""Appointments (预约) for the 政务服务网 and other integrations: the bookable slots, booking,
reading and cancelling. The ID number is reduced to its keyed hash and last 4 digits here,
before anything is handed to the writer."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from server.api.appointment_schemas import AppointmentIn, AppointmentOut, SlotOut, appointment_out
from server.api.convert import json_answer
from server.api.deps import IntegrationCaller, RuntimeDep, StaffOrIntegration
from server.api.params import BusinessDate, IdPath, IdQuery
from server.api.responses import AUTH, BODY, errors
from server.commands import appointments
from server.domain.actor import ensure_hall
from server.domain.appointments import ensure_may_see
from server.domain.personal import checked_id_no, last4
from server.queries import appointments as reads
from server.security import id_hash
from server.store.job import call

router = APIRouter(prefix="/appointments", tags=["appointments"])

DayQuery = Annotated[BusinessDate | None, Query()]


@router.get("/slots", response_model=list[SlotOut], responses=errors(*AUTH, 404, 422, 429))
async def slots(
    service_id: IdQuery,
    runtime: RuntimeDep,
    caller: StaffOrIntegration,
    start: Annotated[BusinessDate | None, Query(alias="from")] = None,
    end: Annotated[BusinessDate | None, Query(alias="to")] = None,
) -> list[SlotOut]:
    """The slots that can be booked now (the rules of the hall applied: working days with
    调休, days ahead, same day, booking deadline), with the seats left; full ones left out.
    `from`/`to`: business days, default every bookable day."""
    catalog = runtime.writer.catalog
    calendar = runtime.settings.working_calendar()
    now = runtime.clock.now()
    service, found = await runtime.read(
        lambda s: reads.service_slots(s, catalog, service_id, calendar, now, start, end)
    )
    ensure_hall(caller, service.hall_id)
    zone = service.zone
    return [
        SlotOut(
            slot_start=s.slot.start.astimezone(zone),
            slot_end=s.slot.end.astimezone(zone),
            quota=s.quota,
            remaining=s.remaining,
        )
        for s in found
    ]


@router.post(
    "",
    response_model=AppointmentOut,
    status_code=status.HTTP_201_CREATED,
    responses={
        200: {"model": AppointmentOut, "description": "The same request_id again"},
        **errors(*AUTH, 404, 409, 429, *BODY),
    },
)
async def book(body: AppointmentIn, runtime: RuntimeDep, caller: IntegrationCaller) -> Response:
    """Book a slot. 409 with the reason when a rule forbids it (`code`: slot_full,
    one_per_day, booking_closed, day_not_bookable, not_a_slot, no_show_barred, …)."""
    id_no = checked_id_no(body.id_type, body.id_no)
    request = appointments.BookingRequest(
        service_id=body.service_id,
        slot_start=body.slot_start,
        id_type=body.id_type,
        id_hash=id_hash(runtime.personal_key, id_no),
        id_last4=last4(id_no),
        name=body.name,
        phone=body.phone.replace(" ", "").replace("-", ""),
        request_id=body.request_id,
    )
    calendar = runtime.settings.working_calendar()
    booked = await runtime.write(call(appointments.book, caller, request, calendar))
    code = status.HTTP_200_OK if booked.replayed else status.HTTP_201_CREATED
    return json_answer(appointment_out(booked), code)


@router.get(
    "/{appointment_id}", response_model=AppointmentOut, responses=errors(*AUTH, 404, 422, 429)
)
async def read_one(
    appointment_id: IdPath, runtime: RuntimeDep, caller: StaffOrIntegration
) -> AppointmentOut:
    """An appointment and its state (an integration: those it booked)."""
    catalog = runtime.writer.catalog
    found = await runtime.read(lambda s: reads.appointment_record(s, catalog, appointment_id))
    ensure_may_see(caller, found.hall_id, found.integration_id, appointment_id)
    return appointment_out(found)


@router.delete(
    "/{appointment_id}", response_model=AppointmentOut, responses=errors(*AUTH, 404, 409, 422, 429)
)
async def cancel(
    appointment_id: IdPath, runtime: RuntimeDep, caller: StaffOrIntegration
) -> AppointmentOut:
    """Cancel: refused after the hall's cancel deadline (409 cancel_closed, with the time) for
    an integration; a supervisor of the hall may still cancel until check-in."""
    cancelled = await runtime.write(call(appointments.cancel, caller, appointment_id))
    return appointment_out(cancelled)
