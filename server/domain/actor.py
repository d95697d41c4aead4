"""Who is acting: a staff member, a registered device, an outside system (integration), or the
holder of a ticket's QR code."""

from __future__ import annotations

from dataclasses import dataclass

from .enums import DeviceKind, Role
from .errors import PermissionDenied
from .texts import text


@dataclass(frozen=True)
class StaffActor:
    staff_id: int
    staff_no: str
    name: str
    role: Role
    hall_id: int | None  # None: an admin of the whole deployment


@dataclass(frozen=True)
class DeviceActor:
    device_id: int
    kind: DeviceKind
    hall_id: int
    window_id: int | None


@dataclass(frozen=True)
class IntegrationActor:
    """An outside system (the 政务服务网) with OAuth2 client credentials: one hall's, or the
    deployment's (hall_id None: every hall)."""

    integration_id: int
    name: str
    hall_id: int | None


@dataclass(frozen=True)
class PublicActor:
    public_token: str


Actor = StaffActor | DeviceActor | IntegrationActor | PublicActor


def ensure_hall(actor: Actor, hall_id: int) -> None:
    """Staff, devices and integrations act only inside their own hall (an admin or an
    integration without a hall: everywhere)."""
    if isinstance(actor, StaffActor) and actor.role == Role.admin and actor.hall_id is None:
        return
    if isinstance(actor, IntegrationActor) and actor.hall_id is None:
        return
    if isinstance(actor, StaffActor | DeviceActor | IntegrationActor) and actor.hall_id == hall_id:
        return
    raise PermissionDenied(text("auth.other_hall"))
