"""The two reference ingest pipelines of `shared/docs/performance.md`, each a whole program.

    python -m bench._pipelines naive|best CSV DATABASE_URL OUT_DIR TABLE

Run by `bench/bench_ingest_cli.py` as fresh processes, timed from outside like our CLI (start-up
and imports included). Both do what an ingest must: store the raw bytes, parse and normalize
(exact amounts, dates), load PostgreSQL, write a gzip JSON artifact.
- naive: pandas `dtype=str`, a `Decimal` per amount, `DataFrame.to_sql`, `json.dumps` + gzip 9.
- best: polars lazy parse + vectorised normalize, COPY of polars' CSV rendering, orjson lines
  (polars `write_ndjson`) + isal gzip level 1, the artifact and the COPY overlapped in threads.
The hand-tuned side is deliberately free of what ours must do beyond that (row-level issues,
checks, provenance, verification, the active switch): it is the floor to be within 2× of.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import sys
import threading
from decimal import Decimal
from pathlib import Path


def _store_raw(data: bytes, out: Path, name: str) -> None:
    digest = hashlib.sha256(data).hexdigest()
    (out / f"{name}-{digest[:12]}.csv").write_bytes(data)


def naive(csv: str, url: str, out: Path, table: str) -> int:
    import pandas as pd
    import sqlalchemy as sa

    _store_raw(Path(csv).read_bytes(), out, table)
    frame = pd.read_csv(csv, dtype=str, keep_default_na=False)
    for column in ("Debit", "Credit"):
        frame[column] = [Decimal(v.replace(",", "")) if v else Decimal(0) for v in frame[column]]
    frame["Date"] = pd.to_datetime(frame["Date"], format="%m/%d/%Y").dt.date
    engine = sa.create_engine(url)
    frame.to_sql(table, engine, index=False, dtype={"Debit": sa.Numeric(), "Credit": sa.Numeric()})
    engine.dispose()
    rows = frame.astype(str).to_dict(orient="records")
    (out / f"{table}.json.gz").write_bytes(gzip.compress(json.dumps(rows).encode(), 9))
    return len(rows)


def best(csv: str, url: str, out: Path, table: str) -> int:
    import polars as pl
    import psycopg
    from isal import isal_zlib

    data = Path(csv).read_bytes()
    _store_raw(data, out, table)
    money = pl.Decimal(18, 2)
    frame = (
        pl.read_csv(data, infer_schema_length=0)
        .lazy()
        .with_columns(
            pl.col("Date").str.to_date("%m/%d/%Y"),
            *(pl.col(c).str.replace_all(",", "").cast(money).fill_null(0) for c in ("Debit", "Credit")),
        )
        .with_row_index("row_number", offset=1)
        .collect()
    )

    def artifact() -> None:
        compressor = isal_zlib.compressobj(1, isal_zlib.DEFLATED, 16 + isal_zlib.MAX_WBITS)
        lines = frame.with_columns(pl.col("Debit", "Credit").cast(pl.String)).write_ndjson().encode()
        (out / f"{table}.json.gz").write_bytes(compressor.compress(lines) + compressor.flush())

    writer = threading.Thread(target=artifact)
    writer.start()
    kinds = {"row_number": "bigint", "Date": "date", "Debit": "numeric", "Credit": "numeric"}
    columns = ", ".join(f'"{c}" {kinds.get(c, "text")}' for c in frame.columns)
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as connection:
        connection.execute(f'CREATE TABLE "{table}" ({columns})')
        body = frame.write_csv(include_header=False).encode()
        with connection.cursor().copy(f'COPY "{table}" FROM STDIN (FORMAT csv)') as copy:
            step = 1 << 20
            for start in range(0, len(body), step):
                copy.write(body[start : start + step])
        connection.execute(f'ALTER TABLE "{table}" ADD PRIMARY KEY (row_number)')
    writer.join()
    return frame.height


def main() -> None:
    kind, csv, url, out, table = sys.argv[1:]
    pipeline = {"naive": naive, "best": best}[kind]
    print(pipeline(csv, url, Path(out), table))


if __name__ == "__main__":
    main()
