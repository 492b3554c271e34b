from __future__ import annotations

import json
from pathlib import Path

import pytest

from normalizer import ProfileError, load_profile
from normalizer.profiles import detect_profile, profile_from_dict, shipped_profile_names, shipped_profiles


def test_shipped_profiles_load() -> None:
    names = shipped_profile_names()
    for wanted in ("datev-extf", "aeb43", "quickbooks-report", "gnucash-csv", "odoo-move-lines", "easybank"):
        assert wanted in names
    assert [p.name for p in shipped_profiles()] == list(names)


def test_unknown_key_is_named() -> None:
    with pytest.raises(ProfileError, match="unknown key 'colums'"):
        profile_from_dict({"colums": {}}, name="x")
    with pytest.raises(ProfileError, match="unknown key 'amout'"):
        profile_from_dict({"columns": {"amout": "A"}}, name="x")


def test_wrong_types_are_refused() -> None:
    with pytest.raises(ProfileError, match="header"):
        profile_from_dict({"header": "no"}, name="x")
    with pytest.raises(ProfileError, match="decimal_mark"):
        profile_from_dict({"decimal_mark": ";"}, name="x")
    with pytest.raises(ProfileError, match="regular expression"):
        profile_from_dict({"total_label": "("}, name="x")
    with pytest.raises(ProfileError, match="cannot be inherited"):
        profile_from_dict({"inherit": ["debit"]}, name="x")


def test_load_by_path_toml_and_json(tmp_path: Path) -> None:
    toml = tmp_path / "bank.toml"
    toml.write_text('header = false\ndecimal_mark = ","\n[columns]\namount = 3\n', encoding="utf-8")
    profile = load_profile(toml)
    assert (profile.name, profile.header, profile.columns["amount"]) == ("bank", False, (3,))
    js = tmp_path / "other.json"
    js.write_text(json.dumps({"columns": {"debit": "Dr", "credit": "Cr"}}), encoding="utf-8")
    assert load_profile(js).columns["debit"] == ("Dr",)


def test_unknown_name() -> None:
    with pytest.raises(ProfileError, match="no profile named"):
        load_profile("no-such-format")


def test_detect_by_first_line_and_headers() -> None:
    profiles = shipped_profiles()
    datev = detect_profile(b'"EXTF";700;21;"Buchungsstapel"\r\n', profiles)
    assert datev is not None and datev.name == "datev-extf"
    assert detect_profile(b"Date,Account,Amount\n", profiles) is None
    assert detect_profile(b"PK\x03\x04rest", profiles) is None
