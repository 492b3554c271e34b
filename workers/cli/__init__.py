"""The `ledgerstore` command: one entry point, one module per subcommand."""

from workers.cli.main import main

__all__ = ["main"]
