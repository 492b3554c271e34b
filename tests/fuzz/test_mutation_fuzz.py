"""Issue 13, deliverable 8: a bounded, seeded mutation fuzz over xls/xlsx/ods/csv samples.

For every mutant, `normalize` returns or raises the normalizer's own error with a one-line
message, within a bounded time, and this process's memory stays bounded (the parsers' own
memory is bounded by the reader child's limit). A failure names the seed and the mutant's
index, so `mutants(SEED, COUNT)[index]` reproduces it. `bench/fuzz_campaign.py` runs thousands.
"""

from __future__ import annotations

import collections

import pytest

from tests.fuzz.mutate import LIMITS, SEEDS, current_rss_mib, mutants, run_one

pytestmark = pytest.mark.timeout(120)

SEED = 20_261_301
COUNT = 320
#: Each mutant's wall-clock bound: the reader child's deadline, plus the work done outside it.
MAX_SECONDS = LIMITS.reader_seconds + 7
#: This process's growth over the whole run (the mutants are a few kB; results are dropped).
MAX_RSS_GROWTH_MIB = 400


def test_every_seed_kind_is_present() -> None:
    assert all(SEEDS[kind] for kind in ("xls", "xlsx", "ods", "csv"))


def test_mutants_end_in_a_result_or_a_one_line_error() -> None:
    start_rss = current_rss_mib()
    outcomes: collections.Counter[tuple[str, str]] = collections.Counter()
    for index, (kind, data) in enumerate(mutants(SEED, COUNT)):
        where = f"mutant {index} ({kind}) of seed {SEED}"
        outcome = run_one(kind, data)  # anything but a NormalizerError fails the test here
        outcomes[kind, outcome.result] += 1
        assert "\n" not in outcome.message, where
        assert len(outcome.message) < 500, where
        assert outcome.seconds < MAX_SECONDS, f"{where} took {outcome.seconds:.1f} s"
        assert outcome.rss_mib - start_rss < MAX_RSS_GROWTH_MIB, f"{where}: {outcome.rss_mib:.0f} MiB"
    # The fuzz reaches past the first check: some mutants of each kind still read.
    assert sum(outcomes.values()) == COUNT
    for kind in ("xlsx", "csv"):
        assert outcomes[kind, "ok"] + outcomes[kind, "NoHeaderError"] > 0, outcomes
