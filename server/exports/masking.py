"""Masking personal data in exports (PIPL): a name as 张*三, a phone as 138****1234."""

from __future__ import annotations


def mask_name(name: str | None) -> str | None:
    """Keep the first and last character: 张三 → 张*, 张小三 → 张*三, 欧阳小明 → 欧**明."""
    if not name:
        return name
    name = name.strip()
    if len(name) <= 1:
        return "*"
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def mask_phone(phone: str | None) -> str | None:
    """Keep the first three and last four digits of a mobile number: 138****1234."""
    if not phone:
        return phone
    digits = "".join(ch for ch in phone if ch.isdigit())
    if len(digits) >= 11:
        return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
    if len(digits) > 4:
        return "*" * (len(digits) - 4) + digits[-4:]
    return "*" * len(digits)
