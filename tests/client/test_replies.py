"""Typed replies end to end (client/replies.py): the server's routes declare the client's reply
models as their response models, and `ApiClient` returns them parsed from a real server, so
an app reads `ticket.number`, never `ticket["number"]` (mypy refuses that in the apps)."""

from __future__ import annotations

import inspect
import json
import types
import typing
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from client import desk, platform, records, replies
from client.actions import TicketAction
from client.errors import Conflict
from client.kinds import DeviceKind, Role
from client.rest import ApiClient
from server.api import schemas, stats_schemas
from server.api.routes import devices, pairing
from server.app import create_app
from server.domain import enums
from server.queries import alerts, views
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
    (schemas, "HallOut"),
    (schemas, "StaffOut"),
    (schemas, "DeviceOut"),
    (schemas, "DeviceCreatedOut"),
    (alerts, "AlertOut"),
    (views, "PublicTicketOut"),
]
RECORDS_SIDE = [
    "IndicatorsOut",
    "TicketPage",
    "TicketRecordOut",
    "ComplaintOut",
    "ComplaintPage",
    "RectificationOut",
    "RectificationPage",
]


@pytest.mark.parametrize(("module", "name"), SERVER_SIDE, ids=[n for _, n in SERVER_SIDE])
def test_the_server_replies_with_the_clients_models(module: object, name: str) -> None:
    assert getattr(module, name) is getattr(replies, name)


@pytest.mark.parametrize("name", RECORDS_SIDE)
def test_the_records_routes_reply_with_the_clients_models(name: str) -> None:
    assert getattr(stats_schemas, name) is getattr(records, name)


def test_one_role_and_one_device_kind_for_both_sides() -> None:
    assert enums.Role is Role and enums.DeviceKind is DeviceKind


def test_the_routes_declare_them_under_their_names() -> None:
    """The schema names of /api/v1/openapi.json are the reply models' names."""
    api = create_app(Settings(database_url="sqlite:///unused.db")).openapi()
    paths, schemas_ = api["paths"], api["components"]["schemas"]

    def replied(path: str, method: str = "post") -> str:
        answers = paths[f"/api/v1{path}"][method]["responses"]
        content = (answers.get("200") or answers["201"])["content"]
        ref: str = content["application/json"]["schema"]["$ref"]
        return ref.rsplit("/", 1)[-1]

    assert replied("/auth/login") == "TokenOut"
    assert replied("/tickets") == "IssuedTicketOut"
    assert replied("/tickets/{ticket_id}/start") == "TicketOut"
    assert replied("/windows/{window_id}/pause") == "WindowOut"
    assert replied("/devices/me", "get") == "DeviceMeOut"
    assert replied("/health", "get") == "HealthOut"
    assert replied("/help/{alert_id}/ack") == "AlertOut"
    assert replied("/tickets/public/{public_token}", "get") == "PublicTicketOut"
    assert replied("/tickets/{ticket_id}/phone") == "PhoneOut"
    assert replied("/stats/indicators", "get") == "IndicatorsOut"
    assert replied("/stats/tickets", "get") == "TicketPage"
    assert replied("/complaints", "get") == "ComplaintPage"
    assert replied("/complaints/{complaint_id}/handle") == "ComplaintOut"
    assert replied("/rectifications", "get") == "RectificationPage"
    assert replied("/rectifications/{rectification_id}/follow-up") == "RectificationOut"
    assert replied("/admin/halls") == "HallOut"
    assert replied("/admin/devices") == "DeviceCreatedOut"
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


# --- a reply's shape is a contract: a field is added, never renamed, retyped or dropped ---------

SHAPES = Path(__file__).with_name("reply_shapes.json")
PINNED: dict[str, dict[str, Any]] = json.loads(SHAPES.read_text("utf-8")) if SHAPES.exists() else {}
REPLY_MODULES = (replies, records, desk, platform)


def reply_models() -> dict[str, type[BaseModel]]:
    """Every reply model of the client library (not the bodies it sends, `…In`)."""
    found: dict[str, type[BaseModel]] = {}
    for module in REPLY_MODULES:
        for name, value in vars(module).items():
            if (
                inspect.isclass(value)
                and issubclass(value, BaseModel)
                and value.__module__ == module.__name__
                and not name.startswith("_")
                and name not in ("Reply",)
                and not name.endswith("In")
            ):
                found[name] = value
    return found


def _bare(schema: Any) -> Any:
    """A field's JSON schema without its words (title, description, examples): its type."""
    if isinstance(schema, dict):
        return {
            k: _bare(v)
            for k, v in schema.items()
            if k not in ("title", "description", "examples", "default")
        }
    if isinstance(schema, list):
        return [_bare(v) for v in schema]
    return schema


def shape(model: type[BaseModel]) -> dict[str, Any]:
    """The reply's JSON keys, each with its type and whether it is always there."""
    schema = model.model_json_schema(by_alias=True, mode="serialization", ref_template="{model}")
    required = set(schema.get("required", ()))
    return {
        key: {"type": _bare(field), "required": key in required}
        for key, field in schema["properties"].items()
    }


def current_shapes() -> dict[str, dict[str, Any]]:
    return {name: shape(model) for name, model in sorted(reply_models().items())}


def test_every_reply_model_is_pinned() -> None:
    """A new reply model is pinned when it is made (`python -m tests.client.test_replies`)."""
    assert sorted(reply_models()) == sorted(PINNED)


@pytest.mark.parametrize("name", sorted(PINNED))
def test_no_reply_field_is_renamed_retyped_or_dropped(name: str) -> None:
    """The pinned fields stay, with their types; the server may add fields (an older client
    ignores them), so new ones pass — and are pinned when this file is written again."""
    pinned = PINNED[name]
    now = shape(reply_models()[name])
    gone = sorted(set(pinned) - set(now))
    assert not gone, f"{name} lost {gone}: extend a reply, never rename or drop a field"
    for key, was in pinned.items():
        assert now[key]["type"] == was["type"], f"{name}.{key} changed type"
        if was["required"]:
            assert now[key]["required"], f"{name}.{key} is no longer always there"


def _returns(method: Any) -> Any:
    return typing.get_type_hints(method)["return"]


def _typed(hint: Any) -> bool:
    """A reply model, a list of them, None (204) or bytes (an export) — never a raw dict."""
    origin = typing.get_origin(hint)
    if origin in (list, Sequence, typing.Union, types.UnionType):
        return all(_typed(arg) for arg in typing.get_args(hint))
    return hint in (type(None), bytes) or (inspect.isclass(hint) and issubclass(hint, BaseModel))


def test_every_api_client_method_returns_a_typed_reply() -> None:
    methods = {
        name: member
        for name, member in inspect.getmembers(ApiClient, inspect.iscoroutinefunction)
        if not name.startswith("_") and name not in ("request", "aclose")
    }
    assert len(methods) >= 35
    untyped = sorted(name for name, m in methods.items() if not _typed(_returns(m)))
    assert untyped == []


async def test_the_other_replies_come_typed_from_a_real_server(
    server: LiveServer, hall: Seeded
) -> None:
    admin = server.admin
    assert (await admin.health()).status == "ok"
    (listed_hall,) = await admin.admin_list("halls")
    assert isinstance(listed_hall, replies.HallOut) and listed_hall.id == hall.hall_id
    staff = await admin.admin_list("staff", hall_id=hall.hall_id)
    assert all(isinstance(s, replies.StaffOut) for s in staff)
    assert {s.staff_no for s in staff} >= set(hall.staff.values())
    pad = await admin.admin_create(
        "devices", {"hall_id": hall.hall_id, "kind": "kiosk", "label": "2号取号机"}
    )
    assert isinstance(pad, replies.DeviceCreatedOut) and pad.token.startswith("gqd_")
    listed = await admin.admin_list("devices", hall_id=hall.hall_id)
    assert all(type(d) is replies.DeviceOut for d in listed) and pad.id in {d.id for d in listed}

    # 呼叫帮办 taken at the 导办 desk
    await admin.request(
        "PATCH", f"/admin/halls/{hall.hall_id}", json={"guide_window_id": hall.windows["1"]}
    )
    kiosk = server.client(hall.kiosk_token)
    clerk = await open_window(server, hall, "1")
    asked = await kiosk.ask_for_help()
    taken = await clerk.take_help(asked.alert_id)
    assert isinstance(taken, replies.AlertOut) and taken.kind == "help"
    assert taken.acknowledged_by_no == hall.staff["1"] and taken.acknowledged_at is not None

    # a ticket, its QR page, a 差评 and its 整改
    issued = await kiosk.issue_ticket(hall.services["A"])
    page = await server.client().public_ticket(issued.public_token)
    assert isinstance(page, replies.PublicTicketOut)
    assert (page.number, page.status, page.ahead) == ("A001", "waiting", 0)
    with pytest.raises(Conflict) as off:  # no [sms] gateway in this hall
        await kiosk.add_phone(issued.id, "13812345678")
    assert off.value.code == "sms_off"
    await clerk.call_next(hall.windows["1"])
    await clerk.ticket_action(issued.id, TicketAction.start)
    await clerk.ticket_action(issued.id, TicketAction.finish, {"outcome": "done"})
    await server.client(hall.window_device_tokens["1"]).evaluate(issued.id, 1, ["态度差"])
    supervisor = await server.login(hall.supervisor_no)
    open_ = await supervisor.rectifications(hall_id=hall.hall_id)
    assert isinstance(open_, records.RectificationPage) and open_.total == 1
    (item,) = open_.items
    assert isinstance(item, records.RectificationOut) and item.state == "open"
    rectified = await supervisor.rectify(item.id, "约谈窗口人员")
    assert isinstance(rectified, records.RectificationOut) and rectified.state == "rectified"
    followed = await supervisor.follow_up(item.id, "phone", "已回访", True)
    assert (followed.state, followed.followup_satisfied) == ("followed_up", True)

    # 投诉
    complaint = await supervisor.create_complaint({"channel": "phone", "content": "排队太久"})
    assert isinstance(complaint, records.ComplaintOut) and complaint.state == "accepted"
    closed = await supervisor.handle_complaint(complaint.id, {"result": "已致歉"})
    assert isinstance(closed, records.ComplaintOut) and closed.state == "closed"
    complaints = await supervisor.complaints(hall_id=hall.hall_id)
    assert isinstance(complaints, records.ComplaintPage)
    assert [c.id for c in complaints.items] == [complaint.id]

    # statistics
    indicators = await supervisor.indicators(hall.hall_id, group_by="service")
    assert isinstance(indicators, records.IndicatorsOut) and indicators.group_by == "service"
    assert indicators.from_ and indicators["from"] == indicators.from_
    assert indicators.total["issued"] == 1
    assert all(isinstance(r, records.IndicatorRowOut) for r in indicators.rows)
    tickets = await supervisor.ticket_page(hall.hall_id)
    assert isinstance(tickets, records.TicketPage) and tickets.total == 1
    (record,) = tickets.items
    assert isinstance(record, records.TicketRecordOut)
    assert (record.number, record.evaluation_level) == ("A001", 1)
    assert (await supervisor.ticket_records(hall.hall_id)).items == tickets.items


if __name__ == "__main__":  # pin the reply shapes again after adding a field or a model
    SHAPES.write_text(
        json.dumps(current_shapes(), indent=1, sort_keys=True, ensure_ascii=False) + "\n",
        "utf-8",
    )
