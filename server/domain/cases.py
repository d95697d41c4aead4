"""办件编号 (case numbers): the cases of the hall's case system (办件系统) handled on a ticket.

GB/T 39046 gives a case number as an..50: letters and digits, at most 50 (a hyphen is taken
too, as case systems print them). Full-width characters count as their ASCII forms. A hall
asks for them at 办结 `off` (the default: not asked), `optional` (asked, may be skipped) or
`required` (办结 with outcome 办结 is refused without one)."""

from __future__ import annotations

import re
import unicodedata

from .errors import InvalidInput
from .texts import text

POLICIES = ("off", "optional", "required")
MAX_PER_TICKET = 20
PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,49}")


def clean_case_no(raw: str) -> str:
    """A case number as stored, or InvalidInput saying what is wrong."""
    value = unicodedata.normalize("NFKC", raw).strip()
    if not PATTERN.fullmatch(value):
        raise InvalidInput(text("case.bad_no", value=value[:60]))
    return value


def clean_case_nos(raw: list[str]) -> list[str]:
    """Several, in order, each once."""
    return list(dict.fromkeys(clean_case_no(value) for value in raw))
