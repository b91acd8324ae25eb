"""The raw schema: one text table per family plus the ledger of ingested files (SPEC §6).

The DDL is the same on both targets: DuckDB and PostgreSQL read `varchar`, `bigint`, `timestamp`,
`create ... if not exists` and `add column if not exists` alike.
"""
from __future__ import annotations

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

# Columns added after the first warehouses were built: `alter table ... add column if not exists`
# brings an existing warehouse up to date, nullable, without rewriting what it loaded.
LEDGER_ADDED = {
    "replaces_load_id": "bigint",   # the earlier version of the same file that this one retires
    "run_id": "varchar",            # the Dagster run that ingested the file
}
# Why ingest could not split a row into the header's fields (a ragged row, an unclosed quote): the
# row keeps what was read and staging sends it to quarantine.
FAMILY_ADDED = {"_ingest_error": "varchar"}


def ensure_raw_schema(con) -> None:
    """On a DuckDB or a psycopg connection (autocommit): create what is missing and add the newer nullable columns; never drops what a run loaded."""
    con.execute("create schema if not exists raw")
    con.execute(LEDGER_DDL)
    for column, kind in LEDGER_ADDED.items():
        con.execute(f"alter table raw.ingested_files add column if not exists {column} {kind}")
    for family in FAMILIES:
        columns = ", ".join(f'"{c}" varchar' for c in family.column_names)
        con.execute(f"create table if not exists raw.{family.name} ({columns}, {LINEAGE_COLUMNS})")
        for column, kind in FAMILY_ADDED.items():
            con.execute(f'alter table raw.{family.name} add column if not exists "{column}" {kind}')
