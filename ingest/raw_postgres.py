"""raw on the station server (CHAXIN_TARGET=postgres): the same ingest, its rows COPYed in bulk.

Files are still read by DuckDB (an in-memory connection: the readers, encodings and row numbers of
load.py, unchanged). A file's rows, selected by DuckDB as text, are written to a CSV in a scratch
folder and streamed to PostgreSQL with COPY, inside the transaction that also writes the file's
ledger row: the file is wholly in or wholly absent, whether the COPY fails on a row or the process
dies (the server rolls back a transaction whose client is gone). In both dialects an unquoted empty
field is NULL and a quoted one ("") the empty string, so NULL and '' survive the trip.
"""
from __future__ import annotations

import re
import tempfile
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Iterator

import duckdb
import psycopg

from .raw_schema import ensure_raw_schema
from .raw_target import DUCKDB_ENVIRONMENT_ERRORS

# pg_advisory_lock key of the ingest: a second ingest into the same database waits for the first
# (the server frees the lock when its session ends, however the process ended)
INGEST_LOCK = 0x63686178696E   # "chaxin"
COPY_CHUNK = 1 << 20
COPY_LINE = re.compile(r"\bline (\d+)")


class ValueRefused(ValueError):
    """A value of the file that PostgreSQL cannot store: the file is rejected, naming the row."""


class PostgresRaw:
    def __init__(self, pg: psycopg.Connection, staging: duckdb.DuckDBPyConnection, scratch: Path):
        self.pg, self.staging, self.scratch = pg, staging, scratch

    def ensure_schema(self) -> None:
        ensure_raw_schema(self.pg)

    def has_ledger(self) -> bool:
        return self.rows("select to_regclass('raw.ingested_files') is not null", [])[0][0]

    def rows(self, sql: str, params: list) -> list[tuple]:
        return self.pg.execute(_placeholders(sql), params).fetchall()

    def execute(self, sql: str, params: list) -> None:
        self.pg.execute(_placeholders(sql), params)

    def transaction(self):
        return self.pg.transaction()   # rolls back on any exception, KeyboardInterrupt included

    def write_rows(self, family: str, columns: list[str], select: str, params: list) -> int:
        rows_file = self.scratch / "rows.csv"
        literal = str(rows_file).replace("'", "''")
        self.staging.execute(f"copy ({select}) to '{literal}' (format csv, header false)", params)
        names = ", ".join(f'"{c}"' for c in columns)
        try:
            with self.pg.cursor() as cursor:
                with cursor.copy(f"copy raw.{family} ({names}) from stdin (format csv)") as copy, \
                        rows_file.open("rb") as source:
                    while chunk := source.read(COPY_CHUNK):
                        copy.write(chunk)
                return cursor.rowcount
        except psycopg.errors.DataError as e:
            raise ValueRefused(self._refusal(e, select, params, columns.index("_row_number"))) from None
        finally:
            rows_file.unlink(missing_ok=True)

    def _refusal(self, error: psycopg.errors.DataError, select: str, params: list, row_number_at: int) -> str:
        """The server's reason, and the file's row: COPY counts the records it was sent (one per row,
        in the order the select gave them), which the same select numbers again."""
        reason = error.diag.message_primary or str(error).splitlines()[0]
        line = COPY_LINE.search(error.diag.context or "")
        if not line:
            return f"PostgreSQL cannot store a value of this file: {reason}"
        found = self.staging.execute(f"select * from ({select}) offset {int(line.group(1)) - 1} limit 1",
                                     params).fetchall()
        row = f"row {found[0][row_number_at]}" if found else f"record {line.group(1)}"
        return f"{row} holds a value PostgreSQL cannot store: {reason}"

    def is_environment_error(self, error: BaseException) -> bool:
        """A value the server refuses (a NUL byte in a text, say) rejects the file; anything else of
        the server's (connection lost, disk full, a lock, a missing table) stops the run."""
        if isinstance(error, psycopg.errors.DataError):
            return False
        return isinstance(error, (psycopg.Error, *DUCKDB_ENVIRONMENT_ERRORS))


def _placeholders(sql: str) -> str:
    """load.py's ledger SQL binds with `?`; psycopg with `%s` (that SQL holds no `?` or `%` of its own)."""
    return sql.replace("?", "%s")


@contextmanager
def postgres_raw(url: str) -> Iterator[PostgresRaw]:
    """The raw target of the server at url, for one ingest: `ingest_inbox(target, inbox)`."""
    with tempfile.TemporaryDirectory(prefix="chaxin-ingest-") as scratch, \
            closing(duckdb.connect(config={"temp_directory": scratch})) as staging, \
            psycopg.connect(url, autocommit=True) as pg:
        pg.execute("select pg_advisory_lock(%s)", [INGEST_LOCK])
        yield PostgresRaw(pg, staging, Path(scratch))
