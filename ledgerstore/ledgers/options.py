"""How an upload is to be normalized, stored with it so a reprocess years later does the same.

`accept_issues` is stored too: an upload whose rows could not all become records is rejected
unless it was accepted (`ledgerstore.lifecycle.process`); a queued job and a retry see the same.

A profile given by path is stored by content (the file may be gone or edited later); a shipped
profile is stored by name (its changes ship with a new normalizer version, which `drift` shows).
"""

from __future__ import annotations

import json
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from normalizer import Profile, ProfileError, load_profile
from normalizer.profiles.loader import profile_from_dict


@dataclass(frozen=True, slots=True, kw_only=True)
class NormalizeOptions:
    """Profile (name or content), encoding and sheet overrides for one upload; issue policy."""

    profile_name: str | None = None
    profile_data: Mapping[str, Any] | None = None
    encoding: str | None = None
    sheet: str | int | None = None
    accept_issues: bool = False

    @classmethod
    def build(
        cls,
        *,
        profile: str | os.PathLike[str] | None = None,
        encoding: str | None = None,
        sheet: str | int | None = None,
        accept_issues: bool = False,
    ) -> NormalizeOptions:
        """Options from what a user passed; a profile file is read (and validated) now."""
        if profile is None:
            return cls(encoding=encoding, sheet=sheet, accept_issues=accept_issues)
        path = Path(profile)
        if path.suffix in (".toml", ".json") or path.exists():
            data = _read_profile_file(path)
            profile_from_dict(data, name=path.stem)  # validate now, not at processing time
            return cls(
                profile_name=path.stem,
                profile_data=data,
                encoding=encoding,
                sheet=sheet,
                accept_issues=accept_issues,
            )
        load_profile(str(profile))  # a shipped profile: fail now if the name is unknown
        return cls(profile_name=str(profile), encoding=encoding, sheet=sheet, accept_issues=accept_issues)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> NormalizeOptions:
        return cls(
            profile_name=data.get("profile_name"),
            profile_data=data.get("profile_data"),
            encoding=data.get("encoding"),
            sheet=data.get("sheet"),
            accept_issues=bool(data.get("accept_issues", False)),
        )

    def to_json(self) -> dict[str, Any]:
        """As stored on the row; defaults left out (so rows from before a field existed compare equal)."""
        out: dict[str, Any] = {
            "profile_name": self.profile_name,
            "profile_data": dict(self.profile_data) if self.profile_data is not None else None,
            "encoding": self.encoding,
            "sheet": self.sheet,
            "accept_issues": True if self.accept_issues else None,
        }
        return {key: value for key, value in out.items() if value is not None}

    def normalizes_like(self, other: NormalizeOptions) -> bool:
        """True when both normalize the same bytes the same way (the issue policy aside)."""
        return replace(self, accept_issues=False).to_json() == replace(other, accept_issues=False).to_json()

    def corrected(self, changes: NormalizeOptions) -> NormalizeOptions:
        """These options with every field `changes` sets replaced (a profile replaces a profile)."""
        has_profile = changes.profile_name is not None
        return NormalizeOptions(
            profile_name=changes.profile_name if has_profile else self.profile_name,
            profile_data=changes.profile_data if has_profile else self.profile_data,
            encoding=changes.encoding if changes.encoding is not None else self.encoding,
            sheet=changes.sheet if changes.sheet is not None else self.sheet,
            accept_issues=changes.accept_issues,
        )

    def profile(self) -> Profile | None:
        """The profile to normalize with, if one was chosen."""
        if self.profile_data is not None:
            return profile_from_dict(self.profile_data, name=self.profile_name or "stored")
        if self.profile_name is not None:
            return load_profile(self.profile_name)
        return None


def _read_profile_file(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ProfileError(f"profile file {path} cannot be read: {exc.strerror}") from exc
    try:
        data = json.loads(text) if path.suffix == ".json" else tomllib.loads(text)
    except ValueError as exc:  # TOMLDecodeError and JSONDecodeError are ValueErrors
        raise ProfileError(f"profile file {path} cannot be parsed: {exc}") from exc
    if not isinstance(data, dict):
        raise ProfileError(f"profile file {path} must hold a table of settings")
    return data
