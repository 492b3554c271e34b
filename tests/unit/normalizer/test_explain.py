"""`detected` explains the roles; a written profile, loaded back, gives the same result."""

from __future__ import annotations

from pathlib import Path

import pytest

from normalizer import normalize
from normalizer.canonical import jsonl_lines
from normalizer.roles.explain_text import explain_text
from normalizer.roles.profile_writer import profile_toml

SAMPLES = Path(__file__).parents[3] / "fixtures" / "samples"
#: Notes that say a detection was unsure; a profile states the value, so they go away.
_UNSURE = {"ambiguous-date-order", "ambiguous-decimal-mark"}


def _samples() -> list[Path]:
    return sorted(p for p in SAMPLES.iterdir() if p.suffix not in (".json", ".md"))


@pytest.mark.parametrize("source", _samples(), ids=lambda p: p.name)
def test_written_profile_gives_the_same_result(source: Path, tmp_path: Path) -> None:
    detected = normalize(source)
    profile = tmp_path / "detected.toml"
    profile.write_text(profile_toml(detected, source=source.name), encoding="utf-8")
    loaded = normalize(source, profile=profile)
    assert b"".join(jsonl_lines(loaded.records)) == b"".join(jsonl_lines(detected.records))
    assert [i for i in loaded.issues if i.code not in _UNSURE] == [
        i for i in detected.issues if i.code not in _UNSURE
    ]


def test_written_profile_of_a_headerless_file_names_positions() -> None:
    text = profile_toml(normalize(SAMPLES / "akretion__account_move_generic-fr_coa.csv"))
    assert "header = false" in text
    assert "debit = 7" in text and "credit = 8" in text and "posted_on = 1" in text


def test_written_profile_states_learned_side_flags() -> None:
    text = profile_toml(normalize(SAMPLES / "ofxstatement-dutch__ing_ok_Mutatiesoort_Extra.csv"))
    assert 'side = "Af Bij"' in text and 'amount = "Bedrag (EUR)"' in text
    assert '[side_tokens]\n"Af" = "debit"\n"Bij" = "credit"' in text


def test_shipped_profile_is_written_as_its_own_text() -> None:
    text = profile_toml(normalize(SAMPLES / "datev-gem__EXTF_Buchungsstapel.csv"))
    assert text.startswith("# The shipped profile 'datev-extf'")


def test_detected_roles_carry_evidence_and_scores() -> None:
    result = normalize(SAMPLES / "fivetran-sap__sap_bseg_data.csv")
    roles = {r["name"]: r for r in result.detected["roles"].value}
    assert roles["dmbtr"]["role"] == "amount" and roles["dmbtr"]["header"]["phrase"] == "dmbtr"
    assert roles["dmbtr"]["content"]["amount"] == 1.0 and roles["dmbtr"]["score"] == 1.0
    assert roles["wrbtr"]["role"] is None and "dmbtr" in roles["wrbtr"]["note"]
    assert roles["shkzg"]["role"] == "side" and roles["shkzg"]["content"]["side"] == 1.0
    assert result.detected["side_mapping"].value == {"h": "credit"}


def test_explain_text_names_every_decision() -> None:
    text = explain_text(
        normalize(SAMPLES / "ofxstatement-dutch__ing_ok_Mutatiesoort_Extra.csv"), source="ing"
    )
    for wanted in (
        "header row: 1",
        "Bedrag (EUR)                 -> amount",
        'header "bedrag" (folded)',
        "amount model: side",
        "side mapping: Af -> debit, Bij -> credit",
        "decimal mark: ,",
        "date order: YMD",
        "encoding: utf-8",
    ):
        assert wanted in text, wanted
    headerless = explain_text(normalize(SAMPLES / "akretion__account_move_generic-fr_coa.xlsx"))
    assert "header row: none -- the first row is data" in headerless
    assert "never both non-zero on a row" in headerless
