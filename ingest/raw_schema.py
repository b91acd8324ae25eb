"""The raw schema: one text table per family plus the ledger of ingested files (SPEC §6)."""
from __future__ import annotations

import duckdb

from .families import FAMILIES

LINEAGE_COLUMNS = '"_file" varchar not null, "_row_number" bigint not null, "_load_id" bigint not null'

LEDGER_DDL = """
create table if not exists raw.ingested_files (
    load_id bigint primary key,
    file varchar not null,
    sha256 varchar not null,
    family varchar,
    encoding varchar,
    status varchar not null check (status in ('loaded', 'duplicate', 'rejected')),
    reason varchar,
    rows bigint not null default 0,
    blank_rows bigint not null default 0,
    header_row integer,
    unmapped_columns varchar,
    ingested_at timestamp not null
)
"""


def ensure_raw_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create what is missing; never drops or alters what a run already loaded."""
    con.execute("create schema if not exists raw")
    con.execute(LEDGER_DDL)
    for family in FAMILIES:
        columns = ", ".join(f'"{c}" varchar' for c in family.column_names)
        con.execute(f"create table if not exists raw.{family.name} ({columns}, {LINEAGE_COLUMNS})")
