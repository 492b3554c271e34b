"""`IssueBlock` / `ordered_issues`: issues kept as columns read back as the issues, in row order."""

from __future__ import annotations

import pickle
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from normalizer import Issue, normalize
from normalizer.issue_columns import IssueBlock, IssueSequence, of_severity, ordered_issues, severity_counts
from normalizer.result import in_row_order

SEVERITIES = ("error", "warning", "info")
ROWS = st.integers(min_value=1, max_value=40)

issues = st.builds(
    Issue,
    row=st.none() | ROWS,
    column=st.none() | st.sampled_from(["debit", "posted_on"]),
    raw=st.none() | st.text(max_size=3),
    message=st.text(max_size=5),
    severity=st.sampled_from(SEVERITIES),
    code=st.sampled_from(["invalid", "unbalanced-journal"]),
)


@st.composite
def blocks(draw: st.DrawFn) -> IssueBlock:
    texts = draw(
        st.lists(st.tuples(st.none() | st.text(max_size=3), st.text(max_size=5)), min_size=1, max_size=4)
    )
    rows = draw(st.lists(ROWS, max_size=30))
    keys = draw(st.lists(st.integers(0, len(texts) - 1), min_size=len(rows), max_size=len(rows)))
    return IssueBlock(
        np.array(rows, dtype=np.int64),
        np.array(keys, dtype=np.int64),
        texts,
        draw(st.none() | st.just("posted_on")),
        draw(st.sampled_from(SEVERITIES)),
        "outside-fiscal-year",
    )


def expanded(items: list[Issue | IssueBlock]) -> list[Issue]:
    out: list[Issue] = []
    for item in items:
        if isinstance(item, IssueBlock):
            out.extend(
                Issue(
                    row=int(row),
                    column=item.column,
                    raw=item.texts[key][0],
                    message=item.texts[key][1],
                    severity=item.severity,
                    code=item.code,
                )
                for row, key in zip(item.rows, item.keys, strict=True)
            )
        else:
            out.append(item)
    return out


@settings(max_examples=200, deadline=None)
@given(st.lists(issues | blocks(), max_size=8))
def test_blocks_read_back_as_the_issues_in_row_order(items: list[Issue | IssueBlock]) -> None:
    want = in_row_order(expanded(items))

    got = ordered_issues(items)

    assert isinstance(got, IssueSequence) == any(isinstance(item, IssueBlock) for item in items)
    assert list(got) == want
    assert got == tuple(want)
    assert len(got) == len(want)
    assert [got[i] for i in range(-len(want), len(want))] == want + want
    assert list(got[1:-1]) == want[1:-1]
    assert list(got[::3]) == want[::3]
    assert severity_counts(got) == Counter(issue.severity for issue in want)
    for severity in SEVERITIES:
        assert list(of_severity(got, severity)) == [i for i in want if i.severity == severity]
    assert pickle.loads(pickle.dumps(got)) == got


def test_an_issue_read_from_a_block_is_an_issue() -> None:
    block = IssueBlock(
        np.array([7], dtype=np.int64), np.array([0], dtype=np.int64), [("x", "m")], "c", "warning", "k"
    )

    issue = ordered_issues([block])[0]

    assert type(issue) is Issue
    assert issue == Issue(row=7, column="c", raw="x", message="m", severity="warning", code="k")
    assert hash(issue) == hash(Issue(row=7, column="c", raw="x", message="m", severity="warning", code="k"))


def test_a_block_needs_a_key_per_row() -> None:
    with pytest.raises(ValueError, match="2 rows but 1 keys"):
        IssueBlock(_ints(1, 2), _ints(0), [("x", "m")], None, "info", "k")


def _ints(*values: int) -> np.ndarray:
    return np.array(values, dtype=np.int64)


def test_rows_outside_the_year_are_one_block_read_as_the_general_paths_issues() -> None:
    lines = ["Date,Account,Description,Debit,Credit"]
    lines += [f"2024-03-{day % 28 + 1:02d},{4000 + day % 3},row {day},{day}.50," for day in range(300)]
    data = ("\n".join(lines) + "\n").encode()

    columnar = normalize(data, name="ledger.csv", fiscal_year=2025, fast_path=True)
    general = normalize(data, name="ledger.csv", fiscal_year=2025, fast_path=False)

    assert isinstance(columnar.issues, IssueSequence)
    assert isinstance(general.issues, tuple)
    assert columnar.issues == general.issues
    assert len(columnar.issues) == 300
    assert columnar.issues[0].message == "dated 2024-03-01, outside fiscal year 2025"
    assert severity_counts(columnar.issues) == Counter({"warning": 300})


def test_a_pickle_with_positions_out_of_range_is_refused() -> None:
    block = IssueBlock(_ints(3, 4), _ints(0, 0), [("x", "m")], None, "warning", "k")
    rebuild, (eager, blocks, part, index) = ordered_issues([block]).__reduce__()  # type: ignore[misc]

    assert list(rebuild(eager, blocks, part, index)) == list(ordered_issues([block]))
    with pytest.raises(ValueError, match="out of range"):
        rebuild(eager, blocks, part, _ints(0, 2).tobytes())
    with pytest.raises(ValueError, match="out of range"):
        rebuild(eager, blocks, np.array([0, 2], dtype=np.int32).tobytes(), index)
