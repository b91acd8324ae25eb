"""Relations between the station server and an in-memory DuckDB, in bulk both ways (CHAXIN_TARGET=postgres).

Python code that reads the warehouse with DuckDB SQL (the enrichment computations, the Great
Expectations suites, the CLI's and reports' queries of warehouse/reads.py) runs unchanged on a
DuckDB connection that holds copies of the server's relations it needs, under the same
schema.table names. A relation travels as CSV through a scratch file: `COPY ... TO STDOUT` on the
server, `read_csv` in DuckDB (and back: DuckDB's `COPY ... TO`, the server's `COPY FROM STDIN`),
never row by row in Python. In both dialects an unquoted empty field is NULL and a quoted one ("")
the empty string, so NULL and '' survive the trip; arrays travel as JSON.
"""
from __future__ import annotations

import tempfile
from pathlib import Path

import duckdb
import psycopg
from psycopg import sql

CHUNK = 1 << 20

# information_schema's data_type (udt_name for arrays) -> DuckDB's type
TO_DUCKDB = {"text": "VARCHAR", "character varying": "VARCHAR", "character": "VARCHAR", "integer": "INTEGER",
             "bigint": "BIGINT", "smallint": "SMALLINT", "numeric": "DOUBLE", "double precision": "DOUBLE",
             "real": "FLOAT", "boolean": "BOOLEAN", "date": "DATE", "timestamp without time zone": "TIMESTAMP",
             "timestamp with time zone": "TIMESTAMPTZ", "json": "JSON", "jsonb": "JSON", "uuid": "VARCHAR"}
ARRAY_ELEMENTS = {"_text": "VARCHAR", "_varchar": "VARCHAR", "_int4": "INTEGER", "_int8": "BIGINT",
                  "_float8": "DOUBLE", "_numeric": "DOUBLE", "_date": "DATE", "_bool": "BOOLEAN"}
# DuckDB's type names (DESCRIBE) -> PostgreSQL's, for tables computed in DuckDB and stored on the server
TO_POSTGRES = {"VARCHAR": "text", "BIGINT": "bigint", "INTEGER": "integer", "SMALLINT": "smallint",
               "TINYINT": "smallint", "HUGEINT": "numeric", "DOUBLE": "double precision", "FLOAT": "real",
               "BOOLEAN": "boolean", "DATE": "date", "TIMESTAMP": "timestamp",
               "TIMESTAMP WITH TIME ZONE": "timestamptz", "JSON": "json"}


class UnsupportedType(TypeError):
    """A column type this module does not carry between the two engines; names the column."""


def columns_of(pg: psycopg.Connection, schema: str, table: str) -> list[tuple[str, str, str]]:
    """(column, data_type, udt_name) of a server relation, in order."""
    return pg.execute("""select column_name, data_type, udt_name from information_schema.columns
                         where table_schema = %s and table_name = %s order by ordinal_position""",
                      [schema, table]).fetchall()


def pull(pg: psycopg.Connection, duck: duckdb.DuckDBPyConnection, relation: str, where: str = "",
         into: str | None = None) -> int:
    """Copy the server's relation `schema.table` (the rows matching `where`, a SQL condition valid on
    both) into duck as `into` (default the same name, its schema created); the rows copied."""
    schema, table = relation.split(".")
    columns = columns_of(pg, schema, table)
    if not columns:
        raise LookupError(f"the station server has no relation {relation}")
    selects, casts = [], []
    for name, data_type, udt in columns:
        ident = sql.Identifier(name)
        if data_type == "ARRAY":
            if udt not in ARRAY_ELEMENTS:
                raise UnsupportedType(f"{relation}.{name} is {udt}")
            selects.append(sql.SQL("to_json({})::text as {}").format(ident, ident))
            casts.append(f'cast("{name}"::json as {ARRAY_ELEMENTS[udt]}[]) as "{name}"')
        elif data_type in TO_DUCKDB:
            selects.append(ident)
            casts.append(f'cast("{name}" as {TO_DUCKDB[data_type]}) as "{name}"')
        else:
            raise UnsupportedType(f"{relation}.{name} is {data_type}")
    query = sql.SQL("copy (select {} from {} {}) to stdout (format csv)").format(
        sql.SQL(", ").join(selects), sql.Identifier(schema, table), sql.SQL(f"where {where}" if where else ""))
    into = into or relation
    with tempfile.TemporaryDirectory(prefix="chaxin-pull-") as scratch:
        path = Path(scratch) / "rows.csv"
        with path.open("wb") as out, pg.cursor() as cursor, cursor.copy(query) as copy:
            for chunk in copy:
                out.write(chunk)
        names = ", ".join(f"'{name}': 'VARCHAR'" for name, _, _ in columns)
        if "." in into:
            duck.execute(f"create schema if not exists {into.split('.')[0]}")
        duck.execute(f"""create or replace table {into} as select {', '.join(casts)}
                         from read_csv('{path}', header = false, columns = {{{names}}}, quote = '"', escape = '"',
                                       allow_quoted_nulls = false, new_line = '\\n', auto_detect = false)""")
    return duck.execute(f"select count(*) from {into}").fetchall()[0][0]


def snapshot(url: str, relations: list[str], where: dict[str, str] | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB holding copies of the server's relations under the same names."""
    duck = duckdb.connect()
    try:
        with psycopg.connect(url) as pg:
            for relation in relations:
                pull(pg, duck, relation, (where or {}).get(relation, ""))
    except BaseException:
        duck.close()
        raise
    return duck


def push(pg: psycopg.Connection, duck: duckdb.DuckDBPyConnection, query: str, schema: str, table: str) -> int:
    """Create or replace the server's schema.table with the rows of a DuckDB query, in one transaction
    (a reader sees the old table or the new one); the rows written."""
    described = duck.execute(f"describe {query}").fetchall()
    columns = []
    for name, kind, *_ in described:
        pg_type = TO_POSTGRES.get(kind) or (f"numeric{kind[7:]}" if kind.startswith("DECIMAL") else None)
        if pg_type is None:
            raise UnsupportedType(f"{schema}.{table}.{name} is {kind}")
        columns.append(sql.SQL("{} {}").format(sql.Identifier(name), sql.SQL(pg_type)))
    target = sql.Identifier(schema, table)
    with tempfile.TemporaryDirectory(prefix="chaxin-push-") as scratch:
        path = Path(scratch) / "rows.csv"
        duck.execute(f"copy ({query}) to '{path}' (format csv, header false)")
        with pg.transaction():
            pg.execute(sql.SQL("create schema if not exists {}").format(sql.Identifier(schema)))
            pg.execute(sql.SQL("drop table if exists {}").format(target))
            pg.execute(sql.SQL("create table {} ({})").format(target, sql.SQL(", ").join(columns)))
            with pg.cursor() as cursor:
                with cursor.copy(sql.SQL("copy {} from stdin (format csv)").format(target)) as copy, \
                        path.open("rb") as source:
                    while chunk := source.read(CHUNK):
                        copy.write(chunk)
                written = cursor.rowcount
            # the models that read it are planned from statistics (dbt/macros/dialect.sql refresh_statistics)
            pg.execute(sql.SQL("analyze {}").format(target))
        return written
