"""The OpenAPI document says what the API really answers, and a bounded schemathesis run over
every operation (valid and invalid requests, with an admin's and a kiosk's token) finds no
server error, no undocumented status and no answer that breaks the document. Operations that
did not document their errors used to be left out (issue 23 item 11)."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from client.rest import tls_context
from tests.helpers import LiveServer, Seeded

# per operation, token and mode; every operation is run (37 s of the suite at load 15 on two
# cores: issue 23 allows ~60 s)
EXAMPLES = 4
# Routes left out of the run (none now: /stats/export is fuzzed too — its refusals come
# before any worker process starts, and a handful of valid exports of a small hall is cheap).
NOT_YET: tuple[str, ...] = ()
# An export starts a worker process (imports, then the report): on a loaded machine (load 7–8)
# that took over schemathesis' default 10 s once; the check is the answer, not its speed.
CALL_TIMEOUT_S = 120
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


async def openapi(server: LiveServer) -> dict[str, Any]:
    async with httpx.AsyncClient(verify=tls_context()) as http:
        document: dict[str, Any] = (await http.get(server.base_url + "/openapi.json")).json()
    return document


async def test_the_document_shows_the_real_error_model_and_statuses(server: LiveServer) -> None:
    document = await openapi(server)
    schemas = document["components"]["schemas"]
    assert "HTTPValidationError" not in schemas, "FastAPI's list-shaped 422 is not what we send"
    assert schemas["ErrorOut"]["properties"]["detail"]["type"] == "string"
    assert schemas["ValidationErrorOut"]["properties"]["detail"]["type"] == "string"
    paths = document["paths"]
    expected = {
        ("/api/v1/tickets", "post"): {"401", "403", "404", "409", "413", "422"},
        ("/api/v1/tickets/{ticket_id}/cancel", "post"): {"401", "403", "404", "409", "422"},
        ("/api/v1/windows/{window_id}/call-next", "post"): {"401", "403", "404", "409", "422"},
        ("/api/v1/admin/halls", "post"): {"401", "403", "409", "413", "422"},
        ("/api/v1/admin/staff/{staff_id}", "patch"): {"401", "403", "404", "413", "422"},
        ("/api/v1/admin/devices/{device_id}", "delete"): {"401", "403", "404", "422"},
        ("/api/v1/auth/login", "post"): {"401", "413", "422", "429", "503"},
        # the four that did not say so (issue 23 item 11)
        ("/api/v1/devices/me", "get"): {"401", "403"},
        ("/api/v1/devices/me/status", "post"): {"400", "401", "403", "413", "422"},
        ("/api/v1/halls/{hall_id}/devices", "get"): {"401", "403", "404", "422"},
        ("/api/v1/windows/{window_id}/today", "get"): {"401", "403", "404", "422"},
    }
    for (path, method), statuses in expected.items():
        responses = paths[path][method]["responses"]
        assert statuses <= set(responses), (path, method, sorted(responses))
        for status in statuses:
            ref = responses[status]["content"]["application/json"]["schema"]["$ref"]
            assert ref.endswith("/ValidationErrorOut" if status == "422" else "/ErrorOut")
    ready = paths["/api/v1/health/ready"]["get"]["responses"]["503"]
    assert ready["content"]["application/json"]["schema"]["$ref"].endswith("/NotReadyOut")


def fuzz(base_url: str, tokens: dict[str, str]) -> list[str]:
    """Runs in a worker thread (schemathesis is synchronous) while the server keeps serving."""
    schema = schemathesis.openapi.from_url(base_url + "/openapi.json")
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.path.startswith(NOT_YET):
            continue
        for who, token in tokens.items():
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                run = _test(operation.as_strategy(generation_mode=mode), base_url, token)
                try:
                    run()
                except Unsatisfiable:  # no input to make invalid (e.g. GET /health)
                    continue
                except (Exception, BaseExceptionGroup) as exc:  # a failed check: collect them all
                    failures.append(f"{operation.label} as {who} ({mode.value}): {exc}")
    return failures


def _test(strategy: Any, base_url: str, token: str) -> Any:
    @given(case=strategy)
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case: schemathesis.Case) -> None:
        response = case.call(
            base_url=base_url,
            headers={"Authorization": f"Bearer {token}"},
            timeout=CALL_TIMEOUT_S,
        )
        case.validate_response(response, checks=CHECKS)

    return run


@pytest.mark.timeout(600)  # some 30 s on an idle machine; a loaded one is much slower
async def test_schemathesis_finds_no_server_error_and_no_undocumented_answer(
    server: LiveServer, hall: Seeded
) -> None:
    tokens = {"admin": str(server.admin.token), "kiosk": hall.kiosk_token}
    failures = await asyncio.to_thread(fuzz, server.base_url, tokens)
    assert not failures, "\n\n".join(failures)
