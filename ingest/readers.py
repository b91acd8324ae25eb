"""Bytes to rows: fingerprint a file, sniff a CSV's encoding, transcode GB18030, read an XLSX to Arrow.

CSV rows are read by DuckDB itself (see load.py); this module only prepares what DuckDB cannot do:
it has no GB18030 decoder offline, and no XLSX reader.
"""
from __future__ import annotations

import codecs
import csv
import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path

import fastexcel
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

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


def xlsx_sheet(path: Path) -> pa.RecordBatch:
    """Every cell of the first sheet as text (null when empty), rows from the sheet's first row, so that
    row index + 1 is the spreadsheet row number. fastexcel reads the sheet with calamine straight into
    Arrow, without a Python object per cell (at 233 k rows x 25 columns: 3.9 s against 8.4 s for
    python-calamine's lists and their conversion). Cells read as fastexcel writes them as text: a number
    as its shortest decimal ('1500', '0.2'), a date-time as 'YYYY-MM-DD HH:MM:SS', TRUE as 'true'."""
    try:
        return fastexcel.read_excel(str(path)).load_sheet(
            0, header_row=None, skip_rows=0, dtypes="string", eager=True)
    except Exception as e:  # fastexcel raises its own error types for every kind of broken workbook
        raise UnreadableFile(f"not a readable XLSX workbook ({' '.join(str(e).split())}): save it again as "
                             "XLSX or CSV UTF-8") from None


def xlsx_head(sheet: pa.RecordBatch, n_rows: int) -> list[list[str | None]]:
    """The sheet's first rows as lists of cells, for header detection."""
    return [list(row.values()) for row in sheet.slice(0, n_rows).to_pylist()]


# a native date cell reads as a date-time at midnight: as a person sees it, its date alone (SPEC §2.8)
DATE_AT_MIDNIGHT = r"^(\d{4}-\d{2}-\d{2}) 00:00:00$"


def xlsx_columns(sheet: pa.RecordBatch, first_data_row: int, positions: dict[str, int]) -> pa.Table:
    """The data rows below the header as an Arrow table of text, one column per SPEC column."""
    body = sheet.slice(first_data_row)
    arrays = {}
    for name, pos in positions.items():
        text = body.column(pos)
        if pc.any(pc.ends_with(text, " 00:00:00")).as_py():   # the cheap test first: most columns hold no date
            text = pc.replace_substring_regex(text, DATE_AT_MIDNIGHT, r"\1")
        if pc.min(pc.utf8_length(text)).as_py() == 0:
            text = pc.if_else(pc.equal(text, ""), None, text)
        arrays[name] = text
    arrays["_row_number"] = pa.array(np.arange(first_data_row + 1, first_data_row + 1 + body.num_rows))
    return pa.table(arrays)
