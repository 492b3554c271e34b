"""The hot store against the number of active ledgers, on an embedded PostgreSQL with default settings.

    python -m bench.bench_scale [--sizes 1000,10000,100000] [--switches 20] [--large-switches 5]
                                [--large-rows 100000] [--workers 4] [--per-worker 15]
                                [--parts switch,read,maintenance,throughput]

The store grows to each size in turn (bulk SQL seeding, see `_seed`), then at that size:
- switch p50/p95: the switch (`frozen` → `switched` of `LedgerStore.ingest`) of a 50-row ledger
  replacing the previous one of its account, `--switches` times, and of a `--large-rows` ledger
  (a partition of its own), `--large-switches` times;
- a small hot read (`records(id).to_list()` of a seeded 50-row ledger, p50 of 20);
- `status` (`collect_status`), `verify` and `verify --deep` (`verify_store`), which must complete
  without error and find nothing wrong;
- `SELECT count(*) FROM hot_records` (a query over all hot rows) and the catalog's size;
- switch throughput with 1 and with `--workers` processes: each process prepares
  `--per-worker` replacements (uploaded, normalized and frozen, each replacing an active 50-row
  ledger of its own account), then all switch them in at once; switches per second overall.

Seeding: ledger rows straight into `ledger_files` (active, no artifact: a legacy hot ledger, as
`verify` knows them) and their 50 hot rows COPYed into their shared slots. The rows are one
template relabelled per ledger, and the recorded count, totals and records sha256 are computed
from exactly those rows (the template's canonical lines with the id replaced), so `verify` and
`verify --deep` check every seeded ledger for real. After seeding, VACUUM (ANALYZE) and a
CHECKPOINT stand for what autovacuum and the checkpointer do to a store that grew over time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing as mp
import os
import statistics
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

from bench._harness import machine
from bench.generate import write_csv

_SEED_ROWS = 50
_SENTINEL = 987_654_321  # a ledger id that appears nowhere else in the template's bytes
_PARTS = ("switch", "read", "maintenance", "throughput")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--switches", type=int, default=20)
    parser.add_argument("--large-switches", type=int, default=5)
    parser.add_argument("--large-rows", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--per-worker", type=int, default=15)
    parser.add_argument("--parts", default=",".join(_PARTS), help=f"comma-separated: {','.join(_PARTS)}")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    print(f"machine: {machine()}", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        files = _files(
            home, args.switches, args.large_switches, args.large_rows, args.per_worker * args.workers
        )
        store = _open(home)
        try:
            seeded = 0
            for size in sizes:
                started = time.perf_counter()
                seeded = _seed(store, seeded, size)
                print(
                    f"\n== {size:,} active ledgers (seeded in {time.perf_counter() - started:.1f} s)",
                    flush=True,
                )
                _measure(store, home, files, size, args)
        finally:
            store.close()
            stop_embedded(home / "pgdata")


def stop_embedded(pgdata: Path) -> None:
    from ledgerstore.db.embedded import stop_embedded as stop

    stop(pgdata)


def _open(home: Path, database_url: str | None = None) -> Any:
    from ledgerstore import LedgerStore, Settings

    return LedgerStore.open(Settings(home=home, database_url=database_url))


def _files(home: Path, small: int, large: int, large_rows: int, throughput: int) -> dict[str, list[Path]]:
    """Distinct CSVs (one seed each): the same files serve every size (other accounts)."""
    folder = home / "files"
    folder.mkdir()
    made: dict[str, list[Path]] = {"small": [], "large": [], "pairs": []}
    kinds = (("small", small + 1, 50), ("large", large + 1, large_rows), ("pairs", 2 * throughput, 50))
    for k, (kind, count, rows) in enumerate(kinds):
        for i in range(count):
            path = folder / f"{kind}-{i}.csv"
            write_csv(path, rows, seed=100_000 * k + i)
            made[kind].append(path)
    return made


# -- seeding ---------------------------------------------------------------------------------


def _template() -> tuple[bytes, bytes, Decimal, Decimal]:
    """(canonical lines, COPY text lines) of `_SEED_ROWS` records of ledger `_SENTINEL`."""
    from normalizer.canonical import jsonl_lines
    from normalizer.record import Record

    records = [
        Record(
            ledger_file_id=_SENTINEL,
            row_number=i + 1,
            posted_on=dt.date(2025, 1, 1) + dt.timedelta(days=i * 7),
            account=f"{4000 + i % 9}",
            account_name=f"Account {i % 9}",
            description=f"Seeded line {i}",
            reference=f"S-{i}",
            journal=f"J{i // 2}",
            debit=Decimal(f"{100 + i}.25") if i % 2 else Decimal("0.00"),
            credit=Decimal("0.00") if i % 2 else Decimal(f"{100 + i - 1}.25"),
            currency="EUR",
            attributes={"Dept": str(i % 4)},
        )
        for i in range(_SEED_ROWS)
    ]
    canonical = b"".join(jsonl_lines(records))
    copy = "".join(
        f"{r.ledger_file_id}\t{r.row_number}\t{r.posted_on}\t{r.account}\t{r.account_name}\t{r.description}"
        f"\t{r.reference}\t{r.journal}\t{r.debit}\t{r.credit}\t{r.currency}\t"
        f'{{"Dept": "{r.attributes["Dept"]}"}}\t@SLOT@\n'
        for r in records
    ).encode()
    return canonical, copy, sum(r.debit for r in records), sum(r.credit for r in records)


def _seed(store: Any, have: int, want: int) -> int:
    """Add active 50-row ledgers (accounts SEED-<n>) until `want` are seeded; returns `want`."""
    from ledgerstore.db.schema import SHARED_SLOTS, shared_slot
    from ledgerstore.hot.partitions import lock_hot_ddl, raw_driver
    from ledgerstore.hot.slots import create_slot
    from ledgerstore.summary import SummaryBuilder

    if want <= have:
        return have
    canonical, copy_template, debit, credit = _template()
    sentinel = str(_SENTINEL).encode()
    with store.engine.begin() as connection:
        lock_hot_ddl(connection)
        for n in range(1, SHARED_SLOTS + 1):
            create_slot(connection, -n)
        driver = raw_driver(connection)
        ids = [
            row[0]
            for row in driver.execute(
                "INSERT INTO ledger_files (account, fiscal_year, original_name, raw_key, raw_sha256,"
                " raw_size, sequence, uploaded_at, status, normalizer_version)"
                " SELECT 'SEED-' || n, 2025, 'seed.csv', 'seed/none',"
                " encode(sha256(n::text::bytea), 'hex'), 0, 1, now(), 'pending', 'seed'"
                " FROM generate_series(%s::bigint, %s::bigint) AS n RETURNING id",
                (have + 1, want),
            ).fetchall()
        ]
        summaries = []
        with driver.cursor() as cursor, cursor.copy("COPY hot_records FROM STDIN") as copy:
            for ledger_file_id in ids:
                label = str(ledger_file_id).encode()
                builder = SummaryBuilder()
                builder.add_lines(canonical.replace(sentinel, label), _SEED_ROWS, debit, credit)
                summary = builder.summary()
                summaries.append((ledger_file_id, summary.records_sha256))
                slot = str(shared_slot(ledger_file_id)).encode()
                copy.write(copy_template.replace(sentinel, label).replace(b"@SLOT@", slot))
        with driver.cursor() as cursor:
            cursor.execute("CREATE TEMP TABLE seeded (id bigint, sha char(64)) ON COMMIT DROP")
            with cursor.copy("COPY seeded FROM STDIN") as copy:
                for row in summaries:
                    copy.write_row(row)
            cursor.execute(
                "UPDATE ledger_files f SET status = 'active', record_count = %s, debit_total = %s,"
                " credit_total = %s, records_sha256 = s.sha FROM seeded s WHERE f.id = s.id",
                (_SEED_ROWS, debit, credit),
            )
    _settle(store)
    return want


def _settle(store: Any) -> None:
    """What autovacuum and the checkpointer would have done with the seeded rows by the time a
    store has grown this big, so the measurements do not run inside the seeding's aftermath."""
    import psycopg

    url = store.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("VACUUM (ANALYZE) ledger_files")
        connection.execute("VACUUM (ANALYZE) hot_records")
        connection.execute("CHECKPOINT")


# -- measurements ----------------------------------------------------------------------------


def _measure(
    store: Any, home: Path, files: dict[str, list[Path]], size: int, args: argparse.Namespace
) -> None:
    parts = set(args.parts.split(","))
    for label, kind in (("50", "small"), (f"{args.large_rows:,}", "large")):
        if "switch" not in parts:
            break
        times = _switches(store, files[kind], f"BENCH-{kind}-{size}")
        p50, p95 = _ms(_pct(times, 50)), _ms(_pct(times, 95))
        print(f"switch {label} rows: p50 {p50} p95 {p95} (n={len(times)})", flush=True)
    if "read" in parts:
        print(f"small hot read: p50 {_ms(_hot_read(store))}", flush=True)
    if "maintenance" in parts:
        _maintenance(store)
        _catalog(store)
    if "throughput" not in parts:
        return
    one, many = (
        _throughput(store, home, files["pairs"], size, w, args.per_worker) for w in (1, args.workers)
    )
    print(f"throughput ratio {args.workers} : 1 processes = {many / one:.2f}x", flush=True)


def _switches(store: Any, paths: list[Path], account: str) -> list[float]:
    """Ingest the files in turn into one account; the switch time of each replacement."""
    timings: list[float] = []
    marks: dict[str, float] = {}

    def mark(stage: str) -> None:
        marks[stage] = time.perf_counter()

    for i, path in enumerate(paths):
        store.ingest(path, account=account, fiscal_year=2025, on_stage=mark)
        if i:  # the first one replaces nothing
            timings.append(marks["switched"] - marks["frozen"])
    return timings


def _hot_read(store: Any) -> float:
    import sqlalchemy as sa

    query = "SELECT id FROM ledger_files WHERE account LIKE 'SEED-%' ORDER BY random() LIMIT 20"
    with store.engine.connect() as connection:
        sample = connection.execute(sa.text(query)).scalars().all()
    times = []
    for ledger_file_id in sample:
        started = time.perf_counter()
        with store.records(ledger_file_id) as records:
            assert records.tier == "hot" and len(records.to_list()) == _SEED_ROWS
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _maintenance(store: Any) -> None:
    import sqlalchemy as sa

    from ledgerstore.ops.status import collect_status
    from ledgerstore.ops.verify import verify_store

    status_times = []
    for _ in range(3):
        started = time.perf_counter()
        status = collect_status(store.engine)
        status_times.append(time.perf_counter() - started)
    print(f"status: {_ms(statistics.median(status_times))} ({status.hot_partitions} partitions)", flush=True)
    for deep in (False, True):
        started = time.perf_counter()
        report = verify_store(store, deep=deep)
        elapsed = time.perf_counter() - started
        print(
            f"verify{' --deep' if deep else ''}: {elapsed:.1f} s, ok={report.ok},"
            f" hot checked {report.hot_checked:,}, artifacts {report.artifacts_checked}",
            flush=True,
        )
    started = time.perf_counter()
    with store.engine.connect() as connection:
        count = connection.execute(sa.text("SELECT count(*) FROM hot_records")).scalar_one()
    print(
        f"SELECT count(*) FROM hot_records: {_ms(time.perf_counter() - started)} ({count:,} rows)", flush=True
    )


def _catalog(store: Any) -> None:
    import sqlalchemy as sa

    query = sa.text(
        "SELECT pg_total_relation_size('pg_class'), pg_total_relation_size('pg_attribute'),"
        " (SELECT count(*) FROM pg_class), (SELECT count(*) FROM pg_attribute)"
    )
    with store.engine.connect() as connection:
        pg_class, pg_attribute, classes, attributes = connection.execute(query).one()
    print(
        f"catalog: pg_class {pg_class / 2**20:.1f} MiB ({classes:,} rows),"
        f" pg_attribute {pg_attribute / 2**20:.1f} MiB ({attributes:,} rows)",
        flush=True,
    )


def _throughput(store: Any, home: Path, pairs: list[Path], size: int, workers: int, per_worker: int) -> float:
    """Switches per second with `workers` processes switching prepared replacements at once."""
    url = store.engine.url.render_as_string(hide_password=False)
    context = mp.get_context("spawn")
    barrier = context.Barrier(workers)
    results = context.Queue()
    processes = [
        context.Process(
            target=_switch_worker,
            args=(
                str(home),
                url,
                f"T{size}-{workers}-{w}",
                pairs[2 * w * per_worker : 2 * (w + 1) * per_worker],
                barrier,
                results,
            ),
        )
        for w in range(workers)
    ]
    for process in processes:
        process.start()
    waits = _sample_waits(store, results, len(processes))
    spans = [results.get(timeout=1800) for _ in processes]
    for process in processes:
        process.join()
    switched = sum(span[0] for span in spans)
    client = sum(span[3] for span in spans) / switched
    server = sum(span[4] for span in spans) / switched
    rate = switched / (max(span[2] for span in spans) - min(span[1] for span in spans))
    wal = (max(span[6] for span in spans) - min(span[5] for span in spans)) / switched
    print(
        f"switch throughput, {workers} process(es): {rate:.1f} switches/s"
        f" (CPU per switch: client {_ms(client)}, server backend {_ms(server)};"
        f" WAL {wal / 1024:.0f} KiB per switch; load average {os.getloadavg()[0]:.1f})",
        flush=True,
    )
    print(f"  what the busy backends were doing (share of samples): {waits}", flush=True)
    return float(rate)


def _sample_waits(store: Any, results: Any, expected: int) -> str:
    """Sample the server's busy client backends until every worker has reported (results are
    left in the queue): what a switch waits on (CPU, a lock, WAL flush...)."""
    import collections

    import sqlalchemy as sa

    query = sa.text(
        "SELECT coalesce(wait_event_type || ':' || wait_event, 'CPU') FROM pg_stat_activity"
        " WHERE backend_type = 'client backend' AND state = 'active' AND pid <> pg_backend_pid()"
    )
    tally: collections.Counter[str] = collections.Counter()
    with store.engine.connect() as connection:
        while results.qsize() < expected:
            tally.update(connection.execute(query).scalars())
            connection.rollback()
            time.sleep(0.002)
    total = sum(tally.values()) or 1
    return ", ".join(f"{name} {n / total:.0%}" for name, n in tally.most_common(5))


def _switch_worker(home: str, url: str, prefix: str, paths: list[Path], barrier: Any, results: Any) -> None:
    from ledgerstore.artifacts.ensure import ensure_artifact, normalized
    from ledgerstore.ledgers.issues import issues_of
    from ledgerstore.lifecycle.switch import activate
    from ledgerstore.raw import normalize_stored

    store = _open(Path(home), url)
    prepared = []
    for i in range(0, len(paths), 2):
        account = f"{prefix}-{i}"
        store.ingest(paths[i], account=account, fiscal_year=2025)  # the ledger to replace
        ledger = store.upload(paths[i + 1], account=account, fiscal_year=2025).ledger
        result = normalize_stored(store.objects, ledger)
        with store.engine.begin() as connection:
            ensure_artifact(connection, store.objects, ledger, normalized(result.records, issues_of(result)))
        prepared.append((ledger.id, result.records))
    with store.engine.connect() as connection:  # the pooled connection the switches reuse
        backend = connection.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()
    barrier.wait()
    started, cpu, server, wal = time.time(), time.process_time(), _cpu_of(backend), _wal(store)
    for ledger_file_id, records in prepared:
        assert activate(store.engine, store.objects, ledger_file_id, records).status == "active"
    ended = time.time()
    used, server = time.process_time() - cpu, _cpu_of(backend) - server
    results.put((len(prepared), started, ended, used, server, wal, _wal(store)))
    store.close()


def _wal(store: Any) -> int:
    """The server's current WAL position, in bytes."""
    with store.engine.connect() as connection:
        query = "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')"
        return int(connection.exec_driver_sql(query).scalar_one())


def _cpu_of(pid: int) -> float:
    """CPU seconds (user + system) a local process has used (the embedded server's backend)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _pct(values: list[float], pct: int) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


if __name__ == "__main__":
    main()
