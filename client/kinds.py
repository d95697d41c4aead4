"""Who calls the server: the staff's roles and the devices' kinds, named once for the server
(server/domain/enums.py re-exports them) and the client library's replies (client/replies.py)."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    window = "window"
    supervisor = "supervisor"
    admin = "admin"


class DeviceKind(StrEnum):
    kiosk = "kiosk"
    display = "display"
    window = "window"
