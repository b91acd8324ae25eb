"""Publish the PII-free bi views as their own DuckDB file, swapped into place atomically.

The file is written under a temporary name beside the target and renamed over it only when
complete: a BI tool holding the old file open keeps reading it (and never blocks the writer), and
nobody ever opens a half-written file.
"""
from __future__ import annotations

import datetime as dt
from contextlib import closing
from pathlib import Path

from .connection import connect
from .files import written_atomically


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
        con.execute("create table main._published as select ? as published_at, ? as source",
                    [dt.datetime.now(), str(warehouse)])
        con.execute("detach working")
    return counts
