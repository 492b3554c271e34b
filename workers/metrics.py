"""Prometheus metrics of a worker, in the text exposition format, served over plain HTTP.

Hand-written rather than `prometheus_client`: a worker exports a handful of counters and one
histogram from a single process, which is ~100 lines without a new dependency (no
multi-process mode, no global default registry). One `WorkerMetrics` per worker process.

    ledgerstore_records_served_total{tier}            ledger files whose records a task read, by tier
    ledgerstore_reprocess_total                       raw files normalized again to freeze them
    ledgerstore_checksum_failures_total               artifacts found not matching their checksum
    ledgerstore_task_duration_seconds{task,outcome}   histogram of task run times
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

_DURATION_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0)

Labels = tuple[tuple[str, str], ...]


def _labels(labels: Labels, extra: Labels = ()) -> str:
    pairs = labels + extra
    if not pairs:
        return ""
    escaped = (v.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") for _, v in pairs)
    return "{" + ",".join(f'{k}="{v}"' for (k, _), v in zip(pairs, escaped, strict=True)) + "}"


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(value)


@dataclass(slots=True)
class Counter:
    """A monotonically increasing count, optionally split by labels."""

    name: str
    help: str
    _values: dict[Labels, float] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def inc(self, amount: float = 1.0, **labels: str) -> None:
        key = tuple(sorted(labels.items()))
        with self._lock:
            self._values[key] = self._values.get(key, 0.0) + amount

    def value(self, **labels: str) -> float:
        with self._lock:
            return self._values.get(tuple(sorted(labels.items())), 0.0)

    def exposition(self) -> Iterator[str]:
        yield f"# HELP {self.name} {self.help}"
        yield f"# TYPE {self.name} counter"
        with self._lock:
            values = dict(self._values) or {(): 0.0}
        for labels, value in sorted(values.items()):
            yield f"{self.name}{_labels(labels)} {_number(value)}"


@dataclass(slots=True)
class Histogram:
    """Observations counted into cumulative buckets, with their sum and count."""

    name: str
    help: str
    buckets: Sequence[float] = _DURATION_BUCKETS
    _series: dict[Labels, list[float]] = field(default_factory=dict)  # bucket counts, sum, count
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def observe(self, value: float, **labels: str) -> None:
        key = tuple(sorted(labels.items()))
        with self._lock:
            series = self._series.setdefault(key, [0.0] * (len(self.buckets) + 2))
            for i, bound in enumerate(self.buckets):
                if value <= bound:
                    series[i] += 1
            series[-2] += value
            series[-1] += 1

    def count(self, **labels: str) -> int:
        with self._lock:
            series = self._series.get(tuple(sorted(labels.items())))
            return int(series[-1]) if series else 0

    def exposition(self) -> Iterator[str]:
        yield f"# HELP {self.name} {self.help}"
        yield f"# TYPE {self.name} histogram"
        with self._lock:
            snapshot = {key: list(series) for key, series in self._series.items()}
        for labels, series in sorted(snapshot.items()):
            for bound, count in zip(self.buckets, series, strict=False):
                yield f"{self.name}_bucket{_labels(labels, (('le', _number(bound)),))} {_number(count)}"
            yield f"{self.name}_bucket{_labels(labels, (('le', '+Inf'),))} {_number(series[-1])}"
            yield f"{self.name}_sum{_labels(labels)} {_number(series[-2])}"
            yield f"{self.name}_count{_labels(labels)} {_number(series[-1])}"


@dataclass(slots=True)
class WorkerMetrics:
    """Everything one worker process exports."""

    records_served: Counter = field(
        default_factory=lambda: Counter(
            "ledgerstore_records_served_total", "Ledger files whose records a task read, by tier."
        )
    )
    reprocess: Counter = field(
        default_factory=lambda: Counter(
            "ledgerstore_reprocess_total", "Raw files normalized again to give them an artifact."
        )
    )
    checksum_failures: Counter = field(
        default_factory=lambda: Counter(
            "ledgerstore_checksum_failures_total", "Artifacts found not to match their recorded checksum."
        )
    )
    task_duration: Histogram = field(
        default_factory=lambda: Histogram(
            "ledgerstore_task_duration_seconds", "Run time of queue tasks, by task and outcome."
        )
    )

    # -- RetrievalObserver: every read the worker's store serves ------------------------------

    def served(self, tier: str) -> None:
        self.records_served.inc(tier=tier)

    def reprocessed(self) -> None:
        self.reprocess.inc()

    def integrity_incident(self, kind: str) -> None:
        if kind.startswith("artifact"):
            self.checksum_failures.inc()

    def render(self) -> str:
        """The text exposition format (version 0.0.4)."""
        families = (self.records_served, self.reprocess, self.checksum_failures, self.task_duration)
        return "".join(line + "\n" for family in families for line in family.exposition())


def serve_metrics(metrics: WorkerMetrics, port: int, host: str = "0.0.0.0") -> ThreadingHTTPServer:  # noqa: S104
    """Serve `GET /metrics` on a daemon thread; call `.shutdown()` on the result to stop."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path.split("?")[0] not in ("/metrics", "/"):
                self.send_error(404)
                return
            body = metrics.render().encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass  # scrapes every few seconds would drown the worker's own log

    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="metrics", daemon=True).start()
    return server
