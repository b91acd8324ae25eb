"""Run the dbt project against the warehouse file, in-process, and read back what it built."""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from .connection import connect
from ingest.raw_schema import ensure_raw_schema

DBT_PROJECT_DIR = Path(__file__).resolve().parents[1] / "dbt"


@dataclass
class BuildOutcome:
    ok: bool
    counts: dict[str, int] = field(default_factory=dict)   # dbt status -> nodes
    failures: list[str] = field(default_factory=list)

    @property
    def summary(self) -> str:
        return ", ".join(f"{n} {status}" for status, n in sorted(self.counts.items())) or "nothing ran"


def build(warehouse: Path, select: str | None = None, dbt_vars: dict | None = None) -> BuildOutcome:
    """`dbt build` (seeds, models, data and unit tests) against this warehouse file; dbt_vars
    override the SPEC §5 weights and thresholds of dbt_project.yml for this build."""
    args = ["build"]
    if select:
        args += ["--select", select]
    if dbt_vars:
        args += ["--vars", json.dumps(dbt_vars)]
    return _invoke(warehouse, args)


def generate_docs(warehouse: Path) -> BuildOutcome:
    """`dbt docs generate`: the static catalog site in dbt/target, built offline."""
    return _invoke(warehouse, ["docs", "generate"])


def _invoke(warehouse: Path, args: list[str]) -> BuildOutcome:
    from dbt.cli.main import dbtRunner

    con = connect(warehouse)
    try:
        ensure_raw_schema(con)   # sources must exist even before the first file arrives
    finally:
        con.close()
    args = [*args, "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR), "--quiet"]
    previous = os.environ.get("CHAXIN_WAREHOUSE")
    os.environ["CHAXIN_WAREHOUSE"] = str(warehouse)
    try:
        result = dbtRunner().invoke(args)
    finally:
        if previous is None:
            os.environ.pop("CHAXIN_WAREHOUSE")
        else:
            os.environ["CHAXIN_WAREHOUSE"] = previous
    if result.exception is not None:
        return BuildOutcome(False, failures=[str(result.exception)])
    counts: dict[str, int] = {}
    failures = []
    for node in getattr(result.result, "results", []):
        status = str(node.status)
        counts[status] = counts.get(status, 0) + 1
        if status in ("error", "fail"):
            failures.append(f"{node.node.unique_id}: {node.message}")
    return BuildOutcome(result.success, counts, failures)


def quarantine_counts(con: duckdb.DuckDBPyConnection) -> list[tuple] | None:
    """Rejected rows and nulled values per family and file; None before the first build."""
    built = con.execute("""select count(*) from information_schema.tables
                           where table_schema = 'quarantine'""").fetchall()[0][0]
    if built < 2:
        return None
    return con.execute("""
        with rejected as (select family, file, count(*) as n from quarantine.rejected_rows group by all),
        flagged as (select family, file, count(*) as n from quarantine.value_flags group by all)
        select family, file, coalesce(rejected.n, 0), coalesce(flagged.n, 0)
        from rejected full join flagged using (family, file)
        order by family, file
    """).fetchall()
