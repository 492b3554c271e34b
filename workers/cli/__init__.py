"""The `ledgerstore` command: one entry point (`workers.cli.main:run`), one module per subcommand."""
