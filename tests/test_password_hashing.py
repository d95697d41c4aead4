"""The server hashes passwords with argon2id at (at least) RFC 9106's low-memory strength;
the tests' cheaper parameters (tests/conftest.py) never reach a real deployment."""

from __future__ import annotations

import pytest
from argon2 import Type, extract_parameters

from server import security


@pytest.mark.real_password_hashing
def test_passwords_are_hashed_with_argon2id_at_full_strength() -> None:
    stored = security.hash_password("window-password-1")
    parameters = extract_parameters(stored)
    assert parameters.type is Type.ID
    assert parameters.memory_cost >= 64 * 1024  # KiB
    assert parameters.time_cost >= 3
    assert security.verify_password(stored, "window-password-1")
    assert not security.verify_password(stored, "window-password-2")


def test_the_tests_hash_cheaply_but_verify_the_same_way() -> None:
    stored = security.hash_password("window-password-1")
    assert extract_parameters(stored).memory_cost < 64 * 1024
    assert security.verify_password(stored, "window-password-1")
