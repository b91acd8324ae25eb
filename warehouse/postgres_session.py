"""One run's session with the station server (CHAXIN_TARGET=postgres): what the Dagster resource
(dagster_project/resources.py) does on the server where on DuckDB it writes its copy of the file.

The run holds the server's writer lock (postgres_state.ServerWriterLock) from its first write to its
end. Ingest commits per file (ingest/raw_postgres.py); before dbt's first stage the run drops what a
failed run left in bi_building and marks its build started; dbt commits model by model; enrichment
tables replace theirs one transaction each; the commit (after every blocking check) records the
build, and the publication swaps bi_building in as bi (postgres_publish.py).
"""
from __future__ import annotations

import json
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Callable

import pyarrow as pa

from chaxin.settings import Settings

from . import postgres_state as state
from .build_state import LastBuild
from .postgres_publish import BUILDING, publish_bi_schema, reset_building_schema


PASSWORD_VARIABLE = "DBT_ENV_SECRET_CHAXIN_POSTGRES_PASSWORD"   # read by dbt/profiles.yml


class ServerSession:
    def __init__(self, settings: Settings, run_id: str | None, project_dir: Path):
        self.settings, self.url, self.run_id, self.project_dir = settings, settings.postgres_url, run_id, project_dir
        self._lock: state.ServerWriterLock | None = None
        self._started: tuple[LastBuild | None, bool] | None = None   # what the first dbt stage decided
        self.wrote = False                                             # ingest or a model wrote the server

    @contextmanager
    def connection(self):
        with state.server(self.url) as con:
            yield con

    def lock(self, on_wait: Callable[[str], None]) -> None:
        if self._lock is None:
            lock = state.ServerWriterLock(self.url)
            with self.connection():   # unreachable: one line before anything else
                pass
            lock.acquire(on_wait)
            self._lock = lock

    def close(self) -> None:
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def last_build(self) -> LastBuild | None:
        with self.connection() as con:
            return state.last_build(con)

    def up_to_date(self, dbt_vars: dict) -> bool:
        if self._started is not None:    # this run's own stage 2: decided by its stage 1
            return False
        with self.connection() as con:
            return state.up_to_date(con, dbt_vars, self.project_dir)

    def new_files(self) -> tuple[list[str], list[str]]:
        from ingest.load import new_files
        from ingest.raw_postgres import PostgresRaw

        with self.connection() as con:
            return new_files(PostgresRaw(con, None, None), self.settings.inbox, self.settings.settle_seconds)

    @contextmanager
    def raw_target(self):
        from ingest.raw_postgres import postgres_raw

        with postgres_raw(self.url) as target:
            yield target, target.pg
        self.wrote = True

    def start_build(self, say: Callable[[str], None]) -> tuple[LastBuild | None, bool]:
        """(the last build, rebuild from raw?): decided once per run, by its first dbt stage."""
        if self._started is not None:
            return self._started
        from ingest.raw_schema import ensure_raw_schema

        with self.connection() as con:
            ensure_raw_schema(con)   # the sources exist even before the first file arrives
            last, unfinished = state.last_build(con), state.unfinished_build(con)
            if unfinished:
                say(f"recovering: run {unfinished[0][:8]} (started {unfinished[1]:%Y-%m-%d %H:%M}) did not "
                    "finish its build on the station server: rebuilding every model from raw")
            reset_building_schema(self.url)          # only this run's bi tables are published
            state.mark_build_started(con, self.run_id)
        self.wrote = True
        self._started = (last, unfinished is not None)
        return self._started

    def dbt_args(self, dbt_vars: dict) -> list[str]:
        """--target postgres and the URL's parts as --vars, but not its password: dagster-dbt logs the
        command line. dbt/profiles.yml reads it from a DBT_ENV_SECRET_ variable (dbt scrubs those from
        its logs), set for the dbt processes this run starts."""
        connection = self.settings.dbt_connection_vars()
        password = connection["postgres"].pop("password")
        connection["postgres"]["password"] = ""
        os.environ[PASSWORD_VARIABLE] = password
        return ["--target", self.settings.dbt_target, "--vars", json.dumps({**dbt_vars, **connection})]

    def relation(self, path: list[str]) -> str:
        schema, name = path
        return f"{BUILDING}.{name}" if schema == "bi" else f"{schema}.{name}"

    def write_enrichment(self, pg, duck, name: str, table: pa.Table) -> int:
        from enrichment import SCHEMA

        from .postgres_copy import push

        view = f"_chaxin_{SCHEMA}_{name}"
        duck.register(view, table)
        try:
            return push(pg, duck, f"select * from {view}", SCHEMA, name)
        finally:
            duck.unregister(view)

    def commit(self, dbt_vars: dict, manifest: Path) -> bool:
        with self.connection() as con:
            state.record_build(con, self.run_id, dbt_vars, manifest, self.project_dir)
        return True

    def publish(self) -> tuple[dict[str, int], str]:
        from psycopg import sql

        with self.connection() as con:
            last = state.last_build(con)
            state.stamp_building(con, last.run_id if last else None, self._where())
        publication = publish_bi_schema(self.url)
        with self.connection() as con:
            counts = {t: con.execute(sql.SQL("select count(*) from {}").format(sql.Identifier("bi", t))).fetchall()[0][0]
                      for t in publication.tables if t != state.PUBLISHED_TABLE}
        return counts, f"schema bi on {self._where()}"

    def _where(self) -> str:
        """The server without credentials: host (or socket folder) and database."""
        parts = self.settings.dbt_connection_vars()["postgres"]
        return f"{parts['host']}/{parts['dbname']}"
