"""The resources every asset shares: the one warehouse (paths, the one writer) and dbt."""
from __future__ import annotations

import os
import sys
from contextlib import closing, contextmanager
from pathlib import Path

import duckdb
from dagster import AssetKey, ConfigurableResource, DagsterRunStatus, InitResourceContext
from dagster_dbt import DbtCliResource, DbtProject
from pydantic import PrivateAttr

from chaxin.settings import Settings
from warehouse import connect
from warehouse.build_state import last_build, record_build, up_to_date
from warehouse.building import commit_copy, discard_copy, start_copy
from warehouse.dbt_project import DBT_PROJECT_DIR
from warehouse.writer import WriterLock

from .progress import say

WORKING_FILE_KEY = AssetKey(["warehouse", "working_file"])   # the asset that commits a run (assets/commit.py)
VENV_BIN = Path(sys.executable).parent
# dagster-dbt's preparer runs `dbt` from PATH: a `dagster dev` started without activating the venv
# must still find the venv's own dbt.
os.environ["PATH"] = f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}"
dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
dbt_project.prepare_if_dev()


class WarehouseResource(ConfigurableResource):
    """Where the inbox, the working DuckDB file and the published BI file are, and the run's one
    writer session: the writer lock and the run's copy of the working file (warehouse/building.py).

    Every job runs its steps in one process (in_process_executor), so this resource lives for the
    whole run: the first writing step takes the lock and copies the working file, later steps
    write or read that copy, `commit` renames it into place, and teardown releases the lock and
    drops a copy that was never committed (a failed or interrupted run)."""

    inbox: str
    warehouse: str
    bi: str
    dbt_project_dir: str = str(DBT_PROJECT_DIR)
    _run_id: str | None = PrivateAttr(default=None)
    _instance = PrivateAttr(default=None)
    _lock: WriterLock | None = PrivateAttr(default=None)
    _copy: Path | None = PrivateAttr(default=None)
    _build: tuple[dict, Path] | None = PrivateAttr(default=None)   # this run's dbt vars and manifest
    _rebuilt_all: bool = PrivateAttr(default=False)

    @property
    def settings(self) -> Settings:
        """The paths as Settings, which derive the rest (quality, reports) in one place."""
        return Settings.load(self.inbox, self.warehouse, self.bi)

    def setup_for_execution(self, context: InitResourceContext) -> None:
        self._run_id, self._instance = context.run_id, context.instance

    def teardown_after_execution(self, context: InitResourceContext) -> None:
        if self._copy is not None:                     # the run failed before its commit
            discard_copy(self.settings.warehouse)
            self._copy = None
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def lock(self, context=None) -> None:
        """Become the one writer of this warehouse (waiting for a live one), and clean up after a
        dead one: its copy, its temporary files, its Dagster run left 'started'."""
        if self._lock is not None:
            return
        settings = self.settings
        lock = WriterLock(settings.warehouse, self._run_id)
        recovery = lock.acquire(lambda message: say(message, context),
                                also_clean=(settings.bi, settings.reports_dir))
        self._lock = lock
        if recovery.dead and recovery.dead.run_id and self._instance is not None:
            run = self._instance.get_run_by_id(recovery.dead.run_id)
            if run is not None and run.status in (DagsterRunStatus.STARTED, DagsterRunStatus.STARTING):
                self._instance.report_run_failed(run, "its process died; the next run cleaned up after it")
        if (message := recovery.describe()) is not None:
            say(message, context)

    def writable(self, context=None) -> Path:
        """This run's copy of the working file, to write (made on first use)."""
        if self._copy is None:
            self.lock(context)
            self._copy = start_copy(self.settings.warehouse)
        return self._copy

    def built(self, dbt_vars: dict, manifest: Path, rebuilt_all: bool) -> None:
        """dbt built this run's copy: the commit records it (build_state), the checks read the scope."""
        self._build, self._rebuilt_all = (dbt_vars, manifest), rebuilt_all

    def up_to_date(self, dbt_vars: dict) -> bool:
        """What this run sees was built from every load it holds, by this project with these vars."""
        if not self.current.exists():
            return False
        try:
            with self.connection(read_only=True) as con:
                return up_to_date(con, dbt_vars, Path(self.dbt_project_dir))
        except duckdb.IOException:    # held read-write by another process: the copy says so, in one line
            return False

    def validation_scope(self, con) -> int | None:
        """The checks look at the loads after this one (None: at every row): what this run added,
        unless the run rebuilt every model (new --vars, a full refresh, a first build)."""
        if self._rebuilt_all:
            return None
        last = last_build(con)
        return last.max_load_id if last else None

    def commit(self) -> bool:
        """Make this run's writes visible together, with the record of its build; False when the
        run wrote nothing."""
        if self._copy is None:
            return False
        if self._build is not None:
            with closing(connect(self._copy)) as con:
                record_build(con, self._run_id, *self._build, project_dir=Path(self.dbt_project_dir))
        commit_copy(self.settings.warehouse)
        self._copy = None
        return True

    def commit_unless_later(self, context, later: list[AssetKey] = ()) -> bool:
        """Commit now when this run holds neither the commit asset nor a later writing step: a
        re-run or backfill of some models from the UI keeps what it built (its dbt tests passed)
        instead of dropping it at teardown. True when it committed."""
        # the run's selection (a UI run), else the job's own assets (a subset job run in-process)
        selection = context.run.asset_selection or context.job_def.asset_layer.executable_asset_keys
        if WORKING_FILE_KEY in selection or any(key in selection for key in later):
            return False
        return self.commit()

    @property
    def current(self) -> Path:
        """What this run sees: its own copy while it has one, else the working file."""
        return self._copy or self.settings.warehouse

    @contextmanager
    def connection(self, read_only: bool = False):
        con = connect(self.current, read_only=read_only)
        try:
            yield con
        finally:
            con.close()


def build_resources(settings: Settings, dbt_project_dir: Path = DBT_PROJECT_DIR) -> dict:
    dbt_executable = VENV_BIN / "dbt"   # the venv's own, wherever the run was started from
    return {
        "warehouse": WarehouseResource(inbox=str(settings.inbox), warehouse=str(settings.warehouse),
                                       bi=str(settings.bi), dbt_project_dir=str(dbt_project_dir)),
        "dbt": DbtCliResource(project_dir=str(dbt_project_dir), profiles_dir=str(dbt_project_dir),
                              dbt_executable=str(dbt_executable)),
    }
