"""Every table of a DuckDB file as sorted rows, for "equals an uninterrupted run" comparisons:
the columns that record when (or by which run) something happened are left out."""
from __future__ import annotations

from contextlib import closing
from pathlib import Path

from warehouse import connect

# meta.last_build's built_at and manifest (dbt's invocation id and time) too
VOLATILE_COLUMNS = {"ingested_at", "published_at", "run_id", "built_at", "manifest"}


def snapshot(path: Path) -> dict[str, list[tuple]]:
    with closing(connect(path, read_only=True)) as con:
        tables = con.execute("""select table_schema, table_name from information_schema.tables
                                where table_type = 'BASE TABLE' order by all""").fetchall()
        result = {}
        for schema, table in tables:
            columns = [c for (c,) in con.execute(
                """select column_name from information_schema.columns
                   where table_schema = ? and table_name = ? order by ordinal_position""", [schema, table]).fetchall()
                if c not in VOLATILE_COLUMNS]
            select = ", ".join(f'"{c}"' for c in columns)
            result[f"{schema}.{table}"] = con.execute(
                f'select {select} from "{schema}"."{table}" order by all').fetchall()
        return result


def leftovers(*folders: Path) -> list[str]:
    """Temporary and building files in the given folders (the lock file is not one)."""
    return sorted(p.name for folder in folders for p in folder.glob(".*")
                  if p.name.endswith(("tmp", ".building", ".wal")) or ".ahead-" in p.name)
