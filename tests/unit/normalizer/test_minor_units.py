"""`minor_units` in a profile: amounts stated in minor units (cents) only when a profile says so."""

from __future__ import annotations

from decimal import Decimal

import pytest

from normalizer import normalize
from normalizer.errors import ProfileError
from normalizer.profiles.loader import profile_from_dict

CSV = b"Date,Account,Description,Amount\n2024-01-15,1000,Fee,1250\n2024-01-16,1000,Refund,-99\n"


def test_minor_units_divide_amounts() -> None:
    profile = profile_from_dict({"minor_units": 2}, name="cents")
    assert profile.amount_scale == -2
    records = normalize(CSV, profile=profile).records
    assert [(r.debit, r.credit) for r in records] == [(Decimal("12.50"), 0), (0, Decimal("0.99"))]


def test_without_a_profile_amounts_are_not_scaled() -> None:
    records = normalize(CSV).records
    assert records[0].debit == Decimal(1250)


@pytest.mark.parametrize(
    ("data", "fragment"),
    [({"minor_units": 2, "amount_scale": -2}, "not both"), ({"minor_units": 12}, "between 0 and 9")],
)
def test_minor_units_is_checked(data: dict[str, object], fragment: str) -> None:
    with pytest.raises(ProfileError, match=fragment):
        profile_from_dict(data, name="bad")
