"""What the station server was last built from, and what a run must do against it (CHAXIN_TARGET=postgres):
the counterpart of build_state.py, whose rules and record it shares.

On the server there is no copy to rename: raw commits per file (ingest/raw_postgres.py), each dbt model
commits on its own, and readers read only `bi`, swapped in after the checks (postgres_publish.py). So
a run says on the server that it started rebuilding (`meta.build_started`) and its commit replaces
that mark with the record of the build (`meta.last_build`), in one transaction. A mark left behind
names a run that died or failed between the two: the next run rebuilds every model from raw (full
refresh) before it records anything, so whatever that run left half-done is redone, unattended.
"""
from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from pathlib import Path

import psycopg
from psycopg import sql

from chaxin.settings import Settings
from ingest.load import new_files
from ingest.raw_postgres import PostgresRaw

from .build_state import LastBuild, Plan, canonical_vars, project_fingerprint
from .dbt_project import DBT_PROJECT_DIR
from .errors import ServerUnreachable
from .postgres_publish import BUILDING, PUBLISHED

# pg_advisory_lock key of the writer: one run at a time per database, freed by the server however
# the run's process ended (ingest has a key of its own, raw_postgres.INGEST_LOCK)
WRITER_LOCK = 0x63686178696E01
PUBLISHED_TABLE = "_published"


@contextmanager
def server(url: str, autocommit: bool = True):
    """A connection to the station server; unreachable is one line (ServerUnreachable), not a traceback."""
    try:
        con = psycopg.connect(url, autocommit=autocommit, connect_timeout=10)
    except psycopg.OperationalError as e:
        reason = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise ServerUnreachable(f"cannot reach the station server (CHAXIN_POSTGRES_URL): {reason}") from None
    with con:
        yield con


def _exists(con, relation: str) -> bool:
    return con.execute("select to_regclass(%s) is not null", [relation]).fetchall()[0][0]


def last_build(con) -> LastBuild | None:
    if not _exists(con, "meta.last_build"):
        return None
    found = con.execute("select run_id, built_at, max_load_id, project_sha, dbt_vars, manifest "
                        "from meta.last_build").fetchall()
    return LastBuild(*found[0]) if found else None


def unfinished_build(con) -> tuple[str, dt.datetime] | None:
    """(run_id, started_at) of a run that started rebuilding models and neither recorded its build
    nor is running now (the caller holds the writer lock or has checked it is free)."""
    if not _exists(con, "meta.build_started"):
        return None
    found = con.execute("select run_id, started_at from meta.build_started").fetchall()
    return found[0] if found else None


def mark_build_started(con, run_id: str) -> None:
    """Before the first model is rewritten: a run that dies from here on leaves this mark."""
    with con.transaction():
        con.execute("create schema if not exists meta")
        con.execute("create table if not exists meta.build_started (run_id text, started_at timestamp)")
        con.execute("delete from meta.build_started")
        con.execute("insert into meta.build_started values (%s, %s)", [run_id, dt.datetime.now()])


def record_build(con, run_id: str, dbt_vars: dict | None, manifest: Path,
                 project_dir: Path = DBT_PROJECT_DIR) -> None:
    """The commit of a run on the server: its build record replaces the started mark, together."""
    with con.transaction():
        con.execute("create schema if not exists meta")
        con.execute("""create table if not exists meta.last_build (run_id text, built_at timestamp,
                       max_load_id bigint, project_sha text, dbt_vars text, manifest text)""")
        con.execute("delete from meta.last_build")
        con.execute("""insert into meta.last_build
                       select %s, %s, (select coalesce(max(load_id), 0) from raw.ingested_files), %s, %s, %s""",
                    [run_id, dt.datetime.now(), project_fingerprint(project_dir), canonical_vars(dbt_vars),
                     manifest.read_text(encoding="utf-8")])
        if _exists(con, "meta.build_started"):
            con.execute("delete from meta.build_started")


def up_to_date(con, dbt_vars: dict | None, project_dir: Path = DBT_PROJECT_DIR) -> bool:
    from .build_state import built_alike

    last = last_build(con)
    return built_alike(last, dbt_vars, project_dir) and unfinished_build(con) is None and con.execute(
        "select count(*) from raw.ingested_files where load_id > %s", [last.max_load_id]).fetchall()[0][0] == 0


def published_build(con) -> str | None:
    """The run whose build the published bi holds (None: nothing published yet)."""
    if not _exists(con, f"{PUBLISHED}.{PUBLISHED_TABLE}"):
        return None
    found = con.execute(sql.SQL("select build_run_id from {}").format(
        sql.Identifier(PUBLISHED, PUBLISHED_TABLE))).fetchall()
    return found[0][0] if found else None


def stamp_building(con, build_run_id: str | None, source: str) -> None:
    """bi_building._published: when and from which build the bi about to be swapped in was published
    (as the BI file's own _published table). With nothing rebuilt, the swap carries every bi table over."""
    with con.transaction():
        con.execute(sql.SQL("create schema if not exists {}").format(sql.Identifier(BUILDING)))
        table = sql.Identifier(BUILDING, PUBLISHED_TABLE)
        con.execute(sql.SQL("drop table if exists {}").format(table))
        con.execute(sql.SQL("create table {} as select %s::timestamp as published_at, %s::text as source, "
                            "%s::text as build_run_id").format(table), [dt.datetime.now(), source, build_run_id])


def plan(settings: Settings, dbt_vars: dict | None = None, project_dir: Path = DBT_PROJECT_DIR) -> Plan:
    """build_state.plan on the server: the inbox against the ledger, the record against the project."""
    with server(settings.postgres_url) as con:
        target = PostgresRaw(con, None, None)
        last = last_build(con)
        new, waiting = new_files(target, settings.inbox, settings.settle_seconds)
        n_files, unbuilt = con.execute(
            "select count(*), count(*) filter (where load_id > %s) from raw.ingested_files",
            [last.max_load_id if last else 0]).fetchall()[0] if target.has_ledger() else (0, 0)
        unfinished = unfinished_build(con)
        published = published_build(con)
    return Plan(last=last, new_files=new, waiting=waiting, n_files=n_files, unbuilt_loads=unbuilt,
                project_changed=last is not None and last.project_sha != project_fingerprint(project_dir),
                vars_changed=last is not None and last.dbt_vars != canonical_vars(dbt_vars),
                bi_stale=last is None or published != last.run_id,
                unfinished=f"run {unfinished[0][:8]} (started {unfinished[1]:%Y-%m-%d %H:%M})" if unfinished else None)


class ServerWriterLock:
    """The one writer of the warehouse on the server: a session advisory lock held for the run."""

    def __init__(self, url: str):
        self.url, self._con = url, None

    def acquire(self, on_wait) -> None:
        con = psycopg.connect(self.url, autocommit=True)
        if not con.execute("select pg_try_advisory_lock(%s)", [WRITER_LOCK]).fetchall()[0][0]:
            on_wait("waiting for the run that is writing the warehouse on the station server to finish")
            con.execute("select pg_advisory_lock(%s)", [WRITER_LOCK])
        self._con = con

    def release(self) -> None:
        if self._con is not None:
            self._con.close()      # the session's end frees the lock
            self._con = None
