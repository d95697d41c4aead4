"""Appointments (预约) for the 政务服务网 and other integrations: the bookable slots, booking,
reading and cancelling. The ID number is reduced to its keyed hash and last 4 digits here,
before anything is handed to the writer."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status

from server.api.appointment_schemas import (
    AppointmentIn,
    AppointmentOut,
    DayAppointmentOut,
    HallDayOut,
    NoShowOut,
    SlotCountsOut,
    SlotOut,
    appointment_out,
)
from server.api.convert import issued_ticket_out, json_answer
from server.api.deps import (
    IntegrationCaller,
    RuntimeDep,
    StaffOrIntegration,
    Supervisor,
    WindowStaff,
)
from server.api.params import BusinessDate, IdPath, IdQuery, OptionalIdQuery
from server.api.responses import AUTH, BODY, errors
from server.api.schemas import IssuedTicketOut
from server.commands import appointment_upkeep, appointments, check_in
from server.domain.actor import ensure_hall
from server.domain.appointments import ensure_may_see
from server.domain.errors import InvalidInput
from server.domain.personal import checked_id_no, last4
from server.domain.texts import text
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


@router.get("/day", response_model=HallDayOut, responses=errors(*AUTH, 404, 422))
async def hall_day(
    runtime: RuntimeDep,
    user: Supervisor,
    hall_id: OptionalIdQuery = None,
    day: DayQuery = None,
) -> HallDayOut:
    """A hall's appointments of a day (default today) in slot order, with the counts per
    service and slot: booked, checked in, called, 失约, cancelled (the console)."""
    hall = hall_id if hall_id is not None else user.hall_id
    if hall is None:
        raise InvalidInput(text("stats.hall_required"))
    ensure_hall(user, hall)
    catalog, now = runtime.writer.catalog, runtime.clock.now()
    wanted, slots, items = await runtime.read(lambda s: reads.hall_day(s, catalog, hall, day, now))
    return HallDayOut(
        hall_id=hall,
        business_day=wanted,
        slots=[SlotCountsOut(**asdict(c)) for c in slots],
        items=[
            DayAppointmentOut(
                **appointment_out(i.record).model_dump(),
                ticket_number=i.ticket_number,
                ticket_status=i.ticket_status,
                called_at=i.called_at,
            )
            for i in items
        ],
    )


@router.get("/no-shows", response_model=list[NoShowOut], responses=errors(*AUTH, 422))
async def no_shows(
    runtime: RuntimeDep, user: Supervisor, hall_id: OptionalIdQuery = None
) -> list[NoShowOut]:
    """People with no-shows (失约) that still count, those barred from online booking first."""
    hall = hall_id if hall_id is not None else user.hall_id
    if hall is None:
        raise InvalidInput(text("stats.hall_required"))
    ensure_hall(user, hall)
    catalog, now = runtime.writer.catalog, runtime.clock.now()
    people = await runtime.read(lambda s: reads.no_show_list(s, catalog, hall, now))
    return [NoShowOut(**asdict(p)) for p in people]


@router.post(
    "/no-shows/{appointment_id}/lift",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=errors(*AUTH, 404, 409, 422),
)
async def lift_no_show_bar(appointment_id: IdPath, runtime: RuntimeDep, user: Supervisor) -> None:
    """Lift the no-show bar of the person of this appointment: their misses so far no longer
    count (recorded as `appointment.bar_lifted`)."""
    await runtime.write(call(appointment_upkeep.lift_bar, user, appointment_id))


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


@router.post(
    "/{appointment_id}/check-in",
    response_model=IssuedTicketOut,
    status_code=status.HTTP_201_CREATED,
    responses=errors(*AUTH, 404, 409, 422),
)
async def check_in_at_desk(
    appointment_id: IdPath, request: Request, runtime: RuntimeDep, staff: WindowStaff
) -> Response:
    """A staffed desk (导办台) checks the person in: the appointment's ticket, issued now (the
    same rules as at the kiosk: 409 `too_early` / `too_late` / `already_checked_in`)."""
    issued = await runtime.write(
        call(check_in.check_in, staff, check_in.CheckInRequest(appointment_id=appointment_id))
    )
    base = runtime.settings.public_base_url or str(request.base_url)
    return json_answer(issued_ticket_out(issued, base.rstrip("/")), status.HTTP_201_CREATED)


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
