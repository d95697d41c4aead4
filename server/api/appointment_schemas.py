"""What the appointment routes accept and return. Times of a slot are written with the hall's
offset (2026-11-27T09:00:00+08:00); personal data only masked."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from pydantic import BaseModel, Field

from server.api.params import Id, PersonName
from server.domain.appointments import STATUS_NAMES, AppointmentStatus
from server.domain.personal import ID_TYPE_NAMES, IdType, mask_name, mask_phone, masked_id
from server.store.lookups import AppointmentRecord

REQUEST_ID = Field(
    default=None,
    min_length=8,
    max_length=64,
    pattern=r"^[A-Za-z0-9_-]+$",
    description="Idempotency key (e.g. a UUID per booking): the same key again returns the "
    "appointment already booked (200) instead of a second one (201)",
)


class SlotOut(BaseModel):
    slot_start: datetime
    slot_end: datetime
    quota: int
    remaining: int


class AppointmentIn(BaseModel):
    service_id: Id
    slot_start: datetime = Field(
        description="a slot's start as GET /appointments/slots gave it (an offset; without "
        "one, the hall's local time)"
    )
    id_type: IdType = Field(description="id_card 居民身份证, passport, hk_macao_permit, …")
    id_no: str = Field(min_length=1, max_length=40, description="never stored in clear")
    name: PersonName
    phone: str = Field(min_length=5, max_length=20, pattern=r"^\+?[0-9][0-9 -]{3,18}[0-9]$")
    request_id: str | None = REQUEST_ID


class ServiceRef(BaseModel):
    id: int
    name: str


class AppointmentOut(BaseModel):
    id: int
    code: str = Field(description="6 digits: entered or scanned (QR) at the kiosk to check in")
    service: ServiceRef
    slot_start: datetime
    slot_end: datetime
    status: AppointmentStatus
    status_text: str
    business_day: date
    id_type: IdType
    id_type_text: str
    id_no: str = Field(description="masked: only the last 4 digits")
    name: str | None = Field(description="masked (张*三)")
    phone: str | None = Field(description="masked (138****1234)")
    qr_text: str = Field(description="what the confirmation's QR code holds (the code)")
    check_in_opens_at: datetime
    check_in_closes_at: datetime
    cancel_deadline: datetime
    created_at: datetime
    cancelled_at: datetime | None = None
    checked_in_at: datetime | None = None
    ticket_id: int | None = None


def appointment_out(r: AppointmentRecord) -> AppointmentOut:
    zone = ZoneInfo(r.zone)

    def local(instant: datetime | None) -> datetime | None:
        return instant.astimezone(zone) if instant is not None else None

    status = AppointmentStatus(r.status)
    id_type = IdType(r.id_type)
    return AppointmentOut(
        id=r.id,
        code=r.code,
        service=ServiceRef(id=r.service_id, name=r.service_name),
        slot_start=r.slot_start.astimezone(zone),
        slot_end=r.slot_end.astimezone(zone),
        status=status,
        status_text=STATUS_NAMES[status],
        business_day=r.business_day,
        id_type=id_type,
        id_type_text=ID_TYPE_NAMES[id_type],
        id_no=masked_id(r.id_last4),
        name=mask_name(r.name),
        phone=mask_phone(r.phone),
        qr_text=r.code,
        check_in_opens_at=r.check_in_opens_at.astimezone(zone),
        check_in_closes_at=r.check_in_closes_at.astimezone(zone),
        cancel_deadline=r.cancel_deadline.astimezone(zone),
        created_at=r.created_at.astimezone(zone),
        cancelled_at=local(r.cancelled_at),
        checked_in_at=local(r.checked_in_at),
        ticket_id=r.ticket_id,
    )


class NoShowOut(BaseModel):
    appointment_id: int = Field(description="their latest missed appointment (lift with it)")
    name: str | None = Field(description="masked")
    id_no: str = Field(description="masked")
    phone: str | None = Field(description="masked")
    misses: int = Field(description="no-shows within no_show_days, after the last lift")
    last_missed_at: datetime
    barred_until: datetime | None = Field(description="no online booking until then")


class SlotCountsOut(BaseModel):
    service_id: int
    service_name: str
    slot_start: datetime
    slot_end: datetime
    quota: int
    booked: int = Field(description="appointments holding a seat (checked in, 失约 included)")
    checked_in: int
    called: int
    missed: int
    cancelled: int


class DayAppointmentOut(AppointmentOut):
    ticket_number: str | None = None
    ticket_status: str | None = None
    called_at: datetime | None = None


class HallDayOut(BaseModel):
    hall_id: int
    business_day: date
    slots: list[SlotCountsOut]
    items: list[DayAppointmentOut]
