"""Hypothesis over argv and environment: every subcommand answers with a documented exit code and
at most one error line — never a traceback and never the internal-error code.

The CLI runs in-process (`main(argv)`) against a real PostgreSQL database so hundreds of argument
lists stay fast; the subprocess tests in tests/e2e/test_cli_contract.py cover the same edge as a
user sees it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import URL

from workers.cli.main import build_parser, main
from workers.cli.output import EXIT_CODES, ExitCode

ROOT = Path(__file__).resolve().parents[2]
#: Commands that can run to completion in-process (a worker without --burst would run forever).
COMMANDS = (
    "ingest",
    "ledgers",
    "records",
    "issues",
    "reprocess",
    "report",
    "register",
    "normalize",
    "backfill",
    "verify",
    "drift",
    "status",
    "db",
)


def _options() -> list[str]:
    """Every option string any subcommand declares, so hypothesis reaches real code paths."""
    names: set[str] = set()
    parser = build_parser()
    for action in parser._subparsers._group_actions:  # type: ignore[union-attr]
        for sub in getattr(action, "choices", {}).values():
            for option in sub._actions:
                names.update(s for s in option.option_strings if s not in {"-h", "--help"})
    return sorted(names)


VALUES = [
    "",
    " ",
    "0",
    "-1",
    "1",
    "2",
    "2025",
    "99999",
    "1899",
    "9" * 30,
    "abc",
    "x" * 300,
    "é€",
    "\t",
    "-",
    "--",
    "1e9",
    "0.5",
    "2025-13-45",
    "2025-01-01",
    "csv",
    "xlsx",
    "json",
    "jsonl",
    "trial-balance",
    "journal-check",
    "compare",
    "current",
    "upgrade",
    "/nope.csv",
    "/tmp",
    "cp1252",
    "no-such-codec",
    "Sheet9",
    "datev-extf",
    "/no/profile.toml",
    "15%",
    "-3%",
]


def _files(base: Path) -> list[str]:
    (base / "empty.csv").write_bytes(b"")
    (base / "garbage.bin").write_bytes(bytes(range(256)) * 4)
    (base / "manifest.csv").write_text("path,account,fiscal_year\n/nope/missing.csv,A,20x5\n")
    return [
        str(ROOT / "fixtures" / "ledgers" / "acme-2025-v1.csv"),
        str(base / "empty.csv"),
        str(base / "garbage.bin"),
        str(base / "manifest.csv"),
        str(base),
    ]


@pytest.fixture
def hostile_env(database_url: URL, tmp_path: Path) -> dict[str, list[str]]:
    good_db = database_url.render_as_string(hide_password=False)
    return {
        "LEDGERSTORE_HOME": [str(tmp_path / "home"), "relative/home"],
        "LEDGERSTORE_DATABASE_URL": [
            good_db,
            good_db,
            "garbage",
            "postgresql://u@127.0.0.1:1/x",
            "sqlite://",
        ],
        "LEDGERSTORE_OBJECT_URL": [
            (tmp_path / "objects").as_uri(),
            "memory://",
            "ftp://x/y",
            "s3://",
            "gs://",
        ],
        "files": _files(tmp_path),
    }


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_argv_and_env_gives_a_documented_code_and_one_line(
    data: st.DataObject, hostile_env: dict[str, list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    command = data.draw(st.sampled_from(COMMANDS))
    token = st.one_of(
        st.sampled_from(_OPTIONS),
        st.sampled_from(VALUES),
        st.sampled_from(hostile_env["files"]),
        st.text(max_size=8),
    )
    argv = [command, *data.draw(st.lists(token, max_size=6))]
    env = {
        name: data.draw(st.sampled_from(hostile_env[name]))
        for name in ("LEDGERSTORE_HOME", "LEDGERSTORE_DATABASE_URL", "LEDGERSTORE_OBJECT_URL")
    }
    saved = {name: os.environ.get(name) for name in env}
    os.environ.update(env)
    try:
        code = main(argv)
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    out = capsys.readouterr()
    assert code in {int(c) for c in EXIT_CODES}, (argv, env, out.err)
    assert code != ExitCode.INTERNAL, (argv, env, out.err)
    assert "Traceback" not in out.err, (argv, env, out.err)
    errors = [line for line in out.err.splitlines() if line.startswith("ledgerstore: error")]
    assert len(errors) <= 1, (argv, env, out.err)
    if code not in (ExitCode.OK, ExitCode.FAILURE):
        assert len(errors) == 1, (argv, env, out.err)


_OPTIONS = _options()
