"""Duplicate candidates as staff confirm them: rows in the alias seed's own format, and the sheet
of the completeness report."""
from __future__ import annotations

import csv
from pathlib import Path

import duckdb

from warehouse.files import written_atomically
from warehouse.reads import duplicate_candidates

SEED_HEADERS = ["alias_name", "canonical_name", "note"]   # dbt/seeds/organisation_aliases.csv
DUPLICATES_SHEET = "疑似重复客户"
DUPLICATE_HEADERS = ["客户名称", "另一客户名称", "委托数", "另一客户委托数", "证据类型", "名称相似度（%）", "疑似度"]


def write_alias_rows(rows: list[tuple], path: Path) -> Path:
    """(alias_name, canonical_name, note) rows as a CSV that can be appended to the alias seed once
    reviewed: UTF-8 without a BOM and the seed's header, as dbt reads it. Appears whole or not at all."""
    with written_atomically(path) as temp, temp.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(SEED_HEADERS)
        writer.writerows(row[:3] for row in rows)
    return path


def duplicate_sheet(con: duckdb.DuckDBPyConnection) -> tuple[list[str], list[tuple]]:
    """The duplicate candidates of the published BI file (kinds of evidence, no contacts)."""
    return DUPLICATE_HEADERS, duplicate_candidates(con)
