"""Key validation: the rules in one place, tested without any store."""

from __future__ import annotations

import pytest

from ledgerstore.errors import InvalidKeyError
from ledgerstore.objectstore.keys import (
    MAX_KEY_BYTES,
    TEMP_SUFFIX,
    is_valid_key,
    validate_key,
    validate_prefix,
)


@pytest.mark.parametrize(
    "key",
    ["a", "ledger-raw/2024/acme.csv", "...", "a..b", ".hidden", "ünï/€", "a b", "x" * MAX_KEY_BYTES],
)
def test_valid_keys_pass_unchanged(key: str) -> None:
    assert validate_key(key) == key


@pytest.mark.parametrize(
    ("key", "reason"),
    [
        ("", "empty"),
        ("/etc/passwd", "absolute"),
        ("a/", "ends with '/'"),
        ("a//b", "empty segment"),
        ("..", "'..' segment"),
        ("a/../b", "'..' segment"),
        ("./a", "'.' segment"),
        ("a\\..\\b", "backslash"),
        ("a\x00b", "control character"),
        ("a\x1fb", "control character"),
        ("a\x7fb", "control character"),
        ("a\x85b", "control character"),
        ("x" * (MAX_KEY_BYTES + 1), "longer than 1024 bytes"),
        ("é" * 513, "longer than 1024 bytes"),  # 1026 bytes of UTF-8 in 513 characters
        ("a\ud800", "UTF-8"),
        (f"a/b{TEMP_SUFFIX}", "reserved suffix"),
        (b"bytes", "not a string"),
    ],
)
def test_invalid_keys_say_why(key: str, reason: str) -> None:
    with pytest.raises(InvalidKeyError, match=reason) as raised:
        validate_key(key)
    assert not is_valid_key(key)
    assert "\x00" not in str(raised.value), "control characters are escaped in messages"


def test_long_keys_are_cut_in_messages() -> None:
    with pytest.raises(InvalidKeyError) as raised:
        validate_key("y" * 5000)
    assert len(str(raised.value)) < 200


@pytest.mark.parametrize("prefix", ["", "a", "a/", "ledger-raw/2024/", "a/b"])
def test_valid_prefixes(prefix: str) -> None:
    assert validate_prefix(prefix) == prefix


@pytest.mark.parametrize("prefix", ["/", "/a", "a//", "../", "a/./", "a\\", "a\x00"])
def test_invalid_prefixes(prefix: str) -> None:
    with pytest.raises(InvalidKeyError):
        validate_prefix(prefix)
