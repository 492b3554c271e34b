from __future__ import annotations

import pytest

from ledgerstore.artifacts.keys import artifact_key
from ledgerstore.objectstore.keys import validate_key
from ledgerstore.raw import raw_key, safe_file_name

SHA = "ab" * 32


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("GL 2025.csv", "GL_2025.csv"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\me\\Hauptbuch März.xlsx", "Hauptbuch_Marz.xlsx"),
        ("..", "upload"),
        (".hidden.csv", "hidden.csv"),
        ("", "upload"),
        ("a\0b.csv", "a_b.csv"),
        ("x" * 500 + ".csv", "x" * 120),
        ("報告.csv", "csv"),
    ],
)
def test_user_file_names_become_one_harmless_segment(name: str, safe: str) -> None:
    assert safe_file_name(name) == safe
    validate_key(raw_key(SHA, name))  # always a valid key


def test_keys_follow_the_documented_layout() -> None:
    assert raw_key(SHA, "gl.csv") == f"ledger-raw/{SHA}/gl.csv"
    assert artifact_key(17) == "ledger-artifacts/17.json.gz"
    for bad in (0, -3, True):
        with pytest.raises(ValueError, match="invalid ledger file id"):
            artifact_key(bad)
    with pytest.raises(ValueError, match="not a sha256"):
        raw_key("../" + SHA[3:], "gl.csv")
