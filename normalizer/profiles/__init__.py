"""Profiles: export formats declared as data (TOML/JSON), and the shipped ones."""

from normalizer.profiles.detect import detect_profile
from normalizer.profiles.loader import (
    load_profile,
    profile_from_dict,
    shipped_profile_names,
    shipped_profiles,
)
from normalizer.profiles.model import Profile

__all__ = [
    "Profile",
    "detect_profile",
    "load_profile",
    "profile_from_dict",
    "shipped_profile_names",
    "shipped_profiles",
]
