"""SPEC §8 on the station server (CHAXIN_TARGET=postgres): `chaxin run` SIGKILLed mid-build, and
after its commit but before its publication, is completed by the next run, unattended.

On the server nothing is renamed: raw commits per file, each dbt model on its own, and readers read
only `bi`, swapped in after the checks. So what a killed run leaves is (1) models rebuilt in part
and the mark `meta.build_started`, which makes the next run rebuild every model from raw, and (2) a
recorded build not yet published, which the next run publishes without building. Either way `bi`
never holds a half-built state, and the end equals DuckDB's build of the same inbox.
"""
from __future__ import annotations

import shutil

import psycopg
import pytest

from .conftest import FIXTURE_INBOX, station
from .live_run import LiveRun
from .postgres_server import fresh_database
from .test_kill_matrix import write_second_batch
from .test_postgres_target import assert_same_marts

pytestmark = pytest.mark.slow


def one(pg, sql: str):
    found = pg.execute(sql).fetchall()
    return found[0][0] if found else None


def test_killed_runs_on_the_server_are_completed_by_the_next(built, postgres_url, tmp_path):
    duckdb_con, _, _ = built       # the fixture inbox, built on DuckDB: where the server must end
    url = fresh_database(postgres_url, "killed_runs")
    settings = station(tmp_path, tmp_path / "inbox")
    shutil.copytree(FIXTURE_INBOX, settings.inbox)
    env = {"CHAXIN_TARGET": "postgres", "CHAXIN_POSTGRES_URL": url, "CHAXIN_SETTLE_SECONDS": "0"}

    # (1) killed while dbt rewrites the models: the mark stays, nothing is published
    run = LiveRun(settings, env=env)
    run.wait_for(r"dbt +25/")
    run.kill()
    with psycopg.connect(url) as pg:
        assert one(pg, "select count(*) from meta.build_started") == 1
        assert one(pg, "select to_regclass('meta.last_build')") is None
        assert one(pg, "select to_regnamespace('bi')") is None          # readers see nothing, not half
        assert one(pg, "select count(*) from raw.ingested_files") > 0    # ingest committed per file
    run = LiveRun(settings, env=env)
    assert run.finish() == 0, run.stderr[-3000:]
    assert "did not finish its build: rebuilding from raw" in run.stderr
    assert "recovering: run " in run.stderr
    with psycopg.connect(url) as pg:
        assert one(pg, "select count(*) from meta.build_started") == 0
        first_build = one(pg, "select run_id from meta.last_build")
        assert one(pg, "select build_run_id from bi._published") == first_build
    assert_same_marts(duckdb_con, url)

    # (2) a second batch, killed after its commit and before its publication: bi keeps the first
    # build whole; the next run only publishes (no ingest, no dbt)
    write_second_batch(settings.inbox)
    run = LiveRun(settings, env=env)
    run.wait_for(r"done +commit")
    run.kill()
    with psycopg.connect(url) as pg:
        second_build = one(pg, "select run_id from meta.last_build")
        assert second_build != first_build
        assert one(pg, "select build_run_id from bi._published") == first_build
        assert one(pg, "select count(*) from bi.bi_ingested_files") == one(
            pg, "select count(*) from raw.ingested_files") - 2
    run = LiveRun(settings, env=env)
    assert run.finish() == 0, run.stderr[-3000:]
    assert "does not hold the last build" in run.stderr and "start  dbt build" not in run.stderr
    with psycopg.connect(url) as pg:
        assert one(pg, "select build_run_id from bi._published") == second_build
        assert one(pg, "select count(*) from bi.bi_ingested_files") == one(
            pg, "select count(*) from raw.ingested_files")
        assert one(pg, "select count(*) from bi.bi_fct_commission where commission_no = 'CX2011-001'") == 1
