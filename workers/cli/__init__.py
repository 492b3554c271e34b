"""The `ledgerstore` command: one entry point (`workers.cli.main:main`), one module per subcommand."""
