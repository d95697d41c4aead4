"""Password hashing (argon2), staff access tokens (JWT) and device tokens (random, stored hashed)."""

from __future__ import annotations

import functools
import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()

DEVICE_TOKEN_PREFIX = "gqd_"
ALGORITHM = "HS256"


def hash_password(password: str) -> str:
    return _hasher.hash(password)


@functools.cache
def dummy_password_hash() -> str:
    """A hash to verify against when the staff number is unknown (constant-time login)."""
    return _hasher.hash(secrets.token_hex(16))


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def new_device_token() -> str:
    return DEVICE_TOKEN_PREFIX + secrets.token_urlsafe(32)


def hash_device_token(token: str) -> str:
    # Device tokens are 256 random bits: a fast hash is enough and keeps every request cheap.
    return hashlib.sha256(token.encode()).hexdigest()


def is_device_token(token: str) -> bool:
    return token.startswith(DEVICE_TOKEN_PREFIX)


def issue_access_token(
    secret: str,
    *,
    staff_id: int,
    staff_no: str,
    name: str,
    role: str,
    hall_id: int | None,
    now: datetime,
    minutes: int,
) -> str:
    claims = {
        "sub": str(staff_id),
        "staff_no": staff_no,
        "name": name,
        "role": role,
        "hall_id": hall_id,
        "iat": int(now.timestamp()),
        "exp": int((now + timedelta(minutes=minutes)).timestamp()),
    }
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def read_access_token(secret: str, token: str) -> dict[str, Any] | None:
    """The claims, or None when the token is forged, malformed or expired."""
    try:
        return jwt.decode(
            token, secret, algorithms=[ALGORITHM], options={"require": ["exp", "sub"]}
        )
    except jwt.PyJWTError:
        return None
