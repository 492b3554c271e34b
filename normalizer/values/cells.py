"""The value of one cell as the readers hand it over (same definition as `normalizer.readers`)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TypeAlias

#: "" is an empty cell; Decimal only for numeric cells of workbooks (converted exactly from the
#: float Excel stored); date/datetime only for date cells of workbooks. Text files give str only.
CellValue: TypeAlias = str | Decimal | dt.date | dt.datetime
