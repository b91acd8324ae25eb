"""Where the dbt project is, and its offline documentation site."""
from __future__ import annotations

import os
import subprocess
import sys
from functools import cache
from pathlib import Path

import yaml

DBT_PROJECT_DIR = Path(__file__).resolve().parents[1] / "dbt"


@cache
def dbt_vars() -> dict:
    """The vars of dbt_project.yml, for Python that must agree with the models (partitions, suites)."""
    return yaml.safe_load((DBT_PROJECT_DIR / "dbt_project.yml").read_text(encoding="utf-8"))["vars"]


def run_dbt(warehouse: Path, *args: str) -> None:
    """The venv's dbt against this warehouse, in its own process (as dagster-dbt runs it)."""
    dbt = Path(sys.executable).with_name("dbt")
    subprocess.run([str(dbt), *args, "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR),
                    "--quiet"], check=True, env={**os.environ, "CHAXIN_WAREHOUSE": str(warehouse)})


def generate_docs(warehouse: Path) -> Path:
    """`dbt docs generate` against this warehouse: a static site in dbt/target, no network."""
    run_dbt(warehouse, "docs", "generate")
    return DBT_PROJECT_DIR / "target" / "index.html"
