"""Masking personal data in exports (PIPL): a name as 张*三, a phone as 138****1234.
The rules are the domain's (server/domain/personal.py)."""

from __future__ import annotations

from server.domain.personal import mask_name, mask_phone

__all__ = ["mask_name", "mask_phone"]
