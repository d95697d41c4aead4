"""Pairing codes: 8 characters a person reads off the console and types on a device.

The alphabet leaves out what is misread (0/O, 1/I/L): 31 characters, 8 of them ≈ 40 bits;
a code lives 10 minutes, works once, and failed tries are throttled per address. Shown and
accepted as `ABCD-EFGH`; typing it in lower case, with spaces or without the dash is fine.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LENGTH = 8
LIFETIME = timedelta(minutes=10)


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalize(typed: str) -> str | None:
    """The code as stored (8 characters of the alphabet), or None when it cannot be one."""
    code = "".join(typed.split()).replace("-", "").upper()
    if len(code) != LENGTH or any(c not in ALPHABET for c in code):
        return None
    return code


def shown(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


def code_hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()
