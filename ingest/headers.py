"""Find a file's header row and its family (SPEC §2): never from the file name, always from the headers."""
from __future__ import annotations

from dataclasses import dataclass

from .families import FAMILIES, Family, normalise_header

HEADER_SEARCH_ROWS = 10


class FamilyNotRecognised(ValueError):
    """The file matches no family, or more than one; the message says what was expected."""


@dataclass(frozen=True)
class HeaderMatch:
    family: Family
    row_index: int                  # 0-based index of the header row among the file's rows
    positions: dict[str, int]       # SPEC column name -> position in the row
    unmapped: list[str]             # header cells that name no column of the family


def match_row(cells: list[object], family: Family, row_index: int) -> HeaderMatch | None:
    """The row's mapping onto the family, or None when a required header is missing."""
    normalised = [normalise_header(c) if c is not None else "" for c in cells]
    positions: dict[str, int] = {}
    for column in family.columns:
        accepted = column.accepted()
        hit = next((i for i, h in enumerate(normalised) if h in accepted), None)
        if hit is not None:
            positions[column.name] = hit
    if any(c.name not in positions for c in family.required):
        return None
    used = set(positions.values())
    unmapped = [str(cells[i]) for i, h in enumerate(normalised) if h and i not in used]
    return HeaderMatch(family, row_index, positions, unmapped)


def detect(rows: list[list[object]]) -> HeaderMatch:
    """The first of the first rows that holds one family's required headers."""
    for index, cells in enumerate(rows[:HEADER_SEARCH_ROWS]):
        matches = [m for f in FAMILIES if (m := match_row(cells, f, index)) is not None]
        if len(matches) > 1:
            names = " and ".join(m.family.name for m in matches)
            raise FamilyNotRecognised(f"header row {index + 1} matches more than one family ({names})")
        if matches:
            return matches[0]
    expected = "; ".join(f.describe_required() for f in FAMILIES)
    raise FamilyNotRecognised(
        f"no header row in the first {HEADER_SEARCH_ROWS} rows matches a family; expected the "
        f"required headers of one of: {expected}"
    )
