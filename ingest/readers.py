"""Bytes to rows: fingerprint a file, sniff a CSV's encoding, transcode GB18030, read an XLSX to Arrow.

CSV rows are read by DuckDB itself (see load.py); this module only prepares what DuckDB cannot do:
it has no GB18030 decoder offline, and no XLSX reader.
"""
from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from python_calamine import CalamineWorkbook

from .signatures import UnreadableFile

CHUNK = 1 << 22
HEAD_BYTES = 1 << 16


@dataclass(frozen=True)
class Fingerprint:
    sha256: str
    encoding: str   # utf-8-sig, utf-8, gb18030 or xlsx
    head: bytes = field(default=b"", repr=False, compare=False)   # the first HEAD_BYTES: kind and header


def fingerprint(path: Path) -> Fingerprint:
    """sha256, encoding and the first bytes in one streaming pass: a file that is not valid UTF-8 is GB18030."""
    digest = hashlib.sha256()
    utf8 = codecs.getincrementaldecoder("utf-8")()
    is_utf8, first = True, b""
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            if not first:
                first = chunk[:HEAD_BYTES]
            digest.update(chunk)
            if is_utf8:
                try:
                    utf8.decode(chunk)
                except UnicodeDecodeError:
                    is_utf8 = False
    if is_utf8:
        try:
            utf8.decode(b"", final=True)
        except UnicodeDecodeError:
            is_utf8 = False
    if first.startswith(b"PK\x03\x04"):
        encoding = "xlsx"
    elif first.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    else:
        encoding = "utf-8" if is_utf8 else "gb18030"
    return Fingerprint(digest.hexdigest(), encoding, first)


def csv_head(head: bytes, encoding: str, n_rows: int) -> list[list[str]]:
    """The first records of a CSV (from its first bytes), parsed, for header detection."""
    text = head.decode(encoding, errors="replace")
    if encoding != "utf-8-sig" and text.startswith("\ufeff"):
        text = text[1:]
    try:
        return [row for _, row in zip(range(n_rows), csv.reader(io.StringIO(text)))]
    except csv.Error as e:
        raise UnreadableFile(f"not a readable CSV ({e}): save it again as CSV UTF-8") from None


def transcode_to_utf8(path: Path, encoding: str, target: Path) -> None:
    """Stream a GB18030 file into a UTF-8 copy that DuckDB can read; the input is only read."""
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        with path.open("rb") as src, target.open("w", encoding="utf-8", newline="") as dst:
            while chunk := src.read(CHUNK):
                dst.write(decoder.decode(chunk))
            dst.write(decoder.decode(b"", final=True))
    except UnicodeDecodeError as e:
        raise UnreadableFile(f"not UTF-8 or GB18030 (byte {e.start:,} is neither): save it as CSV UTF-8") from None


def xlsx_rows(path: Path) -> list[list[object]]:
    """Every row of the first sheet from A1, so that list index + 1 is the spreadsheet row number."""
    try:
        sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    except Exception as e:  # calamine raises its own error types for every kind of broken workbook
        raise UnreadableFile(f"not a readable XLSX workbook ({' '.join(str(e).split())}): save it again as "
                             "XLSX or CSV UTF-8") from None
    return sheet.to_python(skip_empty_area=False)


def _cell_text(value: object) -> str | None:
    """A cell as the text a person sees: native dates as ISO dates, whole numbers without '.0'."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def xlsx_columns(rows: list[list[object]], first_data_row: int, positions: dict[str, int]) -> pa.Table:
    """The data rows below the header as an Arrow table of text, one column per SPEC column."""
    body = rows[first_data_row:]
    width = max(map(len, body), default=0)
    if min(map(len, body), default=width) < width:   # calamine's rows are as wide as the sheet's range
        body = [r + [""] * (width - len(r)) for r in body]
    # a 2-D array of the cells, columns as its slices: 7x faster than zip(*body), and Arrow reads an
    # object array's column faster than a tuple
    grid = np.empty((len(body), width), dtype=object)
    grid[:] = body
    arrays = {}
    for name, pos in positions.items():
        cells = grid[:, pos] if pos < width else ("",) * len(body)
        try:   # the common case, a column of text cells, converts in C
            text = pa.array(cells, pa.string())
            arrays[name] = pc.if_else(pc.equal(text, ""), None, text)
        except (pa.ArrowTypeError, pa.ArrowInvalid):   # dates, numbers: as a person sees them
            arrays[name] = pa.array([_cell_text(c) for c in cells], pa.string())
    arrays["_row_number"] = pa.array(range(first_data_row + 1, first_data_row + 1 + len(body)), pa.int64())
    return pa.table(arrays)
