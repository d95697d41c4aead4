"""Async REST client for /api/v1, with typed errors."""

from __future__ import annotations

import functools
import ssl
from collections.abc import Sequence
from types import TracebackType
from typing import Any, Literal, overload

import httpx

from client.actions import TicketAction
from client.desk import DeskWindow, TodayFigures, WindowQueue
from client.errors import ServerUnavailable, error_for
from client.platform import OutboxItem, PlatformOutbox
from client.records import (
    ComplaintOut,
    ComplaintPage,
    IndicatorsOut,
    RectificationOut,
    RectificationPage,
    TicketPage,
)
from client.replies import (
    AlertOut,
    DeviceCreatedOut,
    DeviceMeOut,
    DeviceOut,
    DeviceStatusOut,
    EvaluationOut,
    HallOut,
    HealthOut,
    HelpOut,
    IssuedTicketOut,
    PairedOut,
    PasswordChangedOut,
    PhoneOut,
    PublicTicketOut,
    Reply,
    ServiceOut,
    ServiceStatusOut,
    StaffOut,
    TicketOut,
    TokenOut,
    WindowOut,
)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# An idle kept-alive connection is given up after this long: well before the server closes it
# (5 s, server/api/serving.py; nginx 75 s). With both at 5 s (httpx's and uvicorn's defaults) a
# request sent as the server closed the connection failed — a POST cannot be sent again.
KEEPALIVE_SECONDS = 2.0

AdminKind = Literal["halls", "services", "windows", "staff", "devices"]
# what `POST /admin/{kind}` and `GET /admin/{kind}` reply (a list of the latter)
CREATED: dict[str, type[Reply]] = {
    "halls": HallOut,
    "services": ServiceOut,
    "windows": WindowOut,
    "staff": StaffOut,
    "devices": DeviceCreatedOut,
}
LISTED: dict[str, type[Reply]] = {**CREATED, "devices": DeviceOut}


@functools.cache
def tls_context() -> ssl.SSLContext:
    """One TLS context for the clients of a process (contexts are made to be shared): httpx
    would otherwise load the CA bundle again for each client, ~25 ms of CPU — an app makes a
    few, the test suite thousands."""
    return httpx.create_ssl_context()


class ApiClient:
    def __init__(
        self,
        base_url: str,
        token: str | None = None,
        *,
        timeout: float = 10.0,
        max_connections: int = 20,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self._http = httpx.AsyncClient(
            base_url=self.base_url + "/api/v1",
            timeout=timeout,
            verify=tls_context(),
            limits=httpx.Limits(
                max_connections=max_connections,
                max_keepalive_connections=max_connections,
                keepalive_expiry=KEEPALIVE_SECONDS,
            ),
        )

    async def __aenter__(self) -> ApiClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    def with_token(self, token: str) -> ApiClient:
        """A client sharing nothing but the address, authenticated with another token."""
        return ApiClient(self.base_url, token)

    async def request(self, method: str, path: str, *, json: Any = None, params: Any = None) -> Any:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        # A kept-alive connection the server closed while idle fails the next request before
        # the server read it ("Server disconnected without sending a response"). A read is
        # safe to send again on a new connection; a write is not (a POST may have been
        # taken: the kiosk's retry of POST /tickets carries its idempotency key instead).
        attempts = 2 if method in SAFE_METHODS else 1
        for attempt in range(attempts):
            try:
                response = await self._http.request(
                    method, path, json=json, params=params, headers=headers
                )
                break
            except (httpx.RemoteProtocolError, httpx.ReadError) as exc:
                if attempt + 1 < attempts:
                    continue
                raise ServerUnavailable(f"无法连接服务器 {self.base_url}：{exc}") from exc
            except httpx.TransportError as exc:
                raise ServerUnavailable(f"无法连接服务器 {self.base_url}：{exc}") from exc
        if response.status_code == 204:
            return None
        if response.status_code >= 400:
            try:
                body = response.json()
            except ValueError:
                body = {}
            extra = (
                {k: v for k, v in body.items() if k not in ("code", "detail")}
                if isinstance(body, dict)
                else {}
            )
            raise error_for(
                response.status_code,
                str(body.get("code", f"http_{response.status_code}")),
                str(body.get("detail", response.text)),
                extra,
            )
        return response.json()

    # --- auth and setup -------------------------------------------------------------------
    async def login(self, staff_no: str, password: str) -> TokenOut:
        result = TokenOut.model_validate(
            await self.request(
                "POST", "/auth/login", json={"staff_no": staff_no, "password": password}
            )
        )
        self.token = result.access_token
        return result

    async def change_password(self, old_password: str, new_password: str) -> PasswordChangedOut:
        """The signed-in staff member's own new password; the client goes on with the new
        token the server gives (the earlier ones have ended)."""
        result = PasswordChangedOut.model_validate(
            await self.request(
                "POST",
                "/auth/password",
                json={"old_password": old_password, "new_password": new_password},
            )
        )
        if result.access_token:
            self.token = result.access_token
        return result

    async def health(self) -> HealthOut:
        return HealthOut.model_validate(await self.request("GET", "/health"))

    @overload
    async def admin_create(self, kind: Literal["halls"], body: dict[str, Any]) -> HallOut: ...
    @overload
    async def admin_create(self, kind: Literal["services"], body: dict[str, Any]) -> ServiceOut: ...
    @overload
    async def admin_create(self, kind: Literal["windows"], body: dict[str, Any]) -> WindowOut: ...
    @overload
    async def admin_create(self, kind: Literal["staff"], body: dict[str, Any]) -> StaffOut: ...
    @overload
    async def admin_create(
        self, kind: Literal["devices"], body: dict[str, Any]
    ) -> DeviceCreatedOut: ...
    async def admin_create(self, kind: AdminKind, body: dict[str, Any]) -> Reply:
        """kind: halls, services, windows, staff, devices (the device's token shown once)."""
        model = CREATED[kind]
        return model.model_validate(await self.request("POST", f"/admin/{kind}", json=body))

    @overload
    async def admin_list(self, kind: Literal["halls"], **params: Any) -> list[HallOut]: ...
    @overload
    async def admin_list(self, kind: Literal["services"], **params: Any) -> list[ServiceOut]: ...
    @overload
    async def admin_list(self, kind: Literal["windows"], **params: Any) -> list[WindowOut]: ...
    @overload
    async def admin_list(self, kind: Literal["staff"], **params: Any) -> list[StaffOut]: ...
    @overload
    async def admin_list(self, kind: Literal["devices"], **params: Any) -> list[DeviceOut]: ...
    async def admin_list(self, kind: AdminKind, **params: Any) -> Sequence[Reply]:
        model = LISTED[kind]
        rows = await self.request("GET", f"/admin/{kind}", params=params)
        return [model.model_validate(row) for row in rows]

    # --- kiosk ---------------------------------------------------------------------------
    async def services(self, hall_id: int) -> list[ServiceStatusOut]:
        rows = await self.request("GET", f"/halls/{hall_id}/services")
        return [ServiceStatusOut.model_validate(row) for row in rows]

    async def issue_ticket(
        self,
        service_id: int,
        priority: str = "normal",
        request_id: str | None = None,
        *,
        elderly: bool = False,
    ) -> IssuedTicketOut:
        """Take a number. Give the same `request_id` when retrying a request whose answer was
        lost: the server then returns the ticket it already issued instead of a second one."""
        body: dict[str, Any] = {"service_id": service_id, "priority": priority}
        if elderly:
            body["elderly"] = True
        if request_id is not None:
            body["request_id"] = request_id
        return IssuedTicketOut.model_validate(await self.request("POST", "/tickets", json=body))

    async def check_in(
        self,
        *,
        appointment_code: str | None = None,
        id_no: str | None = None,
        request_id: str | None = None,
    ) -> IssuedTicketOut:
        """预约签到 (a kiosk): today's appointment of the 6-digit code or the ID number checked
        in; the ticket, with `appointment`. Refusals raise ApiError whose `extra` holds the
        slot's facts (`opens_at`, `service_id`, …; docs/appointments.md)."""
        body: dict[str, Any] = {}
        if appointment_code is not None:
            body["appointment_code"] = appointment_code
        if id_no is not None:
            body["id_no"] = id_no
        if request_id is not None:
            body["request_id"] = request_id
        return IssuedTicketOut.model_validate(await self.request("POST", "/tickets", json=body))

    async def ask_for_help(self) -> HelpOut:
        """呼叫帮办 from this kiosk (`new`: false when already asked, not yet taken)."""
        return HelpOut.model_validate(await self.request("POST", "/devices/me/help"))

    async def take_help(self, alert_id: int) -> AlertOut:
        """The 导办 desk takes a 呼叫帮办 (once for everyone: the first one stands)."""
        return AlertOut.model_validate(await self.request("POST", f"/help/{alert_id}/ack"))

    async def public_ticket(self, public_token: str) -> PublicTicketOut:
        return PublicTicketOut.model_validate(
            await self.request("GET", f"/tickets/public/{public_token}")
        )

    async def add_phone(self, ticket_id: int, phone: str) -> PhoneOut:
        """短信提醒 (a kiosk): the applicant's mobile number for a ticket this kiosk issued;
        the reply has the number masked (138****1234)."""
        body = {"phone": phone}
        return PhoneOut.model_validate(
            await self.request("POST", f"/tickets/{ticket_id}/phone", json=body)
        )

    # --- devices -------------------------------------------------------------------------
    async def device_me(self) -> DeviceMeOut:
        """Who this device token is: id, kind, label, hall, window, the hall's settings."""
        return DeviceMeOut.model_validate(await self.request("GET", "/devices/me"))

    async def pair(self, code: str) -> PairedOut:
        """Exchange a one-time pairing code (the console's 设备 → 配对码) for this device's
        token (with its device_id, kind, label, hall). No token needed."""
        return PairedOut.model_validate(
            await self.request("POST", "/devices/pair", json={"code": code})
        )

    async def report_device_status(
        self,
        status: str,
        *,
        printer: str | None = None,
        detail: str | None = None,
        version: str | None = None,
    ) -> DeviceStatusOut:
        """The device's health (status: ok, warning, error) and that it is alive; a change
        is a `device.status` event."""
        body: dict[str, Any] = {"status": status, "printer": printer, "detail": detail}
        if version is not None:
            body["version"] = version
        return DeviceStatusOut.model_validate(
            await self.request("POST", "/devices/me/status", json=body)
        )

    # --- window --------------------------------------------------------------------------
    async def window_action(
        self, window_id: int, action: str, body: dict[str, Any] | None = None
    ) -> WindowOut:
        """action: open, pause, resume, close."""
        return WindowOut.model_validate(
            await self.request("POST", f"/windows/{window_id}/{action}", json=body)
        )

    async def call_next(self, window_id: int) -> TicketOut | None:
        """The ticket called, or None: nobody waits for this window's services."""
        result = await self.request("POST", f"/windows/{window_id}/call-next")
        return None if result is None else TicketOut.model_validate(result)

    async def ticket_action(
        self, ticket_id: int, action: TicketAction | str, body: dict[str, Any] | None = None
    ) -> TicketOut:
        """A TicketAction (not `call`), or its route's segment: recall, start, finish,
        no-show, requeue, transfer, cancel."""
        segment = action.path if isinstance(action, TicketAction) else action
        return TicketOut.model_validate(
            await self.request("POST", f"/tickets/{ticket_id}/{segment}", json=body)
        )

    async def hall_windows(self, hall_id: int) -> list[DeskWindow]:
        """The hall's windows, their state and who is signed in (staff of the hall)."""
        rows = await self.request("GET", "/windows", params={"hall_id": hall_id})
        return [DeskWindow.model_validate(row) for row in rows]

    async def window_queue(self, window_id: int) -> WindowQueue:
        """The window, its current ticket, its queue and no-shows (staff signed in there)."""
        return WindowQueue.model_validate(await self.request("GET", f"/windows/{window_id}/queue"))

    async def window_today(self, window_id: int) -> TodayFigures:
        """Today's figures of the window and of the clerk signed in at it."""
        return TodayFigures.model_validate(await self.request("GET", f"/windows/{window_id}/today"))

    async def evaluate(
        self,
        ticket_id: int,
        level: int,
        reasons: list[str] | None = None,
        comment: str | None = None,
        public_token: str | None = None,
    ) -> EvaluationOut:
        body: dict[str, Any] = {"level": level, "reasons": reasons or [], "comment": comment}
        if public_token:
            body["public_token"] = public_token
        return EvaluationOut.model_validate(
            await self.request("POST", f"/tickets/{ticket_id}/evaluation", json=body)
        )

    # --- statistics ----------------------------------------------------------------------
    async def indicators(
        self, hall_id: int, start: str | None = None, end: str | None = None, group_by: str = "day"
    ) -> IndicatorsOut:
        params: dict[str, Any] = {"hall_id": hall_id, "group_by": group_by}
        if start:
            params["from"] = start
        if end:
            params["to"] = end
        return IndicatorsOut.model_validate(
            await self.request("GET", "/stats/indicators", params=params)
        )

    async def ticket_records(
        self,
        hall_id: int,
        start: str | None = None,
        end: str | None = None,
        limit: int = 500,
        offset: int = 0,
    ) -> TicketPage:
        params: dict[str, Any] = {"hall_id": hall_id, "limit": limit, "offset": offset}
        if start:
            params["from"] = start
        if end:
            params["to"] = end
        return TicketPage.model_validate(await self.request("GET", "/stats/tickets", params=params))

    async def ticket_page(self, hall_id: int | None = None, **params: Any) -> TicketPage:
        """One page of 明细: params from, to, limit, offset or after (keyset)."""
        query = {"hall_id": hall_id, **params} if hall_id is not None else params
        return TicketPage.model_validate(await self.request("GET", "/stats/tickets", params=query))

    async def export(self, hall_id: int | None = None, **params: Any) -> bytes:
        """The XLSX workbook (format=xlsx) or the 明细 CSV (format=csv) of a period."""
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        query = {"hall_id": hall_id, **params} if hall_id is not None else params
        try:
            response = await self._http.get(
                "/stats/export", params=query, headers=headers, timeout=600
            )
        except httpx.TransportError as exc:
            raise ServerUnavailable(f"无法连接服务器 {self.base_url}：{exc}") from exc
        if response.status_code >= 400:
            body = response.json()
            raise error_for(response.status_code, str(body.get("code")), str(body.get("detail")))
        return response.content

    # --- 投诉 and 差评整改 -------------------------------------------------------------------
    async def complaints(self, **params: Any) -> ComplaintPage:
        return ComplaintPage.model_validate(await self.request("GET", "/complaints", params=params))

    async def create_complaint(self, body: dict[str, Any]) -> ComplaintOut:
        return ComplaintOut.model_validate(await self.request("POST", "/complaints", json=body))

    async def handle_complaint(self, complaint_id: int, body: dict[str, Any]) -> ComplaintOut:
        return ComplaintOut.model_validate(
            await self.request("POST", f"/complaints/{complaint_id}/handle", json=body)
        )

    async def rectifications(self, **params: Any) -> RectificationPage:
        return RectificationPage.model_validate(
            await self.request("GET", "/rectifications", params=params)
        )

    async def rectify(self, rectification_id: int, measures: str) -> RectificationOut:
        return RectificationOut.model_validate(
            await self.request(
                "POST", f"/rectifications/{rectification_id}/rectify", json={"measures": measures}
            )
        )

    async def follow_up(
        self, rectification_id: int, way: str, result_text: str, satisfied: bool
    ) -> RectificationOut:
        return RectificationOut.model_validate(
            await self.request(
                "POST",
                f"/rectifications/{rectification_id}/follow-up",
                json={"way": way, "result": result_text, "satisfied": satisfied},
            )
        )

    # --- 好差评 to the government platform ------------------------------------------------
    async def platform_outbox(self, hall_id: int | None = None) -> PlatformOutbox:
        """Where the hall's records to the platform stand (supervisor, admin)."""
        params = {"hall_id": hall_id} if hall_id is not None else None
        return PlatformOutbox.model_validate(
            await self.request("GET", "/platform/outbox", params=params)
        )

    async def outbox_retry(self, message_id: int) -> OutboxItem:
        """Send a failed record again now (admin)."""
        return OutboxItem.model_validate(
            await self.request("POST", f"/platform/outbox/{message_id}/retry")
        )

    async def outbox_mark(self, message_id: int, note: str) -> OutboxItem:
        """Settle a failed record by hand, with a note (admin)."""
        return OutboxItem.model_validate(
            await self.request("POST", f"/platform/outbox/{message_id}/mark", json={"note": note})
        )
