"""Where the dbt project is, dbt in this process, and the project's offline documentation site."""
from __future__ import annotations

import os
import subprocess
import sys
import threading
from functools import cache
from pathlib import Path

import yaml

DBT_PROJECT_DIR = Path(__file__).resolve().parents[1] / "dbt"
# dbt keeps its flags, event callbacks and adapters in globals: one invocation at a time per process
# (a run's parse may be going on in a background thread, dbt_in_process.py)
_ONE_AT_A_TIME = threading.Lock()


@cache
def dbt_vars() -> dict:
    """The vars of dbt_project.yml, for Python that must agree with the models (partitions, suites)."""
    return yaml.safe_load((DBT_PROJECT_DIR / "dbt_project.yml").read_text(encoding="utf-8"))["vars"]


def invoke_dbt(args: list[str], manifest=None, callbacks=()):
    """dbt's programmatic entry point (dbtRunner) in this process, leaving it as it was: Python's
    logging handlers (dbt adds its own, which would print the caller's logs) and no database held open
    (dbt-duckdb keeps its DuckDB connection in a class attribute after an invocation, which would keep
    the file open under a later rename and clash with this process's own connections to it). An
    interrupt (Ctrl-C, a terminated Dagster run) that dbt returns as a result is raised again."""
    import logging

    from dbt.cli.main import dbtRunner   # dbt's import costs seconds: only where dbt runs

    with _ONE_AT_A_TIME:
        handlers, argv = logging.root.handlers[:], sys.argv
        # dbt records sys.argv as the invocation's command (run_results.json, its log): the dbt command,
        # not the caller's, whose flags may hold a server's password (chaxin run --postgres-url)
        sys.argv = ["dbt", *args]
        try:
            result = dbtRunner(manifest=manifest, callbacks=list(callbacks)).invoke(args)
        finally:
            logging.root.handlers[:], sys.argv = handlers, argv
            if (duckdb_adapter := sys.modules.get("dbt.adapters.duckdb.connections")) is not None:
                manager = duckdb_adapter.DuckDBConnectionManager
                environment, manager._ENV = manager._ENV, None
                if environment is not None:
                    environment.close()
    if result.exception is not None and not isinstance(result.exception, Exception):
        raise result.exception
    return result


def run_dbt(warehouse: Path, *args: str) -> None:
    """The venv's dbt against this warehouse, in its own process (`dbt docs generate`)."""
    dbt = Path(sys.executable).with_name("dbt")
    subprocess.run([str(dbt), *args, "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR),
                    "--quiet"], check=True, env={**os.environ, "CHAXIN_WAREHOUSE": str(warehouse)})


def generate_docs(warehouse: Path) -> Path:
    """`dbt docs generate` against this warehouse: a static site in dbt/target, no network."""
    run_dbt(warehouse, "docs", "generate")
    return DBT_PROJECT_DIR / "target" / "index.html"
