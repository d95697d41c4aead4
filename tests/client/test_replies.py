"""Typed replies end to end (client/replies.py): the server's routes declare the client's reply
models as their response models, and `ApiClient` returns them parsed from a real server, so
an app reads `ticket.number`, never `ticket["number"]` (mypy refuses that in the apps)."""

from __future__ import annotations

from datetime import datetime

import pytest

from client import replies
from client.actions import TicketAction
from client.kinds import DeviceKind, Role
from server.api import schemas
from server.api.routes import devices, pairing
from server.app import create_app
from server.domain import enums
from server.queries import views
from server.settings import Settings
from tests.helpers import STAFF_PASSWORD, LiveServer, Seeded, open_window

# the reply models the server declares, and where it declares them
SERVER_SIDE = [
    (schemas, "TokenOut"),
    (schemas, "PasswordChangedOut"),
    (schemas, "TicketOut"),
    (schemas, "IssuedTicketOut"),
    (schemas, "EvaluationOut"),
    (views, "ServiceOut"),
    (views, "ServiceStatusOut"),
    (views, "WindowOut"),
    (devices, "DeviceMeOut"),
    (devices, "DeviceStatusOut"),
    (pairing, "PairedOut"),
]


@pytest.mark.parametrize(("module", "name"), SERVER_SIDE, ids=[n for _, n in SERVER_SIDE])
def test_the_server_replies_with_the_clients_models(module: object, name: str) -> None:
    assert getattr(module, name) is getattr(replies, name)


def test_one_role_and_one_device_kind_for_both_sides() -> None:
    assert enums.Role is Role and enums.DeviceKind is DeviceKind


def test_the_routes_declare_them_under_their_names() -> None:
    """The schema names of /api/v1/openapi.json are the reply models' names."""
    api = create_app(Settings(database_url="sqlite:///unused.db")).openapi()
    paths, schemas_ = api["paths"], api["components"]["schemas"]

    def replied(path: str, method: str = "post") -> str:
        content = paths[f"/api/v1{path}"][method]["responses"]["200"]["content"]
        ref: str = content["application/json"]["schema"]["$ref"]
        return ref.rsplit("/", 1)[-1]

    assert replied("/auth/login") == "TokenOut"
    assert replied("/tickets") == "IssuedTicketOut"
    assert replied("/tickets/{ticket_id}/start") == "TicketOut"
    assert replied("/windows/{window_id}/pause") == "WindowOut"
    assert replied("/devices/me", "get") == "DeviceMeOut"
    assert schemas_["DeviceMeOut"]["properties"]["kind"]["$ref"].endswith("/DeviceKind")


async def test_the_client_returns_typed_replies_from_a_real_server(
    server: LiveServer, hall: Seeded
) -> None:
    kiosk = server.client(hall.kiosk_token)
    me = await kiosk.device_me()
    assert isinstance(me, replies.DeviceMeOut)
    assert (me.kind, me.hall_id) == (DeviceKind.kiosk, hall.hall_id)
    services = await kiosk.services(hall.hall_id)
    assert all(isinstance(s, replies.ServiceStatusOut) for s in services)
    assert {s.prefix: s.id for s in services} == hall.services
    issued = await kiosk.issue_ticket(hall.services["A"])
    assert isinstance(issued, replies.IssuedTicketOut)
    assert issued.number == "A001" and issued.ahead == 0 and issued.public_url
    assert isinstance(issued.issued_at, datetime) and issued.issued_at.tzinfo is not None

    clerk = await open_window(server, hall, "1")
    signed_in = await server.client().login(hall.staff["1"], STAFF_PASSWORD)
    assert isinstance(signed_in, replies.TokenOut) and signed_in.role is Role.window
    assert signed_in.hall_id == hall.hall_id
    called = await clerk.call_next(hall.windows["1"])
    assert isinstance(called, replies.TicketOut) and called.id == issued.id
    assert called.status == "called" and called.window_id == hall.windows["1"]
    started = await clerk.ticket_action(issued.id, TicketAction.start)
    assert isinstance(started, replies.TicketOut) and started.status == "serving"
    paused = await clerk.window_action(hall.windows["1"], "pause", {"reason": "午休"})
    assert isinstance(paused, replies.WindowOut)
    assert (paused.state, paused.pause_reason) == ("paused", "午休")
    other = await open_window(server, hall, "2")
    assert await other.call_next(hall.windows["2"]) is None  # nobody waiting

    # scripts and tests may still read a reply as its JSON
    assert issued["number"] == "A001" and issued.get("nothing") is None and "ahead" in issued
    assert isinstance(issued["issued_at"], str)
