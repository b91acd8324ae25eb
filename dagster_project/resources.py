"""The resources every asset shares: the one warehouse (paths, the one writer) and dbt."""
from __future__ import annotations

import json
import os
import sys
from contextlib import closing, contextmanager
from pathlib import Path

import duckdb
from dagster import AssetKey, ConfigurableResource, DagsterRunStatus, InitResourceContext
from dagster_dbt import DbtProject
from pydantic import PrivateAttr

from chaxin.settings import Settings, duckdb_memory_limit
from warehouse import connect
from warehouse.build_state import last_build, record_build, up_to_date
from warehouse.building import commit_copy, discard_copy, start_copy
from warehouse.dbt_project import DBT_PROJECT_DIR
from warehouse.files import dbt_target_path
from warehouse.reading import read_warehouse
from warehouse.writer import WriterLock

from .dbt_in_process import InProcessDbt
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
    drops a copy that was never committed (a failed or interrupted run).

    On the station server (target postgres) the same methods write the server instead
    (warehouse/postgres_session.py): the lock is the server's, there is no copy, and the commit
    records the build there; the assets do not know which target they write."""

    inbox: str
    warehouse: str
    bi: str
    dbt_project_dir: str = str(DBT_PROJECT_DIR)
    target: str = "duckdb"
    postgres_url: str = ""
    _run_id: str | None = PrivateAttr(default=None)
    _instance = PrivateAttr(default=None)
    _lock: WriterLock | None = PrivateAttr(default=None)
    _copy: Path | None = PrivateAttr(default=None)
    _server = PrivateAttr(default=None)     # postgres_session.ServerSession, on the station server
    _build: tuple[dict, Path] | None = PrivateAttr(default=None)   # this run's dbt vars and manifest
    _rebuilt_all: bool = PrivateAttr(default=False)

    @property
    def settings(self) -> Settings:
        """The paths as Settings, which derive the rest (quality, reports) in one place."""
        return Settings.load(self.inbox, self.warehouse, self.bi, target=self.target,
                             postgres_url=self.postgres_url or None)

    @property
    def on_server(self) -> bool:
        return self.target == "postgres"

    @property
    def server(self):
        """This run's session with the station server (on_server only)."""
        if self._server is None:
            from warehouse.postgres_session import ServerSession

            self._server = ServerSession(self.settings, self._run_id, Path(self.dbt_project_dir))
        return self._server

    def setup_for_execution(self, context: InitResourceContext) -> None:
        self._run_id, self._instance = context.run_id, context.instance

    def teardown_after_execution(self, context: InitResourceContext) -> None:
        if self._server is not None:
            self._server.close()          # frees the server's writer lock
            self._server = None
        if self._copy is not None:                     # the run failed before its commit
            discard_copy(self.settings.warehouse)
            self._copy = None
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def lock(self, context=None) -> None:
        """Become the one writer of this warehouse (waiting for a live one), and clean up after a
        dead one: its copy, its temporary files, its Dagster run left 'started'."""
        if self.on_server:
            self.server.lock(lambda message: say(message, context))
            return
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
        """This run's copy of the working file, to write (made on first use); DuckDB only."""
        assert not self.on_server, "the station server is written in place, not through a copy"
        if self._copy is None:
            self.lock(context)
            self._copy = start_copy(self.settings.warehouse)
        return self._copy

    def built(self, dbt_vars: dict, manifest: Path, rebuilt_all: bool) -> None:
        """dbt built this run's copy: the commit records it (build_state), the checks read the scope."""
        self._build, self._rebuilt_all = (dbt_vars, manifest), rebuilt_all

    def up_to_date(self, dbt_vars: dict) -> bool:
        """What this run sees was built from every load it holds, by this project with these vars."""
        if self.on_server:
            return self.server.up_to_date(dbt_vars)
        if not self.current.exists():
            return False
        try:
            with self.connection(read_only=True) as con:
                return up_to_date(con, dbt_vars, Path(self.dbt_project_dir))
        except duckdb.IOException:    # held read-write by another process: the copy says so, in one line
            return False

    def validation_scope(self) -> int | None:
        """The checks look at the loads after this one (None: at every row): what this run added,
        unless the run rebuilt every model (new --vars, a full refresh, a first build)."""
        if self._rebuilt_all:
            return None
        if self.on_server:
            last = self.server.last_build()
        else:
            with self.connection(read_only=True) as con:
                last = last_build(con)
        return last.max_load_id if last else None

    def commit(self) -> bool:
        """Make this run's writes visible together, with the record of its build; False when the
        run wrote nothing."""
        if self.on_server:
            return self.server.commit(*self._build) if self._build is not None else self.server.wrote
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

    def connection(self, read_only: bool = False):
        """The run's DuckDB file (its copy, else the working file); DuckDB only."""
        return closing(connect(self.current, read_only=read_only))

    # What the assets call, whichever the target: each method says what it gives, not where.

    def new_files(self) -> tuple[list[str], list[str]] | None:
        """(new, waiting) inbox files against the committed ledger; None when that cannot be read
        cheaply (then the ingest itself finds out)."""
        from ingest.load import new_files

        settings = self.settings
        if self.on_server:
            return self.server.new_files()
        if not settings.warehouse.exists():
            return None
        try:
            with closing(duckdb.connect(str(settings.warehouse), read_only=True)) as con:
                return new_files(con, settings.inbox, settings.settle_seconds)
        except duckdb.IOException:    # held read-write by another process: the copy says so, in one line
            return None

    @contextmanager
    def raw_target(self, context=None):
        """(what ingest_inbox writes raw through, a connection to describe raw with)."""
        if self.on_server:
            self.lock(context)
            with self.server.raw_target() as (target, con):
                yield target, con
            return
        with closing(connect(self.writable(context))) as con:
            yield con, con

    def start_build(self, context=None):
        """Before a dbt stage writes: the last build (None: none yet) and whether the warehouse must
        be rebuilt from raw whatever the caller asked (a run died mid-build on the server)."""
        if self.on_server:
            return self.server.start_build(lambda message: say(message, context))
        from ingest.raw_schema import ensure_raw_schema

        with closing(connect(self.writable(context))) as con:
            ensure_raw_schema(con)   # the sources exist even before the first file arrives
            return last_build(con), False

    def dbt_args(self, dbt_vars: dict) -> list[str]:
        """The target and --vars of this run's dbt invocations."""
        if self.on_server:
            return self.server.dbt_args(dbt_vars)
        # the run's copy and memory limit reach dbt's profile (profiles.yml) as vars of this invocation
        return ["--vars", json.dumps({**dbt_vars, "chaxin_warehouse": str(self.writable()),
                                      "chaxin_memory_limit": duckdb_memory_limit()})]

    @property
    def dbt_target_path(self) -> Path:
        """dbt's target folder, one per target: each keeps its own partial parse."""
        path = dbt_target_path(self.settings.warehouse)
        return path.with_name(path.name + "-postgres") if self.on_server else path

    @contextmanager
    def catalog(self, read_only: bool = False):
        """A connection to describe what the run built (relation_metadata, warehouse.catalog);
        read_only for the committed working file, which readers in this process may hold open."""
        if self.on_server:
            with self.server.connection() as con:
                yield con
            return
        with self.connection(read_only=read_only) as con:
            yield con

    def changed_periods(self) -> dict[str, int]:
        """The periods whose facts this run's build changed, against the working file (DuckDB: the
        run's copy beside it). On the server the run writes in place: no before to compare with."""
        if self.on_server:
            return {}
        from warehouse.period_changes import changed_periods

        with self.connection() as con:
            return changed_periods(con, self.settings.warehouse)

    def relation(self, path: list[str]) -> str:
        """schema.name of an asset key's relation in what the run is building (on the server the bi
        models are built into bi_building until the publication)."""
        return self.server.relation(path) if self.on_server else ".".join(path)

    @contextmanager
    def reading(self, relations: list[str], where: dict[str, str] | None = None):
        """A DuckDB connection that holds at least `relations` as the run sees them."""
        if self.on_server:
            with read_warehouse(self.settings, relations, where) as con:
                yield con
            return
        with self.connection(read_only=True) as con:
            yield con

    @contextmanager
    def enrichment(self, context, reads: list[str]):
        """(a DuckDB connection holding the stage-1 relations an enrichment reads, write(name, table))."""
        if self.on_server:
            with read_warehouse(self.settings, reads) as con, self.server.connection() as pg:
                yield con, lambda name, table: self.server.write_enrichment(pg, con, name, table)
            return
        from enrichment import SCHEMA
        from enrichment.tables import write_table

        with closing(connect(self.writable(context))) as con:
            yield con, lambda name, table: write_table(con, SCHEMA, name, table)

    def publish(self, context=None) -> tuple[dict[str, int], str]:
        """Publish the checked build for readers: (rows per table, where it is published)."""
        if self.on_server:
            return self.server.publish()
        from warehouse.publish import publish_bi_file

        self.lock(context)        # one publisher at a time; its temporary file is the lock's to clean
        return publish_bi_file(self.settings.warehouse, self.settings.bi), str(self.settings.bi)


def build_resources(settings: Settings, dbt_project_dir: Path = DBT_PROJECT_DIR) -> dict:
    return {
        "warehouse": WarehouseResource(inbox=str(settings.inbox), warehouse=str(settings.warehouse),
                                       bi=str(settings.bi), dbt_project_dir=str(dbt_project_dir),
                                       target=settings.target, postgres_url=settings.postgres_url or ""),
        "dbt": InProcessDbt(project_dir=str(dbt_project_dir), profiles_dir=str(dbt_project_dir)),
    }
