"""docs/live-feed.md lists exactly the fields of the typed event models, and every type."""

from __future__ import annotations

import re
import types
import typing
from pathlib import Path

from pydantic import BaseModel

from client.events import EVENT_MODELS, TicketFields
from client.wire import SnapshotData

DOC = Path(__file__).resolve().parents[2] / "docs" / "live-feed.md"


def field_paths(model: type[BaseModel], prefix: str = "") -> set[str]:
    paths: set[str] = set()
    for name, info in model.model_fields.items():
        annotation = info.annotation
        nested, suffix = _nested_model(annotation)
        if nested is not None and nested is not TicketFields:
            paths |= field_paths(nested, f"{prefix}{name}{suffix}.")
        else:
            paths.add(prefix + name)
    return paths


def _nested_model(annotation: object) -> tuple[type[BaseModel] | None, str]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation, ""
    origin = typing.get_origin(annotation)
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if origin is list and args:
        inner, _ = _nested_model(args[0])
        return inner, "[]"
    if origin in (typing.Union, types.UnionType) and len(args) == 1:
        return _nested_model(args[0])
    return None, ""


def documented() -> tuple[dict[str, set[str]], set[str]]:
    text = DOC.read_text()
    ticket_line = next(line for line in text.splitlines() if line.startswith("**Ticket fields**"))
    ticket_fields = set(re.findall(r"`([a-z_.]+)`", ticket_line))
    rows: dict[str, set[str]] = {}
    section = text.split("## Message types", 1)[1].split("\n## ", 1)[0]
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 3 or not cells[0].startswith("`"):
            continue
        fields = set(re.findall(r"`([a-z_\[\].]+)`", cells[2]))
        if cells[2].startswith("ticket fields"):
            fields |= ticket_fields
        rows[cells[0].strip("`")] = fields
    return rows, ticket_fields


def test_every_event_type_is_documented_with_exactly_its_fields() -> None:
    rows, ticket_fields = documented()
    assert ticket_fields == field_paths(TicketFields)
    assert set(rows) == set(EVENT_MODELS) | {"snapshot"}
    for type_, model in EVENT_MODELS.items():
        assert rows[type_] == field_paths(model), type_
    assert rows["snapshot"] == field_paths(SnapshotData)


def test_the_check_notices_a_missing_field() -> None:
    class Extended(TicketFields):
        extra_field: int = 0

    assert field_paths(Extended) - field_paths(TicketFields) == {"extra_field"}
