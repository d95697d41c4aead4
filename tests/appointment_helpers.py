"""Factories for the appointment tests: a hall whose services take appointments, an
integration with its token, valid ID card numbers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from client.rest import ApiClient, tls_context
from tests.helpers import LiveServer, Seeded, seed_hall

SHANGHAI = ZoneInfo("Asia/Shanghai")
HOURS = [["09:00", "12:00"], ["13:30", "17:00"]]
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_card(seq: int, birth: str = "19700101") -> str:
    """A valid 18-character 居民身份证 number (GB 11643 check character)."""
    body = f"110105{birth}{seq % 1000:03d}"
    total = sum(int(d) * w for d, w in zip(body, _WEIGHTS, strict=True))
    return body + "10X98765432"[total % 11]


def local(day: str, hhmm: str) -> str:
    """A slot start as the API writes it: 2026-11-27T09:00:00+08:00."""
    return datetime.fromisoformat(f"{day}T{hhmm}:00").replace(tzinfo=SHANGHAI).isoformat()


@dataclass
class Booker:
    """An integration (the 政务服务网) with its token, talking to one server."""

    server: LiveServer
    integration: dict[str, Any]
    token: str
    people: int = field(default=0)

    def _http(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            verify=tls_context(),
            base_url=self.server.base_url + "/api/v1",
            headers={"Authorization": f"Bearer {self.token}"},
        )

    async def slots(self, service_id: int, **params: str) -> list[dict[str, Any]]:
        async with self._http() as http:
            response = await http.get(
                "/appointments/slots", params={"service_id": service_id, **params}
            )
        assert response.status_code == 200, response.text
        result: list[dict[str, Any]] = response.json()
        return result

    async def book(self, service_id: int, slot_start: str, **fields: Any) -> httpx.Response:
        self.people += 1
        body = {
            "service_id": service_id,
            "slot_start": slot_start,
            "id_type": "id_card",
            "id_no": id_card(self.people),
            "name": "张小三",
            "phone": "13812341234",
            **fields,
        }
        async with self._http() as http:
            return await http.post("/appointments", json=body)

    async def cancel(self, appointment_id: int) -> httpx.Response:
        async with self._http() as http:
            return await http.delete(f"/appointments/{appointment_id}")

    async def get(self, appointment_id: int) -> httpx.Response:
        async with self._http() as http:
            return await http.get(f"/appointments/{appointment_id}")


async def integration_token(base_url: str, integration: dict[str, Any]) -> str:
    async with httpx.AsyncClient(verify=tls_context(), base_url=base_url + "/api/v1") as http:
        response = await http.post(
            "/auth/token",
            data={
                "grant_type": "client_credentials",
                "client_id": integration["client_id"],
                "client_secret": integration["client_secret"],
            },
        )
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token


async def booker(server: LiveServer, hall_id: int, name: str = "省政务服务网") -> Booker:
    integration = await server.admin.request(
        "POST", "/admin/integrations", json={"name": name, "hall_id": hall_id}
    )
    return Booker(server, integration, await integration_token(server.base_url, integration))


async def enable_appointments(
    admin: ApiClient, service_id: int, quota: int = 2, **extra: Any
) -> dict[str, Any]:
    result: dict[str, Any] = await admin.request(
        "PATCH",
        f"/admin/services/{service_id}",
        json={"hours": HOURS, "appointment_quota": quota, **extra},
    )
    return result


async def appointment_hall(server: LiveServer, quota: int = 2) -> tuple[Seeded, Booker]:
    """The seeded hall (services A, B; windows 1, 2) with A taking `quota` a slot, and an
    integration of the hall."""
    hall = await seed_hall(server)
    await enable_appointments(server.admin, hall.services["A"], quota)
    return hall, await booker(server, hall.hall_id)


def at(day: str, hhmm: str) -> datetime:
    """A local time of the hall as a UTC instant (for the ManualClock)."""
    return datetime.fromisoformat(f"{day}T{hhmm}:00").replace(tzinfo=SHANGHAI).astimezone(UTC)


async def post_ticket(server: LiveServer, token: str, body: dict[str, Any]) -> httpx.Response:
    """POST /tickets as a kiosk (a walk-in's `service_id`, or `appointment_code` / `id_no`)."""
    async with httpx.AsyncClient(
        verify=tls_context(), base_url=server.base_url + "/api/v1"
    ) as http:
        return await http.post("/tickets", json=body, headers={"Authorization": f"Bearer {token}"})
