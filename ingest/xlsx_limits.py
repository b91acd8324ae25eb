"""Refuse an XLSX too big to read, before it is read: calamine (inside fastexcel) holds the whole first
sheet's cells in memory, and the Arrow columns after them, so a 1,000,000 x 50 sheet meant a
MemoryError, a panic or a hang. Two sizes are known from the zip without parsing the sheet: the
sheet's declared <dimension ref="A1:Y233846"/> and its XML's uncompressed size.

Measured on `chaxin demo --commissions 1000000`: its biggest sheet (20110105_委托记录_2009-2010.xlsx)
declares A1:Y233846 = 5,846,150 cells in 303,572,559 bytes of XML. Reading it through fastexcel took
4.6 s and 610 MiB at peak (through python-calamine's Python lists, as chaxin read before: 17.6 s and
910 MiB). The limits were set from python-calamine's figures, about twice that sheet: a sheet of
480,000 x 25 = 12,000,000 cells took 31 s and 1.9 GB at peak for its read alone.
"""
from __future__ import annotations

import posixpath
import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree

from .signatures import UnreadableFile

MAX_CELLS = 12_000_000
MAX_SHEET_XML_BYTES = 640 * 2**20
MAX_WORKBOOK_XML_BYTES = 2**20     # the sheet list; a bigger one is not a real workbook
DIMENSION = re.compile(rb'<dimension ref="\$?([A-Z]{1,3})\$?(\d{1,7})(?::\$?([A-Z]{1,3})\$?(\d{1,7}))?"')
MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
RELATIONSHIP_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
WHAT_TO_DO = "split it into files of fewer rows, or save it as CSV UTF-8"


def check_xlsx_size(path: Path) -> None:
    """Raise UnreadableFile, naming the size and the limit, when the first sheet is too big to read."""
    with zipfile.ZipFile(path) as z:
        sheet = z.getinfo(_first_sheet(z))
        if sheet.file_size > MAX_SHEET_XML_BYTES:
            raise UnreadableFile(f"the first sheet is {sheet.file_size / 2**20:,.0f} MiB of XML, over the limit "
                                 f"of {MAX_SHEET_XML_BYTES / 2**20:,.0f} MiB: {WHAT_TO_DO}")
        with z.open(sheet) as f:
            head = f.read(4096)   # the dimension comes before the cells
    found = DIMENSION.search(head)
    if found:
        first_col, first_row, last_col, last_row = found.groups()
        rows = int(last_row or first_row) - int(first_row) + 1
        columns = _column_number(last_col or first_col) - _column_number(first_col) + 1
        if rows * columns > MAX_CELLS:
            raise UnreadableFile(f"the first sheet declares {rows:,} rows x {columns:,} columns = "
                                 f"{rows * columns:,} cells, over the limit of {MAX_CELLS:,}: {WHAT_TO_DO}")


def _first_sheet(z: zipfile.ZipFile) -> str:
    """The part of the workbook's first sheet, as calamine takes it: the first <sheet> of workbook.xml."""
    if z.getinfo("xl/workbook.xml").file_size > MAX_WORKBOOK_XML_BYTES:
        raise UnreadableFile("xl/workbook.xml is too big for a workbook: save it as CSV UTF-8")
    sheet = ElementTree.fromstring(z.read("xl/workbook.xml")).find(f"{MAIN}sheets/{MAIN}sheet")
    if sheet is None:
        raise UnreadableFile("an XLSX workbook without a sheet")
    relations = ElementTree.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    target = next(r.get("Target") for r in relations if r.get("Id") == sheet.get(RELATIONSHIP_ID))
    return target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))


def _column_number(letters: bytes) -> int:
    """A1 notation: A = 1, Z = 26, AA = 27."""
    number = 0
    for letter in letters:
        number = number * 26 + letter - ord("A") + 1
    return number
