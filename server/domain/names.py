"""Names people type (hall, service, staff, device, window): one canonical form.

NFKC folds full-width and compatibility forms (`１０００` is `1000`, an ideographic space is
a space), surrounding blanks are trimmed, and text with control, format (zero-width, RTL
override), private-use or line-separator characters is refused: such characters only hide
what a name really is, on a screen, a ticket or a report.
"""

from __future__ import annotations

import unicodedata

REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp"})


def clean_name(value: str) -> str:
    """The canonical form of `value`; ValueError (in Chinese) when it cannot be a name."""
    return _clean(unicodedata.normalize("NFKC", value), allow_newlines=False)


def clean_text(value: str) -> str:
    """Free text (a comment, the hall notice): the same refusals as a name and line breaks
    kept, but only canonical (NFC) normalisation — NFKC would turn Chinese full-width
    punctuation (，：；（）) into ASCII."""
    return _clean(unicodedata.normalize("NFC", value), allow_newlines=True)


def _clean(value: str, allow_newlines: bool) -> str:
    normalized = value.strip()
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
