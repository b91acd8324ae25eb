"""STEPPING STONE, test-only (issues 13 and 14): copies the `enrichment` schema of a DuckDB warehouse
into PostgreSQL, so that dbt's second stage can be built there and the marts compared. On DuckDB the
Dagster enrichment assets compute it between dbt's two stages; computing it on the server is part of
wiring `chaxin run` and Dagster to CHAXIN_TARGET=postgres (issue 13), which is not done yet.

Bulk both ways: DuckDB writes each table as CSV, PostgreSQL reads it with COPY. In both dialects an
unquoted empty field is NULL and a quoted one ("") is the empty string, so NULL and '' survive.
"""
from __future__ import annotations

import tempfile
from pathlib import Path

import duckdb
import psycopg

# DuckDB's names of the types that the enrichment tables use -> PostgreSQL's
TYPES = {"VARCHAR": "text", "BIGINT": "bigint", "INTEGER": "integer", "TIMESTAMP": "timestamp",
         "DOUBLE": "double precision", "BOOLEAN": "boolean", "DATE": "date"}


def copy_enrichment(source: duckdb.DuckDBPyConnection, postgres_url: str) -> dict[str, int]:
    """Replace PostgreSQL's enrichment schema with that of the DuckDB warehouse open on source; rows
    copied per table."""
    copied = {}
    with psycopg.connect(postgres_url) as target, tempfile.TemporaryDirectory() as scratch:
        tables = [name for (name,) in source.execute(
            "select table_name from duckdb_tables() where database_name = current_database() "
            "and schema_name = 'enrichment' order by table_name").fetchall()]
        target.execute("drop schema if exists enrichment cascade")
        target.execute("create schema enrichment")
        for table in tables:
            columns = source.execute(
                "select column_name, data_type from duckdb_columns() where database_name = current_database() "
                "and schema_name = 'enrichment' and table_name = ? order by column_index", [table]).fetchall()
            target.execute(f"create table enrichment.{table} ("
                           + ", ".join(f'"{name}" {TYPES[kind]}' for name, kind in columns) + ")")
            csv_file = Path(scratch) / f"{table}.csv"
            source.execute(f"copy (select * from enrichment.{table}) to '{csv_file}' (format csv, header false)")
            with target.cursor() as cursor:
                with cursor.copy(f"copy enrichment.{table} from stdin (format csv)") as copy:
                    copy.write(csv_file.read_bytes())
                copied[table] = cursor.execute(f"select count(*) from enrichment.{table}").fetchone()[0]
    return copied
