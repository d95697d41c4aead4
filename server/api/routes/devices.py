"""A device asks who it is (`GET /devices/me`) and reports its health (`POST /devices/me/status`)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from client.replies import DeviceMeOut, DeviceStatusOut
from server.api.deps import RuntimeDep, require_device
from server.api.responses import AUTH, BODY, errors
from server.commands import devices
from server.domain.actor import DeviceActor
from server.domain.enums import DeviceKind
from server.store.job import call

router = APIRouter(prefix="/devices", tags=["devices"])

AnyDevice = Annotated[
    DeviceActor, require_device(DeviceKind.kiosk, DeviceKind.display, DeviceKind.window)
]


class DeviceStatusIn(BaseModel):
    status: Literal["ok", "warning", "error"] = Field(
        description="ok: working; warning: works but needs attention (paper low); error: cannot serve"
    )
    printer: str | None = Field(
        default=None,
        max_length=32,
        pattern=r"^[a-z_]+$",
        description="kiosk printer state: ok, paper_low, paper_out, cover_open, offline, error, unknown, none",
    )
    detail: str | None = Field(default=None, max_length=200, description="为人所读的说明（中文）")
    version: str | None = Field(
        default=None,
        max_length=32,
        pattern=r"^[0-9A-Za-z.+_-]+$",
        description="the app's version (shown in the console's device list)",
    )


@router.get("/me", response_model=DeviceMeOut, responses=errors(*AUTH))
async def who_am_i(request: Request, runtime: RuntimeDep, device: AnyDevice) -> DeviceMeOut:
    """The calling device: its hall (id, name, time zone), label, kind and window."""
    base_url = (runtime.settings.public_base_url or str(request.base_url)).rstrip("/")
    return await runtime.read(lambda session: devices.identity(session, device, base_url))


@router.post("/me/status", response_model=DeviceStatusOut, responses=errors(*AUTH, *BODY))
async def report_status(
    body: DeviceStatusIn, runtime: RuntimeDep, device: AnyDevice
) -> DeviceStatusOut:
    """Record the device's health and that it is alive. A running app reports every 60 s
    and on reconnect; a report that changes something is a `device.status` event (so
    supervisors see which kiosk needs paper), one that does not only marks it as seen."""
    event = await runtime.write(
        call(devices.report_status, device, body.status, body.printer, body.detail, body.version)
    )
    return DeviceStatusOut(**event.model_dump())
