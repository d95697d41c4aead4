"""What the 投诉 and 差评整改 routes share: reading one record by id (404 with the record's own
words when it is missing) and a page of records with their total."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, TypeVar

from pydantic import BaseModel
from sqlmodel import Session

from server.domain.actor import StaffActor, ensure_hall
from server.domain.errors import NotFound
from server.runtime import Runtime

M = TypeVar("M", bound=BaseModel)
P = TypeVar("P", bound=BaseModel)
OneRecord = Callable[[Session, int, datetime], dict[str, Any] | None]


async def read_one(
    runtime: Runtime, load: OneRecord, ident: int, model: type[M], missing: str
) -> M:
    """The record `load` finds under `ident`, as `model`; NotFound(`missing`) if none."""
    now = runtime.clock.now()

    def read(session: Session) -> M:
        item = load(session, ident, now)
        if item is None:
            raise NotFound(missing)
        return model.model_validate(item)

    return await runtime.read(read)


async def read_one_of_hall(
    runtime: Runtime, user: StaffActor, load: OneRecord, ident: int, model: type[M], missing: str
) -> M:
    """`read_one`, refused (403) when the record is of another hall than the user's."""
    found = await read_one(runtime, load, ident, model, missing)
    ensure_hall(user, found.hall_id)  # type: ignore[attr-defined]
    return found


def page(page_model: type[P], total: int, items: Iterable[dict[str, Any]]) -> P:
    """A page of records: their total and the items asked for, validated as the page's."""
    return page_model.model_validate({"total": total, "items": list(items)})
