"""The fast path (server/api/fast_path.py) answers exactly as the FastAPI routes do.

Each request is sent with the fast path on and again with it off (everything through
FastAPI), and the two answers compared: status, headers (all but the date) and body bytes.
Answers that cannot repeat (a new ticket, a transition) are compared with their ids, numbers
and tokens set aside, on a frozen clock. Refusals are compared byte for byte, both those the
fast path hands to FastAPI (bad body, unknown token, wrong kind of credential) and those of
the work itself (unknown service, request_id reused, wrong state, another window's ticket),
which the fast path answers through the app's own exception handlers.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from client.rest import tls_context
from server.api.fast_path import FastPath, check_routes
from server.app import create_app
from server.settings import Settings
from tests.helpers import LiveServer, Seeded, open_window

# values that differ between two tickets of the same shape
VARYING = {"id", "number", "public_token", "public_url", "ahead", "estimated_wait_minutes"}


def fast_path_of(server: LiveServer) -> FastPath:
    node: Any = server.app.middleware_stack
    while not isinstance(node, FastPath):
        node = node.app
    return node


class Both:
    """Sends requests with the fast path on or off and says which way they went."""

    def __init__(self, server: LiveServer) -> None:
        self.http = httpx.AsyncClient(verify=tls_context(), base_url=server.base_url + "/api/v1")
        self.fast = fast_path_of(server)

    async def send(
        self,
        fast: bool,
        path: str,
        token: str | None,
        body: Any = None,
        *,
        raw: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[httpx.Response, bool]:
        """The answer, and whether the fast path answered it."""
        sent = dict(headers or {})
        if token is not None:
            sent.setdefault("Authorization", f"Bearer {token}")
        content = raw
        if body is not None:
            content = json.dumps(body).encode()
            sent.setdefault("Content-Type", "application/json")
        self.fast.enabled = fast
        before = self.fast.served
        try:
            answer = await self.http.post(path, content=content, headers=sent)
        finally:
            self.fast.enabled = True
        return answer, self.fast.served > before

    async def same_refusal(
        self, path: str, token: str | None, body: Any = None, *, fast_path: bool, **kw: Any
    ) -> httpx.Response:
        """The same request both ways: byte-identical answers. `fast_path`: whether the fast
        path must have answered it (True) or handed it to FastAPI (False)."""
        fast, served = await self.send(True, path, token, body, **kw)
        slow, slow_served = await self.send(False, path, token, body, **kw)
        assert served is fast_path, (path, fast.status_code, fast.text)
        assert not slow_served
        assert_identical(fast, slow)
        return fast


def headers_of(answer: httpx.Response) -> list[tuple[str, str]]:
    return [(k, v) for k, v in answer.headers.multi_items() if k != "date"]


def assert_identical(fast: httpx.Response, slow: httpx.Response) -> None:
    assert fast.status_code == slow.status_code, (fast.text, slow.text)
    assert headers_of(fast) == headers_of(slow)
    assert fast.content == slow.content


def assert_same_shape(fast: httpx.Response, slow: httpx.Response) -> None:
    """Same status, headers and JSON but for the values that differ between two tickets."""
    assert fast.status_code == slow.status_code, (fast.text, slow.text)
    a, b = fast.json(), slow.json()
    assert list(a) == list(b)  # same fields in the same order
    assert {k: v for k, v in a.items() if k not in VARYING} == {
        k: v for k, v in b.items() if k not in VARYING
    }
    assert [k for k, _ in headers_of(fast)] == [k for k, _ in headers_of(slow)]
    assert fast.headers["content-type"] == slow.headers["content-type"] == "application/json"
    assert int(fast.headers["content-length"]) == len(fast.content)
    # the serialisation is the same: the fast answer is the slow one with its own values
    for key in VARYING & set(a):
        b[key] = a[key]
    assert fast.content == json.dumps(b, ensure_ascii=False, separators=(",", ":")).encode()


@pytest.fixture
async def both(server: LiveServer) -> AsyncIterator[Both]:
    both = Both(server)
    yield both
    await both.http.aclose()


async def test_issuing_answers_alike(server: LiveServer, hall: Seeded, both: Both) -> None:
    a, b = hall.services["A"], hall.services["B"]
    kiosk = hall.kiosk_token
    # the first request reads the device from the database (FastAPI), later ones are cached
    first, served = await both.send(True, "/tickets", kiosk, {"service_id": a})
    assert first.status_code == 201 and not served

    fast, served = await both.send(True, "/tickets", kiosk, {"service_id": a})
    assert served
    slow, served = await both.send(False, "/tickets", kiosk, {"service_id": a})
    assert not served
    assert_same_shape(fast, slow)
    assert fast.status_code == 201 and fast.json()["number"] == "A002"
    assert slow.json()["number"] == "A003"

    # request_id: the first answer, then the replay both ways (the same ticket, 200)
    body = {"service_id": b, "priority": "green", "request_id": "kiosk-press-0001"}
    created, served = await both.send(True, "/tickets", kiosk, body)
    assert created.status_code == 201 and served
    replay = await both.same_refusal("/tickets", kiosk, body, fast_path=True)
    assert replay.status_code == 200 and replay.json()["id"] == created.json()["id"]
    # replayed while the first, created by FastAPI, is replayed by the fast path
    body2 = {"service_id": b, "request_id": "kiosk-press-0002"}
    created, _ = await both.send(False, "/tickets", kiosk, body2)
    again, served = await both.send(True, "/tickets", kiosk, body2)
    assert served and again.status_code == 200
    assert again.json() == {**created.json(), "ahead": again.json()["ahead"]}

    # refusals of the work itself, answered by the app's exception handlers
    reused = await both.same_refusal("/tickets", kiosk, {**body, "service_id": a}, fast_path=True)
    assert reused.status_code == 409 and reused.json()["code"] == "request_reused"
    missing = await both.same_refusal("/tickets", kiosk, {"service_id": 999_999}, fast_path=True)
    assert missing.status_code == 404 and "detail" in missing.json()

    # everything else is FastAPI's
    for path, token, payload, kw, status in [
        ("/tickets", kiosk, None, {"raw": b"{not json", "headers": JSON}, 422),
        ("/tickets", kiosk, None, {"raw": b"", "headers": JSON}, 422),
        ("/tickets", kiosk, {"service_id": "x"}, {}, 422),
        ("/tickets", kiosk, {"service_id": 0}, {}, 422),
        ("/tickets", kiosk, {"service_id": 2**31}, {}, 422),
        ("/tickets", kiosk, {"service_id": a, "priority": "vip"}, {}, 422),
        ("/tickets", kiosk, {"service_id": a, "request_id": "short"}, {}, 422),
        ("/tickets", kiosk, [a], {}, 422),
        ("/tickets", "dev_unknown-token", {"service_id": a}, {}, 401),
        ("/tickets", hall.display_token, {"service_id": a}, {}, 403),
        ("/tickets", None, {"service_id": a}, {}, 401),
        ("/tickets", kiosk, None, {"raw": b'{"service_id": 1}', "headers": TEXT}, 422),
    ]:
        answer = await both.same_refusal(path, token, payload, fast_path=False, **kw)
        assert answer.status_code == status, (payload, kw, answer.text)
        assert answer.json()["code"] and answer.json()["detail"]
    # a body in another JSON content type: FastAPI's (a ticket, the same shape)
    other, served = await both.send(
        True, "/tickets", kiosk, None, raw=b'{"service_id": %d}' % a, headers=JSON_UTF8
    )
    assert other.status_code == 201 and not served


JSON = {"Content-Type": "application/json"}
JSON_UTF8 = {"Content-Type": "application/json; charset=utf-8"}
TEXT = {"Content-Type": "text/plain"}


async def test_window_cycle_answers_alike(server: LiveServer, hall: Seeded, both: Both) -> None:
    a = hall.services["A"]
    kiosk = server.client(hall.kiosk_token)
    for _ in range(3):
        await kiosk.issue_ticket(a)
    clerk = await open_window(server, hall, "1")  # the staff account is cached now
    other = await open_window(server, hall, "2")
    window = f"/windows/{hall.windows['1']}/call-next"
    assert clerk.token is not None and other.token is not None

    # one ticket's cycle through the fast path, the next one's through FastAPI: same answers
    answers: dict[bool, list[httpx.Response]] = {True: [], False: []}
    for fast in (True, False):
        called, served = await both.send(fast, window, clerk.token)
        assert called.status_code == 200 and served is fast
        ticket = called.json()["id"]
        started, served = await both.send(fast, f"/tickets/{ticket}/start", clerk.token)
        assert started.status_code == 200 and served is fast
        finished, served = await both.send(
            fast, f"/tickets/{ticket}/finish", clerk.token, {"outcome": "done"}
        )
        assert finished.status_code == 200 and served is fast
        answers[fast] = [called, started, finished]
    for fast_answer, slow_answer in zip(answers[True], answers[False], strict=True):
        assert_same_shape(fast_answer, slow_answer)
    done = answers[True][2].json()["id"]

    # refusals of the work: wrong state, unknown ticket, another window's ticket
    conflict = await both.same_refusal(f"/tickets/{done}/start", clerk.token, fast_path=True)
    assert conflict.status_code == 409
    missing = await both.same_refusal("/tickets/999999/recall", clerk.token, fast_path=True)
    assert missing.status_code == 404
    at_window = await clerk.call_next(hall.windows["1"])
    assert at_window is not None
    for action in ("start", "recall", "no-show", "cancel"):
        refused = await both.same_refusal(
            f"/tickets/{at_window['id']}/{action}", other.token, fast_path=True
        )
        assert refused.status_code == 403, action
    not_signed_in = await both.same_refusal(
        f"/windows/{hall.windows['1']}/call-next", other.token, fast_path=True
    )
    assert not_signed_in.status_code in (403, 409)

    # FastAPI's: bad outcome, ids out of range or not plain, device token, bad token, no body
    ticket = at_window["id"]
    for path, token, payload, status in [
        (f"/tickets/{ticket}/finish", clerk.token, {"outcome": "nope"}, 422),
        (f"/tickets/{ticket}/finish", clerk.token, None, 422),
        ("/tickets/0/start", clerk.token, None, 422),
        (f"/tickets/{2**31}/start", clerk.token, None, 422),
        (f"/tickets/0{done}/start", clerk.token, None, 409),  # finished: refused
        (f"/tickets/{ticket}/start", hall.kiosk_token, None, 403),
        (f"/tickets/{ticket}/start", "not-a-jwt", None, 401),
        (f"/tickets/{ticket}/start", None, None, 401),
        ("/windows/x/call-next", clerk.token, None, 422),
    ]:
        answer = await both.same_refusal(path, token, payload, fast_path=False)
        assert answer.status_code == status, (path, answer.text)

    # the queue emptied: 204 both ways
    current: dict[str, Any] | None = at_window
    while current is not None:
        await clerk.ticket_action(current["id"], "cancel")
        current = await clerk.call_next(hall.windows["1"])
    empty = await both.same_refusal(window, clerk.token, fast_path=True)
    assert empty.status_code == 204 and empty.content == b""


async def test_the_schema_still_lists_the_routes(server: LiveServer) -> None:
    paths = server.app.openapi()["paths"]
    issue = paths["/api/v1/tickets"]["post"]
    assert set(issue["responses"]) >= {"200", "201", "401", "403", "404", "409", "422"}
    assert issue["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/TicketIn"
    )
    for action in ("recall", "start", "finish", "no-show", "requeue", "cancel"):
        assert "post" in paths[f"/api/v1/tickets/{{ticket_id}}/{action}"]
    assert "204" in paths["/api/v1/windows/{window_id}/call-next"]["post"]["responses"]


def test_the_fast_path_answers_only_routes_the_app_has() -> None:
    check_routes(create_app(Settings(database_url="sqlite:///unused.db")))
    app = FastAPI()

    @app.post("/api/v1/tickets")
    async def issue() -> None: ...

    with pytest.raises(RuntimeError, match=r"answers POST /api/v1/windows/\{window_id\}/call-next"):
        check_routes(app)


async def test_every_request_handed_to_fastapi_is_counted_and_a_bug_is_logged(
    server: LiveServer, hall: Seeded, both: Both, caplog: pytest.LogCaptureFixture
) -> None:
    kiosk, a = hall.kiosk_token, hall.services["A"]
    fallbacks = both.fast.fallbacks
    fallbacks.clear()
    first, served = await both.send(True, "/tickets", kiosk, {"service_id": a})
    assert first.status_code == 201 and not served  # its token was not cached yet
    await both.send(True, "/tickets", kiosk, raw=b"{}", headers={"Content-Type": "text/plain"})
    await both.send(True, "/tickets", None, {"service_id": a})
    assert fallbacks == {"not a cached kiosk": 1, "not application/json": 1, "no bearer token": 1}

    def broken(*args: object) -> None:
        raise KeyError("a bug of the fast path")

    both.fast._work = broken  # type: ignore[method-assign]
    with caplog.at_level(logging.ERROR, logger="server.api.fast_path"):
        answer, served = await both.send(True, "/tickets", kiosk, {"service_id": a})
    assert answer.status_code == 201 and not served  # FastAPI answered it
    assert fallbacks["error in the fast path"] == 1
    [logged] = [r for r in caplog.records if r.name == "server.api.fast_path"]
    assert "preparing issue 0 failed" in logged.getMessage() and logged.exc_info is not None
