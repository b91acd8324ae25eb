"""Publish the PII-free bi views as their own DuckDB file, swapped into place atomically.

The file is written under a temporary name beside the target and renamed over it only when
complete: a BI tool holding the old file open keeps reading it (and never blocks the writer), and
nobody ever opens a half-written file.
"""
from __future__ import annotations

import datetime as dt
from contextlib import closing
from pathlib import Path

import duckdb

from .connection import connect
from .files import written_atomically


def published_build(bi: Path) -> str | None:
    """The run whose build this BI file holds (None: no BI file, or one published before builds
    were recorded)."""
    if not bi.exists():
        return None
    with closing(duckdb.connect(str(bi), read_only=True)) as con:
        columns = {c for (c,) in con.execute("select column_name from duckdb_columns() "
                                             "where table_name = '_published'").fetchall()}
        return con.execute("select build_run_id from _published").fetchall()[0][0] \
            if "build_run_id" in columns else None


def publish_bi_file(warehouse: Path, target: Path) -> dict[str, int]:
    """Materialise every bi view into a new file and rename it over `target`; rows per table.
    The working file is attached read-only, so an analyst reading it never blocks publication."""
    with written_atomically(target) as staging, closing(connect(staging)) as con:
        literal = str(warehouse).replace("'", "''")
        con.execute(f"attach '{literal}' as working (read_only)")
        views = [name for (name,) in con.execute("""
            select table_name from information_schema.tables
            where table_catalog = 'working' and table_schema = 'bi' order by 1""").fetchall()]
        if not views:
            raise RuntimeError(f"{warehouse} has no bi views: build the warehouse first")
        counts = {}
        for view in views:
            con.execute(f"create table main.{view} as select * from working.bi.{view}")
            counts[view] = con.execute(f"select count(*) from main.{view}").fetchall()[0][0]
        built = con.execute("""select count(*) from duckdb_tables() where database_name = 'working'
                               and schema_name = 'meta' and table_name = 'last_build'""").fetchall()[0][0]
        build_run = "(select run_id from working.meta.last_build)" if built else "null"
        con.execute(f"create table main._published as select ? as published_at, ? as source, "
                    f"{build_run} as build_run_id", [dt.datetime.now(), str(warehouse)])
        con.execute(_comment_statements(con))   # one script
        con.execute("detach working")
    return counts


# What _published says of itself; the bi tables and columns say what dbt's docs say (persist_docs).
_PUBLISHED_COMMENTS = [
    ("_published", None, "When this BI file was published and from which working file (发布信息)."),
    ("_published", "published_at", "When the file was published, local time (发布时间)."),
    ("_published", "source", "The working warehouse file the bi views were read from (来源仓库文件)."),
    ("_published", "build_run_id", "The run that built what was published (构建运行编号)."),
]


def _comment_statements(con) -> str:
    """COMMENT ON each new table and column with its bi view's comment, all read from the attached
    working file in one query: BI tools and the duckdb CLI show dbt's descriptions."""
    rows = con.execute("""
        select view_name, null, comment from duckdb_views()
        where database_name = 'working' and schema_name = 'bi' and comment is not null
        union all
        select table_name, column_name, comment from duckdb_columns()
        where database_name = 'working' and schema_name = 'bi' and comment is not null""").fetchall()
    statements = []
    for table, column, comment in [*rows, *_PUBLISHED_COMMENTS]:
        target = f'table main."{table}"' if column is None else f'column main."{table}"."{column}"'
        text = comment.replace("'", "''")
        statements.append(f"comment on {target} is '{text}';")
    return "\n".join(statements)
