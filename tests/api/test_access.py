"""Who may call what: every route refuses the wrong role, device kind or hall."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from client.errors import Forbidden
from client.rest import tls_context
from tests.helpers import LiveServer, Seeded, open_window, seed_hall


class Ids:
    def __init__(self, hall: Seeded, ticket_id: int, done_ticket_id: int) -> None:
        self.hall = hall.hall_id
        self.window = hall.windows["1"]
        self.service = hall.services["A"]
        self.ticket = ticket_id
        self.done = done_ticket_id


# (method, path template, json body)
STAFF_ROUTES = [
    ("POST", "/windows/{window}/open", None),
    ("POST", "/windows/{window}/pause", {"reason": "x"}),
    ("POST", "/windows/{window}/resume", None),
    ("POST", "/windows/{window}/close", None),
    ("POST", "/windows/{window}/call-next", None),
    ("POST", "/tickets/{ticket}/recall", None),
    ("POST", "/tickets/{ticket}/start", None),
    ("POST", "/tickets/{ticket}/finish", {"outcome": "done"}),
    ("POST", "/tickets/{ticket}/no-show", None),
    ("POST", "/tickets/{ticket}/requeue", None),
    ("POST", "/tickets/{ticket}/transfer", {"service_id": 1}),
    ("POST", "/tickets/{ticket}/cancel", None),
]
SUPERVISOR_ROUTES = [
    ("GET", "/stats/indicators?hall_id={hall}", None),
    ("GET", "/stats/tickets?hall_id={hall}", None),
    ("GET", "/platform/outbox?hall_id={hall}", None),
]
ADMIN_ROUTES = [
    ("POST", "/admin/halls", {"code": "X", "name": "x"}),
    ("GET", "/admin/halls", None),
    ("POST", "/admin/services", {"hall_id": "{hall}", "name": "x", "prefix": "X"}),
    ("GET", "/admin/services", None),
    ("POST", "/admin/windows", {"hall_id": "{hall}", "number": "99"}),
    ("GET", "/admin/windows", None),
    (
        "POST",
        "/admin/staff",
        {
            "staff_no": "x",
            "name": "x",
            "role": "window",
            "password": "12345678",
            "hall_id": "{hall}",
        },
    ),
    ("GET", "/admin/staff", None),
    ("POST", "/admin/devices", {"hall_id": "{hall}", "kind": "kiosk", "label": "x"}),
    ("GET", "/admin/devices", None),
    ("POST", "/platform/outbox/1/retry", None),
    ("POST", "/platform/outbox/1/mark", {"note": "x"}),
]
KIOSK_ROUTES = [("POST", "/tickets", {"service_id": "{service}"})]
ALL_ROUTES = STAFF_ROUTES + SUPERVISOR_ROUTES + ADMIN_ROUTES + KIOSK_ROUTES


def fill(value: Any, ids: Ids) -> Any:
    if (
        isinstance(value, str)
        and value.startswith("{")
        and value.endswith("}")
        and value.count("{") == 1
    ):
        return getattr(ids, value[1:-1])
    if isinstance(value, str):
        return value.format(**vars(ids))
    if isinstance(value, dict):
        return {k: fill(v, ids) for k, v in value.items()}
    return value


@pytest.fixture
async def setup(server: LiveServer, hall: Seeded) -> tuple[Ids, dict[str, str]]:
    other = await seed_hall(server, code="OTHER", windows={"1": ["A"]})
    kiosk = server.client(hall.kiosk_token)
    waiting = await kiosk.issue_ticket(hall.services["A"])
    await kiosk.issue_ticket(hall.services["A"])
    clerk = await open_window(server, hall, "1")
    served = await clerk.call_next(hall.windows["1"])
    assert served is not None
    await clerk.ticket_action(served["id"], "start")
    await clerk.ticket_action(served["id"], "finish", {"outcome": "done"})
    other_clerk = await server.login(other.staff["1"])
    other_supervisor = await server.login(other.supervisor_no)
    window_clerk = await server.login(hall.staff["2"])
    tokens = {
        "kiosk": hall.kiosk_token,
        "display": hall.display_token,
        "window_device": hall.window_device_tokens["1"],
        "window_staff": str(window_clerk.token),
        "other_hall_staff": str(other_clerk.token),
        "other_hall_supervisor": str(other_supervisor.token),
        "other_hall_kiosk": other.kiosk_token,
        "forged_jwt": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.forged",
    }
    return Ids(hall, waiting["id"], served["id"]), tokens


async def call(
    server: LiveServer, route: tuple[str, str, Any], ids: Ids, token: str | None
) -> httpx.Response:
    method, path, body = route
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with httpx.AsyncClient(
        verify=tls_context(), base_url=server.base_url + "/api/v1"
    ) as http:
        return await http.request(method, fill(path, ids), json=fill(body, ids), headers=headers)


async def test_every_route_needs_credentials(
    server: LiveServer, setup: tuple[Ids, dict[str, str]]
) -> None:
    ids, tokens = setup
    for route in ALL_ROUTES:
        for token in (None, tokens["forged_jwt"], "gqd_unknown-device"):
            r = await call(server, route, ids, token)
            assert r.status_code == 401, (route, token, r.text)
            assert r.json()["detail"] and r.headers.get("www-authenticate") == "Bearer"


async def test_devices_cannot_use_staff_supervisor_or_admin_routes(
    server: LiveServer, setup: tuple[Ids, dict[str, str]]
) -> None:
    ids, tokens = setup
    for route in STAFF_ROUTES + SUPERVISOR_ROUTES + ADMIN_ROUTES:
        for device in ("kiosk", "display", "window_device"):
            r = await call(server, route, ids, tokens[device])
            assert r.status_code == 403, (route, device, r.text)


async def test_only_kiosks_issue_tickets(
    server: LiveServer, setup: tuple[Ids, dict[str, str]]
) -> None:
    ids, tokens = setup
    for who in ("display", "window_device", "window_staff"):
        r = await call(server, KIOSK_ROUTES[0], ids, tokens[who])
        assert r.status_code == 403, (who, r.text)
    r = await call(server, KIOSK_ROUTES[0], ids, tokens["other_hall_kiosk"])
    assert r.status_code == 403 and "其他大厅" in r.json()["detail"]


async def test_window_staff_cannot_see_statistics_or_administer(
    server: LiveServer, setup: tuple[Ids, dict[str, str]]
) -> None:
    ids, tokens = setup
    for route in SUPERVISOR_ROUTES + ADMIN_ROUTES:
        r = await call(server, route, ids, tokens["window_staff"])
        assert r.status_code == 403, (route, r.text)
        assert "无权" in r.json()["detail"]


async def test_staff_of_another_hall_are_refused(
    server: LiveServer, setup: tuple[Ids, dict[str, str]]
) -> None:
    ids, tokens = setup
    for route in STAFF_ROUTES:
        r = await call(server, route, ids, tokens["other_hall_staff"])
        assert r.status_code == 403, (route, r.text)
    for route in SUPERVISOR_ROUTES:
        r = await call(server, route, ids, tokens["other_hall_supervisor"])
        assert r.status_code == 403, (route, r.text)


async def test_services_list_is_public_but_not_across_halls(
    server: LiveServer, setup: tuple[Ids, dict[str, str]]
) -> None:
    ids, tokens = setup
    route = ("GET", "/halls/{hall}/services", None)
    assert (await call(server, route, ids, None)).status_code == 200
    assert (await call(server, route, ids, tokens["kiosk"])).status_code == 200
    assert (await call(server, route, ids, tokens["other_hall_kiosk"])).status_code == 403


async def test_evaluation_by_window_device_or_ticket_holder_only(
    server: LiveServer, hall: Seeded, setup: tuple[Ids, dict[str, str]]
) -> None:
    ids, tokens = setup
    route = ("POST", "/tickets/{done}/evaluation", {"level": 5})
    for who in ("window_staff", "kiosk_other", "display"):
        token = tokens.get(who, tokens["other_hall_kiosk"])
        r = await call(server, route, ids, token)
        assert r.status_code == 403, (who, r.text)
    r = await call(server, route, ids, None)
    assert r.status_code == 401
    wrong_holder = ("POST", "/tickets/{done}/evaluation", {"level": 5, "public_token": "guess"})
    assert (await call(server, wrong_holder, ids, None)).status_code == 403
    # the window's own evaluator may rate it
    r = await call(server, route, ids, tokens["window_device"])
    assert r.status_code == 201 and r.json()["channel"] == "window"


async def test_a_clerk_acts_only_on_tickets_at_their_window(
    server: LiveServer, hall: Seeded, setup: tuple[Ids, dict[str, str]]
) -> None:
    _, tokens = setup
    waiting = await server.client(hall.kiosk_token).issue_ticket(hall.services["B"])
    route = ("POST", f"/tickets/{waiting['id']}/cancel", None)
    ids = setup[0]
    r = await call(server, route, ids, tokens["window_staff"])
    assert r.status_code == 403 and "本窗口" in r.json()["detail"], r.text
    clerk = await open_window(server, hall, "1")
    r = await call(server, route, ids, str(clerk.token))
    assert r.status_code == 403, "never called to window 1 either"
    supervisor = await server.login(hall.supervisor_no)
    cancelled = await supervisor.ticket_action(waiting["id"], "cancel")
    assert cancelled["status"] == "cancelled", "a supervisor may cancel any waiting ticket"


async def test_a_hall_admin_stays_inside_its_hall(server: LiveServer, hall: Seeded) -> None:
    await server.admin.admin_create(
        "staff",
        {
            "staff_no": "H1-ADMIN",
            "name": "大厅管理员",
            "role": "admin",
            "password": "admin-password-2",
            "hall_id": hall.hall_id,
            "must_change_password": False,
        },
    )
    hall_admin = await server.login("H1-ADMIN", "admin-password-2")
    with pytest.raises(Forbidden, match="全局管理员"):
        await hall_admin.admin_create("halls", {"code": "NEW", "name": "新大厅"})
    for role in ("admin", "supervisor"):
        with pytest.raises(Forbidden, match="全局管理员"):
            await hall_admin.admin_create(
                "staff",
                {"staff_no": f"G-{role}", "name": "x", "role": role, "password": "password-9"},
            )
    # inside its own hall it may create staff, admins included
    created = await hall_admin.admin_create(
        "staff",
        {
            "staff_no": "H1-ADMIN2",
            "name": "副管理员",
            "role": "admin",
            "password": "password-9",
            "hall_id": hall.hall_id,
        },
    )
    assert created.hall_id == hall.hall_id
    assert [h["id"] for h in await hall_admin.admin_list("halls")] == [hall.hall_id]
    assert {s["hall_id"] for s in await hall_admin.admin_list("staff")} == {hall.hall_id}
    staff_nos = {s["staff_no"] for s in await server.admin.admin_list("staff")}
    assert "G-admin" not in staff_nos and "NEW" not in {
        h["code"] for h in await server.admin.admin_list("halls")
    }
