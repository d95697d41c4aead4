"""The staff token claims cache (server/auth/tokens.py `_claims`): a token is trusted from the
cache only under the key that signed it and only until its `exp`, as PyJWT would decide."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

from server.auth import tokens
from server.security import issue_access_token

KEY, OTHER_KEY = "test-secret-key-0123456789abcdef", "another-secret-key-0123456789abc"


def token(minutes: int = 10, key: str = KEY) -> str:
    return issue_access_token(
        key, staff_id=7, staff_no="W7", name="王", role="window", hall_id=1,
        now=datetime.now(UTC), minutes=minutes, token_version=3,
    )  # fmt: skip


def runtime(key: str) -> Any:
    return SimpleNamespace(secret_key=key)


def test_claims_are_cached_per_key() -> None:
    tokens._CLAIMS.clear()
    signed = token()
    assert tokens._claims(runtime(KEY), signed) == (7, 3)
    assert (KEY, signed) in tokens._CLAIMS
    # another process key: the cached entry is not used, the signature is checked and fails
    assert tokens._claims(runtime(OTHER_KEY), signed) is None
    # a forged token (signed with another key) is never cached
    forged = token(key=OTHER_KEY)
    assert tokens._claims(runtime(KEY), forged) is None
    assert (KEY, forged) not in tokens._CLAIMS


def test_an_expired_token_is_refused_even_when_it_was_cached() -> None:
    tokens._CLAIMS.clear()
    signed = token(minutes=10)
    assert tokens._claims(runtime(KEY), signed) == (7, 3)
    ident, _ = tokens._CLAIMS[(KEY, signed)]
    tokens._CLAIMS[(KEY, signed)] = (ident, time.time() - 1)  # as if its exp had passed
    # the cache does not answer; the token itself is still valid for PyJWT, so it is decoded
    assert tokens._claims(runtime(KEY), signed) == (7, 3)
    expired = token(minutes=-1)
    assert tokens._claims(runtime(KEY), expired) is None
    assert (KEY, expired) not in tokens._CLAIMS
