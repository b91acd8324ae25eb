"""XLSX files for service staff: one sheet per table, Chinese headers, safe to open in Excel."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import xlsxwriter

from warehouse.files import written_atomically


def write_workbook(path: Path, sheets: dict[str, tuple[list[str], list[tuple]]], title: str = "") -> Path:
    """Write {sheet name: (headers, rows)}. Text that starts like a formula is written as text,
    so Excel never runs it; dates are real date cells. The file appears whole or not at all."""
    with written_atomically(path) as temp:
        _write(temp, sheets, title)
    return path


def _write(path: Path, sheets: dict[str, tuple[list[str], list[tuple]]], title: str) -> None:
    book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_numbers": False,
                                           "strings_to_urls": False})
    header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    for name, (headers, rows) in sheets.items():
        sheet = book.add_worksheet(_sheet_name(name))
        sheet.write_row(0, 0, headers, header)
        sheet.freeze_panes(1, 0)
        _print_setup(sheet, title)
        widths = [len(h) * 2 + 2 for h in headers]
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, dt.date):
                    sheet.write_datetime(r, c, dt.datetime.combine(value, dt.time()), date)
                elif isinstance(value, str):
                    sheet.write_string(r, c, value)   # never a formula, whatever it starts with
                else:
                    sheet.write(r, c, value)
                widths[c] = min(60, max(widths[c], len(str(value)) * 2))
        for c, width in enumerate(widths):
            sheet.set_column(c, c, width)
        if rows:
            sheet.autofilter(0, 0, len(rows), len(headers) - 1)
    book.close()


def _print_setup(sheet, title: str) -> None:
    """Printed as staff read it: A4 landscape, every column on one page wide, the header row
    repeated on each page, the title on top and page numbers in the footer."""
    if title:
        sheet.set_header(f"&L{title.replace('&', '&&')}")
    sheet.set_paper(9)                 # A4
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)           # one page wide, as many pages long as it takes
    sheet.repeat_rows(0)
    sheet.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.6)
    sheet.set_footer("&C第 &P 页，共 &N 页")


def _sheet_name(name: str) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\."""
    cleaned = "".join("_" if ch in "[]:*?/\\" else ch for ch in name)
    return cleaned[:31] or "sheet"
