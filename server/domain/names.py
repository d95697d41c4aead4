"""Names people type (hall, service, staff, device, window): one canonical form.

NFKC folds full-width and compatibility forms (`１０００` is `1000`, an ideographic space is
a space), surrounding blanks are trimmed, and text with control, format (zero-width, RTL
override), private-use or line-separator characters is refused: such characters only hide
what a name really is, on a screen, a ticket or a report.
"""

from __future__ import annotations

import unicodedata

REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp"})


def clean_name(value: str, *, allow_newlines: bool = False) -> str:
    """The canonical form of `value`; ValueError (in Chinese) when it cannot be a name.
    `allow_newlines` keeps line breaks (a comment of several lines)."""
    normalized = unicodedata.normalize("NFKC", value).strip()
    if allow_newlines:
        normalized = normalized.replace("\r\n", "\n")
    hidden = [
        c
        for c in normalized
        if unicodedata.category(c) in REFUSED_CATEGORIES and not (allow_newlines and c == "\n")
    ]
    if hidden:
        codes = "、".join(f"U+{ord(c):04X}" for c in dict.fromkeys(hidden))
        raise ValueError(f"不能包含控制字符、零宽字符或文字方向控制符（{codes}）")
    if not normalized:
        raise ValueError("不能为空或只有空白")
    return normalized
