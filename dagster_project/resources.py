"""The resources every asset shares: the one warehouse (paths, the one writer) and dbt."""
from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from pathlib import Path

from dagster import ConfigurableResource
from dagster_dbt import DbtCliResource, DbtProject

from chaxin.settings import Settings
from warehouse import connect
from warehouse.dbt_project import DBT_PROJECT_DIR

WAREHOUSE_POOL = "duckdb_warehouse"   # every asset that writes the working file; limit 1 (dagster.yaml)
VENV_BIN = Path(sys.executable).parent
# dagster-dbt's preparer runs `dbt` from PATH: a `dagster dev` started without activating the venv
# must still find the venv's own dbt.
os.environ["PATH"] = f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}"
dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
dbt_project.prepare_if_dev()


class WarehouseResource(ConfigurableResource):
    """Where the inbox, the working DuckDB file and the published BI file are."""

    inbox: str
    warehouse: str
    bi: str

    @property
    def settings(self) -> Settings:
        """The paths as Settings, which derive the rest (quality, reports) in one place."""
        return Settings(inbox=Path(self.inbox), warehouse=Path(self.warehouse), bi=Path(self.bi))

    @contextmanager
    def connection(self, read_only: bool = False):
        con = connect(self.settings.warehouse, read_only=read_only)
        try:
            yield con
        finally:
            con.close()

    @contextmanager
    def dbt_environment(self, path: Path):
        """dbt's profile reads the warehouse path from CHAXIN_WAREHOUSE (SPEC §7)."""
        previous = os.environ.get("CHAXIN_WAREHOUSE")
        os.environ["CHAXIN_WAREHOUSE"] = str(path)
        try:
            yield
        finally:
            if previous is None:
                os.environ.pop("CHAXIN_WAREHOUSE", None)
            else:
                os.environ["CHAXIN_WAREHOUSE"] = previous


def build_resources(settings: Settings, dbt_project_dir: Path = DBT_PROJECT_DIR) -> dict:
    dbt_executable = VENV_BIN / "dbt"   # the venv's own, wherever the run was started from
    return {
        "warehouse": WarehouseResource(inbox=str(settings.inbox), warehouse=str(settings.warehouse),
                                       bi=str(settings.bi)),
        "dbt": DbtCliResource(project_dir=str(dbt_project_dir), profiles_dir=str(dbt_project_dir),
                              dbt_executable=str(dbt_executable)),
    }
