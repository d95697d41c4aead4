"""办件编号 as the clerk enters or scans them at 办结 (no Qt): the same rule as the server's
(server/domain/cases.py: letters, digits and '-', at most 50; full-width counts as ASCII),
so a mistyped number is pointed out before anything is sent."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,49}")
MAX_PER_TICKET = 20


@dataclass
class CaseEntry:
    """The numbers entered so far for one 办结, in order, each once."""

    policy: str = "off"  # the hall's: off | optional | required
    numbers: list[str] = field(default_factory=list)

    def add(self, raw: str) -> str | None:
        """Add one number; the reason it was not added (Chinese), or None."""
        value = unicodedata.normalize("NFKC", raw).strip()
        if not PATTERN.fullmatch(value):
            return "办件编号应为字母、数字或“-”，最长 50 位"
        if value in self.numbers:
            return f"{value} 已录入"
        if len(self.numbers) >= MAX_PER_TICKET:
            return f"最多录入 {MAX_PER_TICKET} 个办件编号"
        self.numbers.append(value)
        return None

    def remove_last(self) -> None:
        if self.numbers:
            self.numbers.pop()

    @property
    def may_finish_done(self) -> bool:
        """Outcome 办结 is open: the hall does not require a number, or one is entered."""
        return self.policy != "required" or bool(self.numbers)
