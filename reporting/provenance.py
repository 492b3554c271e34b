"""Where a report's figures come from: the ledger files read, their checksums, the parameters.

Provenance is written into every output, so it holds only what does not depend on how the
records were served: never the tier, never a time of day.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from normalizer.canonical import RecordDigest
from normalizer.record import Record

ProvenanceValue = str | int | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Source:
    """One ledger file a report read. Unknown fields stay `None`.

    `record_count` and `records_sha256` describe every record the report was given (before
    date or account filters). A report fills in the count as it reads, and computes the
    checksum itself when the caller does not know it. `issues_*` are the ledger file's issue
    counts by severity, named only when they are known (a ledger normalized before issues were
    kept has none): they come from the ledger file's row, so every tier gives the same ones.
    """

    ledger_file_id: int | None = None
    account: str | None = None
    fiscal_year: int | None = None
    normalizer_version: str | None = None
    record_count: int | None = None
    records_sha256: str | None = None
    issues_error: int | None = None
    issues_warning: int | None = None
    issues_info: int | None = None

    def items(self) -> list[tuple[str, ProvenanceValue]]:
        return [
            (field.name, getattr(self, field.name))
            for field in dataclasses.fields(self)
            if field.name not in _ISSUE_FIELDS or getattr(self, field.name) is not None
        ]


_ISSUE_FIELDS = frozenset({"issues_error", "issues_warning", "issues_info"})


@dataclass(frozen=True, slots=True, kw_only=True)
class Provenance:
    """The report's name and parameters, and each source by role (`ledger`, or `old`/`new`)."""

    report: str
    parameters: tuple[tuple[str, str], ...]
    sources: tuple[tuple[str, Source], ...]

    def items(self) -> list[tuple[str, ProvenanceValue]]:
        """Flat (key, value) pairs in a fixed order, as the CSV and XLSX outputs list them."""
        items: list[tuple[str, ProvenanceValue]] = [("report", self.report)]
        items.extend((f"parameter.{name}", value) for name, value in self.parameters)
        single = len(self.sources) == 1
        for role, source in self.sources:
            prefix = "" if single else f"{role}."
            items.extend((prefix + name, value) for name, value in source.items())
        return items

    def as_dict(self) -> dict[str, Any]:
        """Nested, for JSON: parameters as an object, sources as a list with their roles."""
        return {
            "report": self.report,
            "parameters": dict(self.parameters),
            "sources": [{"role": role, **dict(source.items())} for role, source in self.sources],
        }


def source_of(records: Iterable[Record]) -> Source:
    """What a served record set (e.g. `ledgerstore.RecordSet`) says about itself; empty otherwise.

    Duck-typed on `.ledger` and `.records_sha256` so that `reporting` does not depend on the
    store to run on records.
    """
    ledger = getattr(records, "ledger", None)
    sha = getattr(records, "records_sha256", None)
    if ledger is None or not isinstance(sha, str):
        return Source()
    return Source(
        ledger_file_id=ledger.id,
        account=ledger.account,
        fiscal_year=ledger.fiscal_year,
        normalizer_version=ledger.normalizer_version,
        records_sha256=sha,
        issues_error=getattr(ledger, "issues_error", None),
        issues_warning=getattr(ledger, "issues_warning", None),
        issues_info=getattr(ledger, "issues_info", None),
    )


class Intake:
    """The records one report reads, and the source they are described by.

    Reports iterate `intake.records` once, count as they go (cheaply, with `enumerate`) and
    call `finish(count)`. When the caller did not give the checksum, the records are digested
    on the way through, so the provenance is always complete.
    """

    __slots__ = ("_digest", "records", "source")

    def __init__(self, records: Iterable[Record], source: Source | None = None) -> None:
        self.source = source if source is not None else source_of(records)
        self._digest: RecordDigest | None = None
        self.records: Iterable[Record] = records
        if self.source.records_sha256 is None:
            self._digest = RecordDigest()
            self.records = _digesting(records, self._digest)

    def finish(self, count: int) -> Source:
        """The source, with the number of records read and their checksum."""
        sha = self._digest.hexdigest() if self._digest is not None else self.source.records_sha256
        return dataclasses.replace(self.source, record_count=count, records_sha256=sha)


def _digesting(records: Iterable[Record], digest: RecordDigest) -> Iterator[Record]:
    for record in records:
        digest.update(record)
        yield record
