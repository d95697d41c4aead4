"""PATCH bodies: only the fields given change, and null is not a way to give one.

`{"timezone": null}` used to reach the writer and fail there (a 500); a field may be null
only where null means something (`NULLABLE`: a service's `daily_limit: null` removes the
limit). Anywhere else an explicit null is a 422 that names the field, and the OpenAPI
document says so: those properties are not nullable there (absent means "unchanged").
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator

NOT_NULL = "不能为 null：不修改这一项就不要写它"


def _not_nullable_in_schema(schema: dict[str, Any], model: type[BaseModel]) -> None:
    """The JSON schema of a Patch: `anyOf [X, null]` becomes X, without `default: null`, for
    every property that may not be null."""
    nullable: frozenset[str] = getattr(model, "NULLABLE", frozenset())
    for name, prop in schema.get("properties", {}).items():
        if name in nullable:
            continue
        branches = prop.get("anyOf")
        if not isinstance(branches, list):
            continue
        kept = [b for b in branches if b != {"type": "null"}]
        if len(kept) != len(branches):
            prop.pop("anyOf")
            prop.pop("default", None)
            if len(kept) == 1:
                prop.update(kept[0])
            else:
                prop["anyOf"] = kept


class Patch(BaseModel):
    """A PATCH body (see the module's docstring)."""

    model_config = ConfigDict(json_schema_extra=_not_nullable_in_schema)
    NULLABLE: ClassVar[frozenset[str]] = frozenset()

    @field_validator("*", mode="before")
    @classmethod
    def _refuse_null(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None and info.field_name not in cls.NULLABLE:
            raise ValueError(NOT_NULL)
        return value
