from __future__ import annotations

import pytest

from normalizer import NoAmountColumnError
from normalizer.mapping import attribute_names, build_column_map, header_score, match_header, normalize_header
from normalizer.profiles import profile_from_dict


def test_normalize_header_folds_case_accents_punctuation() -> None:
    assert normalize_header("  Soll/Haben-Kennzeichen ") == "soll haben kennzeichen"
    assert normalize_header("Débit") == "debit"
    assert normalize_header("Amount Num.") == "amount num"


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Buchungsdatum", "posted_on"), ("Fecha", "posted_on"), ("Date comptable", "posted_on"),
        ("Txn Date", "posted_on"), ("Konto", "account"), ("GL Account", "account"), ("Compte", "account"),
        ("Soll", "debit"), ("Haber", "credit"), ("Crédit", "credit"), ("Betrag", "amount"),
        ("Montant", "amount"), ("Importe", "amount"), ("Debit (EUR)", "debit"), ("S/H", "side"),
        ("Buchungstext", "description"), ("Libellé", "description"), ("Belegfeld 1", "reference"),
        ("Transaction ID", "journal"), ("WKZ", "currency"), ("Kontobezeichnung", "account_name"),
    ],
)  # fmt: skip
def test_synonyms(header: str, field: str) -> None:
    match = match_header(header)
    assert match is not None and match[0] == field


def test_header_score_needs_an_amount_column() -> None:
    assert header_score(["Date", "Account", "Description"]) == 0
    assert header_score(["Date", "Account", "Debit", "Credit"]) == 4


def test_attribute_names_empty_and_duplicates() -> None:
    assert attribute_names(["A", "", "A", "A"]) == ("A", "column_2", "A (2)", "A (3)")


def test_debit_credit_wins_over_amount_which_stays_an_attribute() -> None:
    cmap = build_column_map(["date", "amount", "debit", "credit"], None)
    assert cmap.model == "debit_credit"
    assert cmap.attributes == (1,)


def test_amount_with_side_flag() -> None:
    assert build_column_map(["Datum", "Betrag", "S/H"], None).model == "side"


def test_no_amount_column_raises() -> None:
    with pytest.raises(NoAmountColumnError):
        build_column_map(["Date", "Account"], None)


def test_profile_mapping_wins() -> None:
    profile = profile_from_dict({"columns": {"amount": "Value", "account": 1}}, name="t")
    cmap = build_column_map(["Code", "Value", "Debit"], profile)
    assert cmap.columns("amount") == (1,) and cmap.columns("account") == (0,)
    assert cmap.model == "signed" and cmap.attributes == (2,)


def test_merged_account_name_columns() -> None:
    cmap = build_column_map(["Date", "Debit Account", "Credit Account", "Debit", "Credit"], None)
    assert cmap.columns("account_name") == (1, 2)
