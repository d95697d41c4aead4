"""Validated types for what requests carry: ids, names, business days.

Ids are INTEGER columns, 32-bit on PostgreSQL (64-bit on SQLite): a bigger number is refused
(422) before it reaches SQL, on both stores.
Names are normalised (server/domain/names.py) and their length checked after that.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import Path, Query
from pydantic import AfterValidator, BeforeValidator, Field, StringConstraints

from server.domain.cases import clean_case_no
from server.domain.errors import DomainError
from server.domain.names import clean_name, clean_text
from server.store.types import MAX_ID

FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2099, 12, 31)

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
"""An id in a request body."""

IdPath = Annotated[int, Path(ge=1, le=MAX_ID)]
"""An id in the path: `/tickets/{ticket_id}`."""

IdQuery = Annotated[int, Query(ge=1, le=MAX_ID)]
"""A required id in the query string."""

OptionalIdQuery = Annotated[int | None, Query(ge=1, le=MAX_ID)]
"""An optional id in the query string: `?hall_id=3`."""

MAX_OFFSET = 10_000_000
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="rows to skip (≤ 10,000,000)")]
"""`?offset=` of every paged list: one bound for all (past it SQLite's 64-bit integers
overflowed into a 500); a list that long is paged with a keyset or exported instead."""

PublicToken = Annotated[str, Path(min_length=1, max_length=64)]
"""The ticket holder's token (the QR code's link)."""


def _clean(value: Any) -> Any:
    return clean_name(value) if isinstance(value, str) else value


def _clean_text(value: Any) -> Any:
    return clean_text(value) if isinstance(value, str) else value


_NAME = BeforeValidator(_clean)
_TEXT = BeforeValidator(_clean_text)

# Normalised names (server/domain/names.py), their length counted after normalisation.
Code = Annotated[str, _NAME, StringConstraints(min_length=1, max_length=32)]
StaffNo = Annotated[str, _NAME, StringConstraints(min_length=1, max_length=32)]
PersonName = Annotated[str, _NAME, StringConstraints(min_length=1, max_length=50)]
Label = Annotated[str, _NAME, StringConstraints(min_length=1, max_length=100)]
WindowNumber = Annotated[str, _NAME, StringConstraints(min_length=1, max_length=16)]
ShortText = Annotated[str, _NAME, StringConstraints(min_length=1, max_length=100)]
Comment = Annotated[str, _TEXT, StringConstraints(min_length=1, max_length=500)]
Paragraph = Annotated[str, _TEXT, StringConstraints(min_length=1, max_length=2000)]
"""Free text of several lines: a complaint, its handling."""
Note = Annotated[str, _TEXT, StringConstraints(min_length=1, max_length=1000)]
"""A shorter free text: 整改措施, a 回访 note."""
Phone = Annotated[str, _NAME, StringConstraints(min_length=1, max_length=32)]

StaffNoQuery = Annotated[str | None, Query(max_length=32), _NAME]
"""A staff number to filter by (`?staff_no=`): the canonical form it was stored in, and a
control character refused (422) — PostgreSQL cannot even compare text holding NUL."""


def _clean_notice(value: Any) -> Any:
    if isinstance(value, str) and not value.strip():
        return ""
    return _clean_text(value)


NoticeText = Annotated[str, BeforeValidator(_clean_notice), StringConstraints(max_length=500)]
"""The hall notice: like a comment, but empty (or blank) means no notice."""


def _case_no(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    try:
        return clean_case_no(value)
    except DomainError as exc:
        raise ValueError(exc.message.removesuffix("。")) from None


CaseNo = Annotated[str, BeforeValidator(_case_no), StringConstraints(max_length=50)]
"""办件编号: letters, digits and '-', at most 50 (server/domain/cases.py)."""

ItemCode = Annotated[
    str,
    _NAME,
    StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"),
]
"""A service's 事项编码 for the 好差评 platform (as the hall file's services[].item_code)."""


def _in_range(day: date) -> date:
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValueError(f"应在 {FIRST_DAY.isoformat()} 至 {LAST_DAY.isoformat()} 之间")
    return day


BusinessDate = Annotated[date, AfterValidator(_in_range)]
"""A business day (YYYY-MM-DD) the service could have existed on: 2000-01-01..2099-12-31.
For the statistics' `from`/`to`: `start: Annotated[BusinessDate | None, Query(alias="from")]`."""
