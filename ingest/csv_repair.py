"""The fallback for a CSV that DuckDB's strict reader refuses for its structure (SPEC §2: a row that
cannot be used goes to quarantine, the other rows still load).

Python's csv module reads the file record by record and writes a well-formed copy that DuckDB then
reads strictly: each record's fields cut or padded to the header's width, its row number, and
`_ingest_error` for a record that was not well formed (a ragged row, a quote that is never closed, a
row longer than DuckDB takes). An unclosed quote must not swallow the rows after it: when no later
line closes it within one row's length, its own line is quarantined and reading resumes at the next
line. Only files DuckDB refused take this path, so the fast path keeps no per-row Python.
"""
from __future__ import annotations

import csv
from collections import deque
from pathlib import Path
from typing import Iterator

# DuckDB's default max_line_size: the most a row may hold, in bytes, on either path.
MAX_ROW_BYTES = 2_000_000
csv.field_size_limit(MAX_ROW_BYTES)


def repair_csv(source: Path, target: Path, skip: int, width: int) -> None:
    """Write the records after the first `skip` of source (UTF-8) to target as width fields, then
    _row_number (1-based, as Excel numbers the rows; empty lines are not rows, as in DuckDB) and
    _ingest_error."""
    with source.open(encoding="utf-8-sig", newline="") as src, target.open("w", encoding="utf-8", newline="") as dst:
        out = csv.writer(dst, lineterminator="\n")
        row_number = skip
        for index, (fields, error) in enumerate(_records(src, width)):
            if index < skip or fields is None:
                continue
            row_number += 1
            out.writerow([*(fields + [""] * width)[:width], row_number, error or ""])


def _records(lines, width: int) -> Iterator[tuple[list[str] | None, str | None]]:
    """(fields, error) per record; fields None for an empty line. A quoted line break joins lines into
    one record when the joined text reads as one well-formed row; otherwise the quote is unclosed: its
    line alone is quarantined and reading resumes at the next line."""
    numbered = enumerate(lines, start=1)
    pushed_back: deque[tuple[int, str]] = deque()

    def next_line():
        return pushed_back.popleft() if pushed_back else next(numbered, None)

    while (first := next_line()) is not None:
        number, text = first
        if _too_long(text):   # its fields are not kept: the reason says why
            yield [], f"line {number} is {len(text.encode()):,} bytes, longer than the limit of {MAX_ROW_BYTES:,} for a row"
            continue
        if text.count('"') % 2 == 0:   # the common case: one line, one record
            yield _parse(number, text, width)
            continue
        taken, quotes, size = [first], text.count('"'), len(text)
        while quotes % 2 and size <= MAX_ROW_BYTES and (more := next_line()) is not None:
            taken.append(more)
            quotes += more[1].count('"')
            size += len(more[1])
        joined = "".join(t for _, t in taken)
        if quotes % 2 == 0 and not _too_long(joined):
            fields, error = _parse(number, joined, width)
            if error is None:
                yield fields, None
                continue
        pushed_back.extendleft(reversed(taken[1:]))
        yield _loose(text), f"line {number} opens a quote that is never closed"


def _parse(number: int, text: str, width: int) -> tuple[list[str] | None, str | None]:
    body = text.rstrip("\r\n")
    if not body:
        return None, None
    try:
        fields = next(csv.reader([body], strict=True))
    except csv.Error as e:
        return _loose(text), f"line {number}: {e}"
    if len(fields) != width:
        return fields, f"line {number} has {len(fields)} fields, the header {width}"
    return fields, None


def _loose(text: str) -> list[str]:
    """Whatever fields the line holds, read leniently (an open quote runs to the line's end)."""
    return next(csv.reader([text.rstrip("\r\n")]), [])


def _too_long(text: str) -> bool:
    return len(text) * 4 > MAX_ROW_BYTES and len(text.encode()) > MAX_ROW_BYTES
