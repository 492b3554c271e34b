"""Which sheets of a workbook to read: all worksheets, or the one `ReadOptions.sheet` names."""

from __future__ import annotations

from collections.abc import Sequence

from normalizer.errors import UnreadableFileError


def chosen_sheets(names: Sequence[str], worksheets: Sequence[bool], wanted: str | int | None) -> list[int]:
    """Indexes of the sheets to read; `worksheets[i]` is False for chart and other non-data sheets.

    `wanted` is a sheet name (exact, else the only case-insensitive match) or a 0-based index
    among all sheets, as Excel shows their tabs.
    """
    if wanted is None:
        return [i for i, is_data in enumerate(worksheets) if is_data]
    index = _index(names, wanted)
    if not worksheets[index]:
        raise UnreadableFileError(f"sheet '{names[index]}' is a chart, not a worksheet with data")
    return [index]


def _index(names: Sequence[str], wanted: str | int) -> int:
    listing = ", ".join(f"'{name}'" for name in names)
    if isinstance(wanted, int):
        if wanted < len(names):
            return wanted
        raise UnreadableFileError(
            f"the workbook has {len(names)} sheet(s) ({listing});"
            f" there is no sheet number {wanted} (counting from 0)"
        )
    if wanted in names:
        return names.index(wanted)
    folded = [i for i, name in enumerate(names) if name.casefold() == wanted.casefold()]
    if len(folded) == 1:
        return folded[0]
    raise UnreadableFileError(f"the workbook has no sheet named '{wanted}'; its sheets are {listing}")
