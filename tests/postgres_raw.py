"""STEPPING STONE, test-only (issue 13): copies the `raw` and `enrichment` schemas of a DuckDB
warehouse into PostgreSQL, so that the same dbt project can be built on both targets and the marts compared.
The real ingest into PostgreSQL (ledger, one transaction per file, COPY) is issue 13 item 3 and
replaces this module once ingest/load.py writes to either target.

Bulk both ways: DuckDB writes each table as CSV, PostgreSQL reads it with COPY. In both dialects an
unquoted empty field is NULL and a quoted one ("") is the empty string, so NULL and '' survive.
"""
from __future__ import annotations

import tempfile
from pathlib import Path

import duckdb
import psycopg

# DuckDB's names of the types that raw (ingest/raw_schema.py) and enrichment use -> PostgreSQL's
TYPES = {"VARCHAR": "text", "BIGINT": "bigint", "INTEGER": "integer", "TIMESTAMP": "timestamp",
         "DOUBLE": "double precision"}
# what dbt reads and does not build: the raw tables ingest writes, and the enrichment tables the
# Dagster assets compute between dbt's stages (computed once, on DuckDB, and copied like raw)
SCHEMAS = ("raw", "enrichment")


def copy_raw(source: duckdb.DuckDBPyConnection, postgres_url: str) -> dict[str, int]:
    """Replace PostgreSQL's raw and enrichment schemas with those of the DuckDB warehouse open on
    source; rows copied per table."""
    copied = {}
    with psycopg.connect(postgres_url) as target, tempfile.TemporaryDirectory() as scratch:
        for schema in SCHEMAS:
            tables = [name for (name,) in source.execute(
                "select table_name from duckdb_tables() where database_name = current_database() "
                "and schema_name = ? order by table_name", [schema]).fetchall()]
            target.execute(f"drop schema if exists {schema} cascade")   # the bi views on it go too; dbt remakes them
            target.execute(f"create schema {schema}")
            for table in tables:
                columns = source.execute(
                    "select column_name, data_type from duckdb_columns() where database_name = current_database() "
                    "and schema_name = ? and table_name = ? order by column_index", [schema, table]).fetchall()
                target.execute(f"create table {schema}.{table} ("
                               + ", ".join(f'"{name}" {TYPES[kind]}' for name, kind in columns) + ")")
                csv_file = Path(scratch) / f"{schema}.{table}.csv"
                source.execute(f"copy (select * from {schema}.{table}) to '{csv_file}' (format csv, header false)")
                with target.cursor() as cursor:
                    with cursor.copy(f"copy {schema}.{table} from stdin (format csv)") as copy:
                        copy.write(csv_file.read_bytes())
                    copied[table] = cursor.execute(f"select count(*) from {schema}.{table}").fetchone()[0]
    return copied
