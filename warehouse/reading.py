"""Where a reader of the warehouse gets its DuckDB connection, whichever target holds the warehouse.

The queries of warehouse/reads.py, the reports and the quality suites are DuckDB SQL. On DuckDB they
read the working file and the published BI file themselves. On the station server they read copies
of the server's relations (postgres_copy.snapshot), taken from the published `bi` schema, which is
swapped in whole (postgres_publish.py), so a reader never sees half a build; and from the working
schemas (raw's ledger, quarantine, the marts) for the CLI's run summaries. One place decides.
"""
from __future__ import annotations

import tempfile
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Iterator

import duckdb

from chaxin.settings import Settings

from .connection import connect
from .errors import NothingPublished


@contextmanager
def read_warehouse(settings: Settings, relations: list[str], where: dict[str, str] | None = None,
                   path: Path | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only view of the working warehouse holding at least `relations` (schema.name): on
    DuckDB the file at path (default CHAXIN_WAREHOUSE), on the server copies (only rows matching
    where[relation], a condition valid on both engines)."""
    if settings.target == "postgres":
        from .postgres_copy import snapshot
        from .postgres_state import server

        with server(settings.postgres_url) as pg:   # unreachable: one line (ServerUnreachable)
            present = [r for r in relations if pg.execute("select to_regclass(%s) is not null", [r]).fetchall()[0][0]]
        with closing(snapshot(settings.postgres_url, present, where)) as con:
            yield con
        return
    with closing(connect(path or settings.warehouse, read_only=True)) as con:
        yield con


@contextmanager
def read_published(settings: Settings, tables: list[str] | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """The published PII-free data as the BI file holds it (tables bi_* in main): on DuckDB the BI file,
    on the server copies of the `bi` schema's tables (all, or those named)."""
    if settings.target != "postgres":
        if not settings.bi.exists():
            raise NothingPublished(f"nothing published yet at {settings.bi}: run `chaxin run` first")
        with closing(connect(settings.bi, read_only=True)) as con:
            yield con
        return
    from .postgres_copy import pull
    from .postgres_publish import PUBLISHED
    from .postgres_state import server

    with server(settings.postgres_url) as pg:
        published = [t for (t,) in pg.execute("select tablename from pg_tables where schemaname = %s order by 1",
                                              [PUBLISHED]).fetchall()]
        if not published:
            raise NothingPublished("nothing published yet on the station server (schema bi): run `chaxin run` first")
        # READ COMMITTED, a snapshot per table (postgres_publish.py: a REPEATABLE READ transaction
        # held across a publication would find the new tables empty); each table is whole
        with closing(duckdb.connect()) as con:
            for table in published if tables is None else [t for t in tables if t in published]:
                pull(pg, con, f"{PUBLISHED}.{table}", into=table)
            yield con


@contextmanager
def published_file(settings: Settings) -> Iterator[Path]:
    """A DuckDB file of the published data, for code that opens the BI file by path (the period
    report): CHAXIN_BI itself, or on the server a temporary file holding a copy of `bi`."""
    if settings.target != "postgres":
        if not settings.bi.exists():
            raise NothingPublished(f"nothing published yet at {settings.bi}: run `chaxin run` first")
        yield settings.bi
        return
    with tempfile.TemporaryDirectory(prefix="chaxin-bi-") as scratch:
        path = Path(scratch) / "bi.duckdb"
        with read_published(settings) as con:
            con.execute(f"attach '{path}' as bi_file")
            for (table,) in con.execute("select table_name from duckdb_tables() where database_name = "
                                        "current_database() and schema_name = 'main'").fetchall():
                con.execute(f"create table bi_file.main.{table} as select * from main.{table}")
            con.execute("detach bi_file")
        yield path
