"""Column roles from evidence: header words (vocabulary data) and cell content."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from normalizer import NoAmountColumnError, NoHeaderError, normalize
from normalizer.mapping import build_column_map
from normalizer.readers.model import Row
from normalizer.roles.content import describe_column
from normalizer.roles.errors import AmbiguousColumnsError
from normalizer.roles.vocabulary import header_words, match_words, vocabulary


def _rows(*lines: tuple[str, ...]) -> list[Row]:
    return [Row(number=n, cells=cells) for n, cells in enumerate(lines, start=2)]


@pytest.mark.parametrize(
    ("header", "words"),
    [
        ("Bedrag (EUR)", "bedrag"), ("Betrag in €", "betrag"), ("Value (USD)", "value"),
        ("CreditDebet", "credit debet"), ("AmountInCompanyCodeCurrency", "amount in company code currency"),
        ("created_utc", "created utc"), ("Net Debit [NC]", "net debit"), ("Betrag EUR", "betrag"),
    ],
)  # fmt: skip
def test_header_words_split_case_and_drop_units(header: str, words: str) -> None:
    assert header_words(header) == words


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Bedrag (EUR)", "amount"), ("Importo", "amount"), ("Belopp", "amount"), ("Valor", "amount"),
        ("Umsatzbetrag", "amount"), ("dmbtr", "amount"), ("AmountInCompanyCodeCurrency", "amount"),
        ("shkzg", "side"), ("CreditDebet", "side"), ("Af Bij", "side"), ("DebitCreditCode", "side"),
        ("Transaction Type", "side"), ("Reskontradatum", "posted_on"), ("Data operazione", "posted_on"),
        ("PostingDate", "posted_on"), ("budat", "posted_on"), ("hkont", "account"), ("Conto", "account"),
        ("belnr", "journal"), ("sgtxt", "description"), ("Descrizione", "description"),
        ("Gross", "gross"), ("Fee", "fee"), ("Net", "net"), ("net_amount", "net"), ("Saldo", "balance"),
        ("Paid out", "debit"), ("Paid in", "credit"), ("Outflow", "debit"), ("Inflow", "credit"),
        ("Withdrawals", "debit"), ("Deposits", "credit"), ("Valutacode", "currency"), ("waers", "currency"),
    ],
)  # fmt: skip
def test_vocabulary_covers_languages_and_erp_names(header: str, field: str) -> None:
    match = match_words(header)
    assert match is not None and match.field == field, match


def test_vocabulary_phrases_are_unique_within_a_field() -> None:
    for name, phrases in vocabulary().phrases.items():
        assert len(phrases) == len(set(phrases)), name


def test_content_shares() -> None:
    rows = _rows(
        ("2024-01-02", "-12,50", "D", "EUR", "4000"),
        ("2024-01-03", "50,00", "C", "EUR", "4010"),
        ("03/04/2024", "7", "D", "USD", "4020"),
    )
    date, amount, side, currency, code = (describe_column(rows, i) for i in range(5))
    assert date.date == 1.0 and date.amount == 0.0
    assert (amount.amount, amount.negative) == (1.0, pytest.approx(1 / 3))
    assert side.side == 1.0 and currency.currency == 1.0 and code.code == 1.0 and code.fraction == 0


def test_header_refused_by_content() -> None:
    """`Valuta` names a currency in Dutch and a value date in German: the cells decide."""
    rows = _rows(("28.12.2018", "EUR", "-5,50"), ("27.12.2018", "EUR", "10,00"))
    cmap = build_column_map(["Valuta", "Währung", "Betrag"], None, sample=rows)
    assert cmap.columns("posted_on") == (0,) and cmap.columns("currency") == (1,)
    nl = _rows(("EUR", "-5,50"), ("EUR", "10,00"))
    assert build_column_map(["Valuta", "Bedrag"], None, sample=nl).columns("currency") == (0,)


def test_side_column_whose_cells_are_not_flags_is_not_the_side() -> None:
    rows = _rows(("2024-01-02", "CARD_PAYMENT", "-3.00"), ("2024-01-03", "TOPUP", "20.00"))
    cmap = build_column_map(["Date", "Transaction Type", "Amount"], None, sample=rows)
    assert cmap.model == "signed" and not cmap.columns("side")


def test_side_mapping_learned_from_values() -> None:
    rows = _rows(("20200213", "Af", "1,25"), ("20200213", "Bij", "1,25"))
    cmap = build_column_map(["Datum", "Af Bij", "Bedrag (EUR)"], None, sample=rows)
    assert cmap.model == "side" and dict(cmap.side_tokens) == {"Af": "debit", "Bij": "credit"}


def test_gross_fee_net_books_the_gross() -> None:
    cmap = build_column_map(["Date", "Gross", "Fee", "Net"], None)
    assert cmap.columns("amount") == (1,) and cmap.attributes == (2, 3)
    assert "gross" in cmap.amount_note


def test_net_without_fee_books_the_net() -> None:
    cmap = build_column_map(["Date", "gross_amount", "net_amount", "tax_amount"], None)
    assert cmap.columns("amount") == (2,) and cmap.attributes == (1, 3)


def test_lone_credit_beside_a_signed_amount_is_not_the_model() -> None:
    cmap = build_column_map(["Date", "Amount", "Income"], None)
    assert cmap.model == "signed" and cmap.columns("amount") == (1,)


def test_two_equally_named_amounts_with_different_totals_fail_naming_both() -> None:
    rows = _rows(("2024-01-02", "10.00", "12.00"), ("2024-01-03", "5.00", "6.00"))
    with pytest.raises(AmbiguousColumnsError) as caught:
        build_column_map(["Date", "Betrag", "Betrag"], None, sample=rows)
    message = str(caught.value)
    assert "'Betrag'" in message and "'Betrag (2)'" in message and "[columns] amount" in message
    same = _rows(("2024-01-02", "10.00", "10.00"), ("2024-01-03", "5.00", "5.00"))
    assert build_column_map(["Date", "Betrag", "Betrag"], None, sample=same).columns("amount") == (1,)


def test_headerless_debit_credit_pair_from_content() -> None:
    data = b"31/01/2022;MISC;421000;Paye janvier;;12042,12\n31/01/2022;MISC;641100;Paye janvier;12042,12;\n"
    result = normalize(data, name="x.csv")
    assert result.detected["header_row"].value is None
    assert result.detected["columns"].value == {
        "posted_on": "column_1", "account": "column_3", "description": "column_4",
        "debit": "column_5", "credit": "column_6"}  # fmt: skip
    assert [(r.debit, r.credit) for r in result.records] == [
        (Decimal(0), Decimal("12042.12")), (Decimal("12042.12"), Decimal(0))]  # fmt: skip


def test_headerless_amount_with_side_flags() -> None:
    data = b"2024-01-02,4000,S,10.00\n2024-01-02,1200,H,10.00\n2024-01-03,4000,S,2.50\n"
    result = normalize(data, name="x.csv")
    assert result.detected["amount_model"].value == "side"
    assert [r.debit - r.credit for r in result.records] == [
        Decimal("10.00"),
        Decimal("-10.00"),
        Decimal("2.50"),
    ]


def test_headerless_without_date_or_amount_is_no_header_error() -> None:
    with pytest.raises(NoHeaderError):
        normalize(b"alpha;beta\ngamma;delta\n", name="x.csv")


def test_headerless_two_unrelated_amounts_is_an_error_not_a_guess() -> None:
    data = b"2024-01-02;10.00;3.00\n2024-01-03;5.00;4.00\n2024-01-04;6.00;1.00\n"
    with pytest.raises(AmbiguousColumnsError, match=r"column 2.*column 3"):
        normalize(data, name="x.csv")


def test_running_balance_is_not_an_amount() -> None:
    data = "Operacja;Opis;Kwota;Stan\n2024-01-02;Przelew;-12,50;100,00\n2024-01-03;Wplata;50,00;150,00\n"
    data += "2024-01-05;Zakup;-7,25;142,75\n"
    result = normalize(data.encode(), name="x.csv")
    assert result.detected["columns"].value["amount"] == "Kwota"
    assert result.records[0].posted_on == dt.date(2024, 1, 2)
    assert result.records[2].attributes["Stan"] == "142,75"


def test_header_after_blank_delimiter_rows_and_metadata() -> None:
    preamble = ";;;\n" * 70 + "IBAN;DE00 1234;;\nZeitraum;01.01.2024 - 31.01.2024;;\nUmsätze;;;\n"
    data = preamble + "Buchungstag;Verwendungszweck;Betrag (EUR);Saldo\n02.01.2024;Miete;-500,00;1000,00\n"
    result = normalize(data.encode(), name="x.csv")
    assert result.detected["header_row"].value == 74
    assert result.records[0].credit == Decimal("500.00")


def test_file_without_date_column_is_accepted_with_one_note() -> None:
    data = b"account_code,description,net_amount\n4000,Sale,-10.00\n1200,Sale,10.00\n"
    result = normalize(data, name="x.csv")
    assert len(result.records) == 2 and all(r.posted_on is None for r in result.records)
    assert [i.code for i in result.issues] == ["no-date-column"]


def test_signed_amount_that_disagrees_with_debit_credit_is_reported() -> None:
    data = b"Date,Amount,Debit,Credit\n2024-01-02,10.00,10.00,\n2024-01-03,5.00,,5.00\n2024-01-04,-2,,2\n"
    result = normalize(data, name="x.csv")
    (issue,) = [i for i in result.issues if i.code == "disagreeing-signs"]
    assert issue.row is None and issue.column == "Amount" and "row 3" in issue.message
    agree = b"Date,Amount,Debit,Credit\n2024-01-02,10.00,10.00,\n2024-01-03,-5.00,,5.00\n"
    assert not [i for i in normalize(agree, name="x.csv").issues if i.code == "disagreeing-signs"]


def test_no_amount_column_still_raises() -> None:
    with pytest.raises(NoAmountColumnError):
        build_column_map(["Date", "Account"], None)


def test_fast_path_declines_what_it_cannot_do_and_gives_the_same_result() -> None:
    for data in (
        b"31/01/2022;MISC;421000;Paye;;12042,12\n31/01/2022;MISC;641100;Paye;12042,12;\n",
        b"account_code,description,net_amount\n4000,Sale,-10.00\n1200,Sale,10.00\n",
    ):
        fast, general = normalize(data, name="x.csv", fast_path=True), normalize(data, name="x.csv")
        assert list(fast.records) == list(general.records) and fast.issues == general.issues


def test_wide_headerless_table_is_one_clear_error() -> None:
    """Hundreds of amount-like columns and no header: no pairwise search, one error naming the fix."""
    row = ",".join(["02/01/2024", *[f"{i}.50" for i in range(900)]])
    with pytest.raises(AmbiguousColumnsError, match="900 columns read as amounts"):
        normalize(("\n".join([row] * 30) + "\n").encode(), name="x.csv")


def test_wide_table_samples_fewer_rows() -> None:
    from normalizer.roles.content import CELL_BUDGET, SAMPLE_ROWS, sample_rows

    assert sample_rows(5) == SAMPLE_ROWS
    assert sample_rows(1000) * 1000 <= max(CELL_BUDGET, 20 * 1000)


def test_weak_side_header_needs_nearly_all_cells_to_be_flags() -> None:
    """`Transaction Type` of `Deposit` / `Expense` is a kind of transaction, not a side column;
    of `debit` / `credit` it is one."""
    kinds = _rows(("01/02/2024", "Deposit", "100.00"), ("01/05/2024", "Expense", "-40.00"))
    assert build_column_map(["Date", "Transaction Type", "Amount"], None, sample=kinds).model == "signed"
    flags = _rows(("01/02/2024", "credit", "100.00"), ("01/05/2024", "debit", "40.00"))
    assert build_column_map(["Date", "Transaction Type", "Amount"], None, sample=flags).model == "side"
