"""`python -m workers.cli` runs the `ledgerstore` command."""

import sys

from workers.cli.main import main

sys.exit(main())
