"""A console session over plain HTTP (httpx): sign in with the cookie, send the CSRF header."""

from __future__ import annotations

from typing import Any

import httpx

from client.rest import tls_context

CSRF_HEADER = "X-CSRF-Token"


class CookieClient:
    """What the browser does: cookies kept by the client, CSRF token echoed on changes."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.http = httpx.AsyncClient(verify=tls_context(), base_url=base_url, timeout=10)
        self.csrf = ""

    async def sign_in(self, staff_no: str, password: str) -> httpx.Response:
        response = await self.http.post(
            "/api/v1/auth/session", json={"staff_no": staff_no, "password": password}
        )
        if response.status_code == 200:
            self.csrf = response.json()["csrf_token"]
        return response

    async def get(self, path: str, **params: Any) -> httpx.Response:
        return await self.http.get("/api/v1" + path, params=params)

    async def send(
        self, method: str, path: str, body: Any = None, *, csrf: bool = True, **headers: str
    ) -> httpx.Response:
        if csrf:
            headers = {CSRF_HEADER: self.csrf, **headers}
        return await self.http.request(method, "/api/v1" + path, json=body, headers=headers)

    async def aclose(self) -> None:
        await self.http.aclose()
