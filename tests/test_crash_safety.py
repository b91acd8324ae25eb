"""SPEC §8: a run killed at any point leaves the warehouse as it was; the next run completes it."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from contextlib import closing

from warehouse import connect
from warehouse.building import building_path
from warehouse.dbt_project import DBT_PROJECT_DIR

from .conftest import rows, run_warehouse, station

NEW_EXPORT = "编号,委托日期,委托单位,用户性质\nCX2010-777,2010-06-01,北京华科新材料股份有限公司,企业\n"


def tables(settings) -> dict:
    with closing(connect(settings.warehouse, read_only=True)) as con:
        return {t: rows(con, f"select * from {t} order by all")
                for t in ("staging.stg_commissions", "marts.fct_commission", "marts.fct_client_period")}


def dbt_has_rebuilt(model: str, since: float) -> bool:
    """dagster-dbt's dbt writes its log under dbt/target/<run>/: has this run built the model?"""
    for log in DBT_PROJECT_DIR.joinpath("target").glob("*/dbt.log"):
        if log.stat().st_mtime >= since and f"OK created sql table model {model}" in log.read_text(errors="ignore"):
            return True
    return False


def test_a_run_killed_during_dbt_leaves_the_warehouse_as_before(built, tmp_path):
    _, _, built_settings = built
    settings = station(tmp_path, tmp_path / "inbox")
    shutil.copytree(built_settings.inbox, settings.inbox)
    shutil.copyfile(built_settings.warehouse, settings.warehouse)
    before = tables(settings)
    (settings.inbox / "2011_commissions.csv").write_text(NEW_EXPORT, encoding="utf-8")
    started = time.time()

    run = subprocess.Popen(
        [sys.executable, "-m", "chaxin.cli", "run", "--inbox", str(settings.inbox),
         "--warehouse", str(settings.warehouse), "--bi", str(settings.bi)],
        start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while not dbt_has_rebuilt("staging.stg_commissions", started):   # the copy now holds the new row
        assert run.poll() is None and time.monotonic() < deadline, "dbt never rebuilt stg_commissions"
        time.sleep(0.05)
    os.killpg(run.pid, signal.SIGKILL)                # the run and its dbt, mid-build, as a crash would
    run.wait()

    assert tables(settings) == before                 # not a table of the half-built copy
    with closing(connect(settings.warehouse, read_only=True)) as con:   # the ingest step had finished
        assert rows(con, "select count(*) from raw.commissions where _file = '2011_commissions.csv'") == [(1,)]

    outcome = run_warehouse(settings)                 # the next run completes it
    assert outcome.ok, outcome.failures
    with closing(connect(settings.warehouse, read_only=True)) as con:
        assert rows(con, "select count(*) from marts.fct_commission where commission_no = 'CX2010-777'") == [(1,)]
        assert rows(con, "select count(*) from raw.commissions where _file = '2011_commissions.csv'") == [(1,)]
    assert not building_path(settings.warehouse).exists()
