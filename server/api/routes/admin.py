"""Setting up halls, services, windows, staff and devices (role admin).

A deployment admin (no hall) manages everything; a hall's admin manages only its own hall and
can neither create halls nor accounts outside it.
"""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter, status

from server.api.deps import AdminUser, RuntimeDep, Supervisor
from server.api.edit_schemas import (
    AppointmentRulesIn,
    AppointmentRulesOut,
    HallPatch,
    NoticeIn,
    NoticeOut,
    ServicePatch,
    WindowPatch,
)
from server.api.params import IdPath, OptionalIdQuery
from server.api.responses import AUTH, BODY, errors
from server.api.schemas import (
    DeviceCreatedOut,
    DeviceIn,
    DeviceOut,
    HallIn,
    HallOut,
    ServiceIn,
    StaffIn,
    StaffOut,
    StaffPatch,
    WindowIn,
)
from server.commands import admin, appointment_rules, hall_edit
from server.domain.actor import StaffActor, ensure_hall
from server.domain.texts import text
from server.queries import admin as lists
from server.queries import appointments as appointment_reads
from server.queries.views import ServiceOut, WindowOut, window_out
from server.store.job import call
from server.store.tables import Device, Hall, Service, Staff

router = APIRouter(prefix="/admin", tags=["admin"])


def _scope(user: StaffActor, hall_id: int | None) -> int | None:
    """The hall to list: a hall admin's own, whatever it asked for."""
    return user.hall_id if user.hall_id is not None else hall_id


@router.post(
    "/halls",
    response_model=HallOut,
    status_code=status.HTTP_201_CREATED,
    responses=errors(*AUTH, 409, *BODY),
)
async def create_hall(body: HallIn, runtime: RuntimeDep, user: AdminUser) -> Hall:
    admin.ensure_deployment_admin(user, text("action.create_hall"))
    return await runtime.write(call(admin.create_hall, body.code, body.name, body.timezone))


@router.get("/halls", response_model=list[HallOut], responses=errors(*AUTH))
async def list_halls(runtime: RuntimeDep, user: AdminUser) -> list[Hall]:
    return await runtime.read(lambda s: lists.halls(s, user.hall_id))


@router.patch("/halls/{hall_id}", response_model=HallOut, responses=errors(*AUTH, 404, 409, *BODY))
async def update_hall(
    hall_id: IdPath, body: HallPatch, runtime: RuntimeDep, user: AdminUser
) -> Hall:
    """Rename a hall or change its time zone (the code stays)."""
    ensure_hall(user, hall_id)
    changes = body.model_dump(exclude_unset=True)
    return await runtime.write(call(hall_edit.update_hall, hall_id, changes))


@router.put(
    "/halls/{hall_id}/notice", response_model=NoticeOut, responses=errors(*AUTH, 404, 409, *BODY)
)
async def set_notice(
    hall_id: IdPath, body: NoticeIn, runtime: RuntimeDep, user: Supervisor
) -> NoticeOut:
    """The hall notice shown on the hall screens (admins, or the hall's supervisors);
    every screen gets it at once as `notice.updated`."""
    ensure_hall(user, hall_id)
    notice = body.text.strip()
    hall = await runtime.write(call(hall_edit.set_notice, hall_id, notice, user))
    return NoticeOut(
        hall_id=hall_id,
        text=hall.notice,
        updated_at=hall.notice_updated_at,
        updated_by=hall.notice_updated_by,
    )


@router.get(
    "/halls/{hall_id}/appointments",
    response_model=AppointmentRulesOut,
    responses=errors(*AUTH, 404, 422),
)
async def read_appointment_rules(
    hall_id: IdPath, runtime: RuntimeDep, user: Supervisor
) -> AppointmentRulesOut:
    """The hall's appointment rules (the hall file's `[appointments]`)."""
    ensure_hall(user, hall_id)
    catalog = runtime.writer.catalog
    policy = await runtime.read(lambda s: appointment_reads.hall_rules(s, catalog, hall_id))
    return AppointmentRulesOut(hall_id=hall_id, **asdict(policy))


@router.put(
    "/halls/{hall_id}/appointments",
    response_model=AppointmentRulesOut,
    responses=errors(*AUTH, 404, *BODY),
)
async def set_appointment_rules(
    hall_id: IdPath, body: AppointmentRulesIn, runtime: RuntimeDep, user: AdminUser
) -> AppointmentRulesOut:
    """Change the hall's appointment rules: the fields given, the others stay."""
    ensure_hall(user, hall_id)
    changes = body.model_dump(exclude_unset=True)
    policy = await runtime.write(call(appointment_rules.set_rules, hall_id, changes))
    return AppointmentRulesOut(hall_id=hall_id, **asdict(policy))


@router.post(
    "/services",
    response_model=ServiceOut,
    status_code=status.HTTP_201_CREATED,
    responses=errors(*AUTH, 404, 409, *BODY),
)
async def create_service(body: ServiceIn, runtime: RuntimeDep, user: AdminUser) -> Service:
    ensure_hall(user, body.hall_id)
    spec = admin.ServiceSpec(**body.model_dump())
    return await runtime.write(call(admin.create_service, spec))


@router.get("/services", response_model=list[ServiceOut], responses=errors(*AUTH, 422))
async def list_services(
    runtime: RuntimeDep, user: AdminUser, hall_id: OptionalIdQuery = None
) -> list[Service]:
    return await runtime.read(lambda s: lists.services(s, _scope(user, hall_id)))


@router.patch(
    "/services/{service_id}", response_model=ServiceOut, responses=errors(*AUTH, 404, 409, *BODY)
)
async def update_service(
    service_id: IdPath, body: ServicePatch, runtime: RuntimeDep, user: AdminUser
) -> Service:
    """Change a service: name, prefix, hours, daily limit (null: none), targets, enabled."""
    changes = body.model_dump(exclude_unset=True)
    return await runtime.write(call(hall_edit.edit_service, user, service_id, changes))


@router.post(
    "/windows",
    response_model=WindowOut,
    status_code=status.HTTP_201_CREATED,
    responses=errors(*AUTH, 404, 409, *BODY),
)
async def create_window(body: WindowIn, runtime: RuntimeDep, user: AdminUser) -> WindowOut:
    ensure_hall(user, body.hall_id)
    job = call(admin.create_window, body.hall_id, body.number, body.service_ids)
    return window_out(*await runtime.write(job))


@router.get("/windows", response_model=list[WindowOut], responses=errors(*AUTH, 422))
async def list_windows(
    runtime: RuntimeDep, user: AdminUser, hall_id: OptionalIdQuery = None
) -> list[WindowOut]:
    return await runtime.read(lambda s: lists.windows(s, _scope(user, hall_id)))


@router.patch(
    "/windows/{window_id}", response_model=WindowOut, responses=errors(*AUTH, 404, 409, *BODY)
)
async def update_window(
    window_id: IdPath, body: WindowPatch, runtime: RuntimeDep, user: AdminUser
) -> WindowOut:
    """Change a window's number and/or its services (in order of priority)."""
    job = call(hall_edit.edit_window, user, window_id, body.number, body.service_ids)
    return window_out(*await runtime.write(job))


@router.post(
    "/staff",
    response_model=StaffOut,
    status_code=status.HTTP_201_CREATED,
    responses=errors(*AUTH, 404, 409, *BODY),
)
async def create_staff(body: StaffIn, runtime: RuntimeDep, user: AdminUser) -> Staff:
    if body.hall_id is None:
        admin.ensure_deployment_admin(user, text("action.create_global_staff"))
    else:
        ensure_hall(user, body.hall_id)
    # hashed here, before the writer: inside its job the hash would hold every write
    password = await runtime.passwords.hash(admin.checked_password(body.password))
    row = admin.new_staff_row(
        body.staff_no,
        body.name,
        body.role,
        password,
        body.hall_id,
        must_change_password=body.must_change_password,
    )
    job = call(admin.create_staff, row)
    return await runtime.write(job)


@router.get("/staff", response_model=list[StaffOut], responses=errors(*AUTH, 422))
async def list_staff(
    runtime: RuntimeDep, user: AdminUser, hall_id: OptionalIdQuery = None
) -> list[Staff]:
    return await runtime.read(lambda s: lists.staff(s, _scope(user, hall_id)))


@router.patch("/staff/{staff_id}", response_model=StaffOut, responses=errors(*AUTH, 404, *BODY))
async def update_staff(
    staff_id: IdPath, body: StaffPatch, runtime: RuntimeDep, user: AdminUser
) -> Staff:
    """Rename, change the role, reset the password or deactivate (`{"active": false}`).

    A change of role, password or `active` ends the account's sessions at once, in every
    server process: its tokens are refused (401) and its live connections closed.
    """
    given = body.model_dump(exclude_unset=True)
    if given.get("password") is not None:  # hashed here, before the writer (as create_staff)
        given["password"] = await runtime.passwords.hash(admin.checked_password(given["password"]))
    changes = admin.StaffChanges(**given)
    staff, ended = await runtime.write(call(admin.update_staff, user, staff_id, changes))
    if ended:
        runtime.access.revoked("staff", staff.id or 0)  # other processes: see server/access.py
    return staff


@router.post(
    "/devices",
    response_model=DeviceCreatedOut,
    status_code=status.HTTP_201_CREATED,
    responses=errors(*AUTH, 404, *BODY),
)
async def create_device(body: DeviceIn, runtime: RuntimeDep, user: AdminUser) -> DeviceCreatedOut:
    ensure_hall(user, body.hall_id)
    job = call(admin.create_device, body.hall_id, body.kind, body.label, body.window_id)
    device, token = await runtime.write(job)
    return DeviceCreatedOut(**DeviceOut.model_validate(device).model_dump(), token=token)


@router.get("/devices", response_model=list[DeviceOut], responses=errors(*AUTH, 422))
async def list_devices(
    runtime: RuntimeDep, user: AdminUser, hall_id: OptionalIdQuery = None
) -> list[Device]:
    return await runtime.read(lambda s: lists.devices(s, _scope(user, hall_id)))


@router.delete("/devices/{device_id}", response_model=DeviceOut, responses=errors(*AUTH, 404, 422))
async def revoke_device(device_id: IdPath, runtime: RuntimeDep, user: AdminUser) -> Device:
    """Revoke the device's token: refused from its next request on, its live connections
    closed, in every server process. Revoking again changes nothing."""
    device, _ = await runtime.write(call(admin.revoke_device, user, device_id))
    runtime.access.revoked("device", device.id or 0)  # other processes: see server/access.py
    return device
