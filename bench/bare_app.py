"""Two reference servers for `bench/tickets_wrk.py`, run under the same uvicorn settings as
`govqueue serve` (uvloop, httptools, bench/harness.py's UVICORN_OPTIONS):

- `fastapi`: the same endpoint shape as govqueue's `POST /api/v1/tickets` — a pydantic body,
  an async bearer-token dependency that looks the token up in a dict, a 201 answer validated
  and serialised through a 14-field pydantic response model (issue 10's reference; govqueue
  answers 21 fields) — and nothing else: no database, no thread.
- `raw`: a bare ASGI callable that answers the same JSON bytes: uvicorn's own cost.

What govqueue does beyond `fastapi` (auth cache, writer thread, SQL, fsync, events) is its
own cost; what `fastapi` does beyond `raw` is the framework's.

    .venv/bin/python bench/bare_app.py fastapi --port 8101
    .venv/bin/python bench/bare_app.py raw --port 8102
"""

from __future__ import annotations

import argparse
import itertools
import json
import secrets
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import uvicorn
from fastapi import Depends, FastAPI, HTTPException, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import UVICORN_OPTIONS

TOKEN = "dev_bench-kiosk-token"


class TicketIn(BaseModel):
    service_id: int
    priority: str = "normal"


class IssuedTicketOut(BaseModel):
    """14 fields, as in issue 10's reference app (govqueue's own answer has 21)."""

    id: int
    number: str
    hall_id: int
    service_id: int
    status: str
    priority: str
    source: str
    issued_at: datetime
    window_id: int | None
    recall_count: int
    ahead: int
    estimated_wait_minutes: int
    public_token: str
    public_url: str


DEVICES: dict[str, dict[str, int]] = {TOKEN: {"device_id": 1, "hall_id": 1}}
bearer = HTTPBearer(auto_error=False)


async def kiosk(
    creds: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> dict[str, int]:
    device = DEVICES.get(creds.credentials) if creds else None
    if device is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "invalid token")
    return device


def fastapi_app() -> FastAPI:
    app = FastAPI()
    counter = itertools.count(1)

    @app.post("/api/v1/tickets", response_model=IssuedTicketOut, status_code=201)
    async def issue(
        body: TicketIn, device: Annotated[dict[str, int], Depends(kiosk)]
    ) -> IssuedTicketOut:
        n = next(counter)
        token = secrets.token_urlsafe(16)
        return IssuedTicketOut(
            id=n,
            number=f"A{n:03d}",
            hall_id=device["hall_id"],
            service_id=body.service_id,
            status="waiting",
            priority=body.priority,
            source="kiosk",
            issued_at=datetime.now(UTC),
            window_id=None,
            recall_count=0,
            ahead=n,
            estimated_wait_minutes=15,
            public_token=token,
            public_url=f"http://127.0.0.1/t/{token}",
        )

    @app.get("/api/v1/health")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    return app


BODY = json.dumps(
    {
        "id": 1,
        "number": "A001",
        "hall_id": 1,
        "service_id": 1,
        "status": "waiting",
        "priority": "normal",
        "source": "kiosk",
        "issued_at": "2026-11-27T01:00:00Z",
        "window_id": None,
        "recall_count": 0,
        "ahead": 1,
        "estimated_wait_minutes": 15,
        "public_token": "x" * 22,
        "public_url": "http://127.0.0.1/t/" + "x" * 22,
    }
).encode()


async def raw_app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    if scope["type"] != "http":
        return
    more = True
    while more:  # read the body, like any real endpoint must
        message = await receive()
        more = message.get("more_body", False)
    await send(
        {
            "type": "http.response.start",
            "status": 201,
            "headers": [(b"content-type", b"application/json")],
        }
    )
    await send({"type": "http.response.body", "body": BODY})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("kind", choices=["fastapi", "raw"])
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    app: Any = fastapi_app() if args.kind == "fastapi" else raw_app
    uvicorn.run(app, port=args.port, **UVICORN_OPTIONS)


if __name__ == "__main__":
    main()
