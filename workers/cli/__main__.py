"""`python -m workers.cli` runs the `ledgerstore` command."""

from workers.cli.main import run

run()
