"""What a built relation looks like, asked of whichever engine holds it: its columns with their types
and comments (dbt persist_docs), and the rows per schema. For the metadata Dagster shows."""
from __future__ import annotations

import duckdb


def described_columns(con, schema: str, table: str) -> list[tuple[str, str, str | None]]:
    """(column, type, comment) in order, on DuckDB or on the station server (a psycopg connection)."""
    if isinstance(con, duckdb.DuckDBPyConnection):
        return con.execute("""select column_name, data_type, comment from duckdb_columns()
                              where database_name = current_database() and schema_name = ? and table_name = ?
                              order by column_index""", [schema, table]).fetchall()
    return con.execute("""select a.attname, format_type(a.atttypid, a.atttypmod), col_description(c.oid, a.attnum)
                          from pg_attribute as a join pg_class as c on c.oid = a.attrelid
                          join pg_namespace as n on n.oid = c.relnamespace
                          where n.nspname = %s and c.relname = %s and a.attnum > 0 and not a.attisdropped
                          order by a.attnum""", [schema, table]).fetchall()


def rows_per_schema(con) -> list[tuple[str, int, int]]:
    """(schema, tables, rows): exact on DuckDB, the server's statistics there (live rows)."""
    if isinstance(con, duckdb.DuckDBPyConnection):
        return con.execute("""select schema_name, count(*), sum(estimated_size) from duckdb_tables()
                              group by all order by all""").fetchall()
    return con.execute("""select schemaname, count(*), sum(n_live_tup)::bigint from pg_stat_user_tables
                          group by 1 order by 1""").fetchall()
