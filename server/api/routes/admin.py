"""Setting up halls, services, windows, staff and devices (role admin)."""

from __future__ import annotations

from fastapi import APIRouter, status
from sqlmodel import Session, col, select

from server.api.convert import window_out
from server.api.deps import AdminUser, RuntimeDep
from server.api.schemas import (
    DeviceCreatedOut,
    DeviceIn,
    DeviceOut,
    HallIn,
    HallOut,
    ServiceIn,
    ServiceOut,
    StaffIn,
    StaffOut,
    WindowIn,
    WindowOut,
)
from server.commands import admin
from server.domain.actor import ensure_hall
from server.store.tables import Device, Hall, Service, Staff, Window, WindowService
from server.store.transaction import Tx

router = APIRouter(prefix="/admin", tags=["admin"])


@router.post("/halls", response_model=HallOut, status_code=status.HTTP_201_CREATED)
async def create_hall(body: HallIn, runtime: RuntimeDep, _: AdminUser) -> Hall:
    return await runtime.write(
        lambda tx: admin.create_hall(tx, body.code, body.name, body.timezone)
    )


@router.get("/halls", response_model=list[HallOut])
async def list_halls(runtime: RuntimeDep, user: AdminUser) -> list[Hall]:
    def load(session: Session) -> list[Hall]:
        query = select(Hall).order_by(col(Hall.id))
        if user.hall_id is not None:
            query = query.where(Hall.id == user.hall_id)
        return list(session.exec(query))

    return await runtime.read(load)


@router.post("/services", response_model=ServiceOut, status_code=status.HTTP_201_CREATED)
async def create_service(body: ServiceIn, runtime: RuntimeDep, user: AdminUser) -> Service:
    ensure_hall(user, body.hall_id)
    spec = admin.ServiceSpec(**body.model_dump())
    return await runtime.write(lambda tx: admin.create_service(tx, spec))


@router.get("/services", response_model=list[ServiceOut])
async def list_services(
    runtime: RuntimeDep, user: AdminUser, hall_id: int | None = None
) -> list[Service]:
    def load(session: Session) -> list[Service]:
        query = select(Service).order_by(col(Service.id))
        scope = user.hall_id or hall_id
        if scope is not None:
            query = query.where(Service.hall_id == scope)
        return list(session.exec(query))

    return await runtime.read(load)


@router.post("/windows", response_model=WindowOut, status_code=status.HTTP_201_CREATED)
async def create_window(body: WindowIn, runtime: RuntimeDep, user: AdminUser) -> WindowOut:
    ensure_hall(user, body.hall_id)

    def job(tx: Tx) -> WindowOut:
        window, service_ids = admin.create_window(tx, body.hall_id, body.number, body.service_ids)
        return window_out(window, service_ids)

    return await runtime.write(job)


@router.get("/windows", response_model=list[WindowOut])
async def list_windows(
    runtime: RuntimeDep, user: AdminUser, hall_id: int | None = None
) -> list[WindowOut]:
    def load(session: Session) -> list[WindowOut]:
        query = select(Window).order_by(col(Window.id))
        scope = user.hall_id or hall_id
        if scope is not None:
            query = query.where(Window.hall_id == scope)
        out = []
        for window in session.exec(query):
            ids = session.exec(
                select(WindowService.service_id)
                .where(WindowService.window_id == window.id)
                .order_by(col(WindowService.rank))
            )
            out.append(window_out(window, list(ids)))
        return out

    return await runtime.read(load)


@router.post("/staff", response_model=StaffOut, status_code=status.HTTP_201_CREATED)
async def create_staff(body: StaffIn, runtime: RuntimeDep, user: AdminUser) -> Staff:
    if body.hall_id is not None:
        ensure_hall(user, body.hall_id)
    return await runtime.write(
        lambda tx: admin.create_staff(
            tx, body.staff_no, body.name, body.role, body.password, body.hall_id
        )
    )


@router.get("/staff", response_model=list[StaffOut])
async def list_staff(
    runtime: RuntimeDep, user: AdminUser, hall_id: int | None = None
) -> list[Staff]:
    def load(session: Session) -> list[Staff]:
        query = select(Staff).order_by(col(Staff.id))
        scope = user.hall_id or hall_id
        if scope is not None:
            query = query.where(Staff.hall_id == scope)
        return list(session.exec(query))

    return await runtime.read(load)


@router.post("/devices", response_model=DeviceCreatedOut, status_code=status.HTTP_201_CREATED)
async def create_device(body: DeviceIn, runtime: RuntimeDep, user: AdminUser) -> DeviceCreatedOut:
    ensure_hall(user, body.hall_id)

    def job(tx: Tx) -> DeviceCreatedOut:
        device, token = admin.create_device(tx, body.hall_id, body.kind, body.label, body.window_id)
        return DeviceCreatedOut(**DeviceOut.model_validate(device).model_dump(), token=token)

    return await runtime.write(job)


@router.get("/devices", response_model=list[DeviceOut])
async def list_devices(
    runtime: RuntimeDep, user: AdminUser, hall_id: int | None = None
) -> list[Device]:
    def load(session: Session) -> list[Device]:
        query = select(Device).order_by(col(Device.id))
        scope = user.hall_id or hall_id
        if scope is not None:
            query = query.where(Device.hall_id == scope)
        return list(session.exec(query))

    return await runtime.read(load)
