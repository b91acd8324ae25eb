"""Where ingest stores raw: the small interface load.py writes through, and its DuckDB implementation.

load.py holds the rules (what is new, replaced or a duplicate; what a file's rows are); a target only
stores them: the ledger's reads and rows, a file's rows in bulk, one transaction per file. Whatever
the target, files are read by DuckDB into the temp table `_incoming` of `staging`, and a file's rows
are a DuckDB query over it. The PostgreSQL target is ingest/raw_postgres.py.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import ContextManager, Iterator, Protocol

import duckdb

# Failures of the machine, not of a user's file: they stop the run instead of rejecting a file.
DUCKDB_ENVIRONMENT_ERRORS = (duckdb.IOException, duckdb.ConnectionException, duckdb.FatalException,
                             duckdb.InternalException, duckdb.TransactionException)


class RawTarget(Protocol):
    staging: duckdb.DuckDBPyConnection   # where files are read and their rows selected

    def ensure_schema(self) -> None: ...
    def has_ledger(self) -> bool: ...
    def rows(self, sql: str, params: list) -> list[tuple]: ...        # `?` placeholders
    def execute(self, sql: str, params: list) -> None: ...
    def transaction(self) -> ContextManager[None]: ...
    def write_rows(self, family: str, columns: list[str], select: str, params: list) -> int: ...
    def is_environment_error(self, error: BaseException) -> bool: ...


class DuckDBRaw:
    """raw in the DuckDB warehouse itself: staging and storing are one connection."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.staging = con

    def ensure_schema(self) -> None:
        from .raw_schema import ensure_raw_schema

        ensure_raw_schema(self.staging)

    def has_ledger(self) -> bool:
        return self.rows("""select count(*) from duckdb_tables()
                            where schema_name = 'raw' and table_name = 'ingested_files'""", [])[0][0] > 0

    def rows(self, sql: str, params: list) -> list[tuple]:
        return self.staging.execute(sql, params).fetchall()   # fetchall: DuckDB 2 keeps a half-read result busy

    def execute(self, sql: str, params: list) -> None:
        self.staging.execute(sql, params)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        self.staging.begin()
        try:
            yield
            self.staging.commit()
        except BaseException:
            self.staging.rollback()   # failed or interrupted: the next run loads the file again
            raise

    def write_rows(self, family: str, columns: list[str], select: str, params: list) -> int:
        names = ", ".join(f'"{c}"' for c in columns)
        return self.rows(f"insert into raw.{family} ({names}) {select}", params)[0][0]

    def is_environment_error(self, error: BaseException) -> bool:
        return isinstance(error, DUCKDB_ENVIRONMENT_ERRORS)


def as_target(con_or_target) -> RawTarget:
    """A DuckDB connection means raw in that warehouse (what every caller passed before targets)."""
    return DuckDBRaw(con_or_target) if isinstance(con_or_target, duckdb.DuckDBPyConnection) else con_or_target
