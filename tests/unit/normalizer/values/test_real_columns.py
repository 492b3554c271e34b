"""Whole columns of the real exports in fixtures/samples, read with the values API alone.

The files are split with the csv module here, so these tests check only values: that each
column's convention is inferred, every cell reads, and the figures the README states come out.
"""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from normalizer.values import infer_date_order, infer_decimal_mark, parse_amount, parse_date, parse_side

SAMPLES = Path(__file__).parents[4] / "fixtures" / "samples"


def _rows(name: str, *, encoding: str = "utf-8", delimiter: str = ",") -> list[list[str]]:
    path = SAMPLES / name
    if not path.exists():
        pytest.skip(f"{path} is not in this checkout")
    with path.open(encoding=encoding, newline="") as file:
        return list(csv.reader(file, delimiter=delimiter))


def _amounts(values: list[str]) -> list[Decimal]:
    mark = infer_decimal_mark(values).value
    parsed = [parse_amount(value, decimal_mark=mark) for value in values]
    assert [p.error for p in parsed if p.error] == []
    return [p.value for p in parsed if p.value is not None]


def _dates(values: list[str], **kwargs: object) -> list[dt.date]:
    parsed = [parse_date(value, **kwargs) for value in values]  # type: ignore[arg-type]
    assert [p.error for p in parsed if p.error] == []
    return [p.value for p in parsed if p.value is not None]


def test_gnucash_amounts_with_symbols_and_dates() -> None:
    header, *rows = _rows("ledger-explorer__sample_transaction_data.csv")
    with_symbol = [row[header.index("Amount With Sym")] for row in rows]
    assert infer_decimal_mark(with_symbol).value == "."
    amounts = _amounts(with_symbol)
    assert amounts == _amounts([row[header.index("Amount Num.")] for row in rows])
    assert len(amounts) == 2503
    assert sum(a for a in amounts if a > 0) == Decimal("343441.00")
    assert sum(a for a in amounts if a < 0) == Decimal("-343441.00")
    texts = [row[0] for row in rows]
    detected = infer_date_order(texts)
    assert (detected.value, detected.confidence) == ("MDY", 1.0)
    dates = _dates(texts, order="MDY")
    assert min(dates) == dt.date(2016, 1, 1)
    assert max(dates).year == 2020


def test_datev_amounts_sides_and_ddmm_dates() -> None:
    rows = _rows("datev-gem__EXTF_Buchungsstapel.csv", encoding="cp1252", delimiter=";")[2:]
    assert infer_decimal_mark([row[0] for row in rows]).value == ","
    assert _amounts([row[0] for row in rows]) == [Decimal("24.95"), Decimal("5950.00")]
    assert [parse_side(row[1]) for row in rows] == ["credit", "debit"]
    fiscal_year_start = parse_date("20180101").value
    assert fiscal_year_start is not None
    dates = _dates([row[9] for row in rows], pattern="%d%m", default_year=fiscal_year_start.year)
    assert dates == [dt.date(2018, 2, 21), dt.date(2018, 2, 22)]


def test_easybank_signed_decimal_comma_and_dotted_dates() -> None:
    rows = _rows("ofxstatement-austrian__easybank-giro.csv", encoding="latin-1", delimiter=";")
    amounts = _amounts([row[4] for row in rows])
    assert sum(amounts) == Decimal("-1562.86")
    assert sum(a for a in amounts if a > 0) == Decimal("23.31")
    assert infer_date_order([row[2] for row in rows]).value == "DMY"
    assert _dates([row[2] for row in rows], order="DMY")[0] == dt.date(2014, 1, 1)


def test_odoo_decimal_comma_in_quotes() -> None:
    rows = _rows("akretion__account_move_generic-fr_coa.csv")
    debits, credits = _amounts([row[6] for row in rows]), _amounts([row[7] for row in rows])
    assert sum(debits) == sum(credits) == Decimal("36984.12")
    detected = infer_date_order([row[0] for row in rows])
    assert (detected.value, detected.confidence) == ("DMY", 1.0)


def test_quickbooks_report_columns() -> None:
    header, *rows = _rows("slowbooks__qb_transaction_detail_sales_receipts.csv")[3:]
    debits = _amounts([row[header.index("Debit")] for row in rows])
    credits = _amounts([row[header.index("Credit")] for row in rows])
    assert sum(debits) == sum(credits) == Decimal("26371.40")
    prices = [row[header.index("Sales Price")] for row in rows]
    assert any("percentage" in (parse_amount(p, decimal_mark=".").error or "") for p in prices)
    dates = [row[header.index("Date")] for row in rows]
    detected = infer_date_order(dates)  # only 04/09/26 and 04/10/26: no day above 12
    assert (detected.value, detected.confidence) == ("MDY", 0.5)
    assert _dates(dates, order="MDY")[0] == dt.date(2026, 4, 9)
    assert parse_date(rows[0][0]).error is not None  # "Apr 9 - Aug 18, '26" is a range, not a date


def test_adyen_net_columns_balance() -> None:
    header, *rows = _rows("oca-bsi__settlement_detail_report_batch_380.csv")
    debit = _amounts([row[header.index("Net Debit (NC)")] for row in rows])
    credit = _amounts([row[header.index("Net Credit (NC)")] for row in rows])
    assert sum(debit) == sum(credit) == Decimal("56438.52")
    assert infer_date_order([row[header.index("Creation Date")] for row in rows]).value == "YMD"


def test_hledger_french_export() -> None:
    _, *rows = _rows("hledger__sample.fr.cp1252.csv", encoding="cp1252")
    assert _amounts([row[2] for row in rows]) == [Decimal("50.00"), Decimal("-10.00"), Decimal("-20.00")]
    assert _dates([row[0] for row in rows]) == [
        dt.date(2012, 3, 22),
        dt.date(2012, 3, 23),
        dt.date(2012, 3, 24),
    ]
