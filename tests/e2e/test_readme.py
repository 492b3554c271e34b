"""The README's two commands are the ones that work: the main job is run here as written."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from tests.e2e.cli import ROOT, run_cli

README = (ROOT / "README.md").read_text(encoding="utf-8")
_COMMANDS = re.findall(r"```sh\n(.+?)\n```", README, flags=re.DOTALL)


def test_the_readme_shows_two_commands_and_the_test_one_is_what_ci_runs() -> None:
    install_and_run, install_and_test = _COMMANDS[:2]
    assert install_and_run.startswith("pip install -e . && ledgerstore ")
    assert install_and_test == "pip install -e '.[test]' && python -m pytest"
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "pip install --quiet -e '.[test]'" in ci
    assert "python -m pytest" in ci


@pytest.mark.timeout(300)
def test_the_readme_main_job_runs_on_the_embedded_defaults(tmp_path: Path) -> None:
    steps = _COMMANDS[0].removeprefix("pip install -e . && ").split(" && ")
    env = {"LEDGERSTORE_HOME": str(tmp_path / "home")}
    outputs = []
    try:
        for step in steps:
            argv = shlex.split(step)
            assert argv[0] == "ledgerstore"
            result = run_cli(*argv[1:], env=env)
            assert result.returncode == 0, (step, result.stderr)
            outputs.append(result.stdout)
    finally:
        run_cli("db", "stop", env=env)
    assert "active, 6 records" in outputs[0]
    assert "1824.46,1824.46,0.00,yes" in outputs[1]  # the trial balance balances
    assert "active      1" in outputs[2]
