from __future__ import annotations

from fastapi import APIRouter

from server.api.deps import RuntimeDep
from server.domain.texts import text
from server.store.failures import WriterStopped

router = APIRouter(tags=["health"])


@router.get("/health")
async def health(runtime: RuntimeDep) -> dict[str, str]:
    """`{"status": "ok"}`, or 503 `writer_stopped` when this process can no longer save."""
    if not runtime.writer.alive:
        raise WriterStopped(text("server.writer_stopped"))
    return {"status": "ok"}
