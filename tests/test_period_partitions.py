"""The per-period models as Dagster partitions (issue 11): one order of the three grains' keys in
which a change and a closed quarter are each one range; a run over some periods rebuilds exactly
those periods' rows (and the next period's transition) in one dbt invocation, and Dagster records
those partitions."""
from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

from dagster import AssetKey, DagsterInstance, build_schedule_context

from dagster_project.definitions import build_definitions, defs
from dagster_project.history import local_instance
from dagster_project.partitions import PERIODS, run_periods
from dagster_project.runner import run_job
from warehouse import connect

from .conftest import SERVER_CASE_SLOW, copy_station, execute, query, rows

CHAXIN = Path(sys.executable).with_name("chaxin")
FACT = AssetKey(["marts", "fct_client_period"])


def test_the_per_period_models_are_partitioned_and_the_schedule_takes_the_closed_quarters_range():
    graph = defs.resolve_asset_graph()
    partitioned = {key.to_user_string() for key in graph.get_all_asset_keys() if graph.get(key).partitions_def == PERIODS}
    assert partitioned == {"marts/fct_client_period"}
    assert graph.get(AssetKey(["marts", "dim_client"])).partitions_def is None
    assert defs.resolve_job_def("warehouse_job").partitions_def == PERIODS
    assert len(PERIODS.get_partition_keys()) == 130 + 1 and PERIODS.get_partition_keys()[-1] == "all"
    assert run_periods({"dagster/partition": "all"}) == [] and run_periods({"dagster/partition": "2008"}) == ["2008"]

    schedule = defs.resolve_schedule_def("quarterly_refresh_schedule")
    context = build_schedule_context(scheduled_execution_time=dt.datetime(2011, 1, 1, 6))
    request = schedule.evaluate_tick(context).run_requests[0]
    assert run_periods(request.tags) == ["2010Q4", "2010", "2006-2010"]
    assert request.tags["chaxin/closed_quarter"] == "2010Q4"
    context = build_schedule_context(scheduled_execution_time=dt.datetime(2010, 7, 1, 6))
    assert run_periods(schedule.evaluate_tick(context).run_requests[0].tags) == [
        "2010Q2", "2010Q3", "2010Q4", "2010", "2006-2010"]   # the year's later quarters are still empty
    assert defs.resolve_sensor_def("quarter_review_sensor").job_name == "quarter_review_job"


def test_a_run_of_some_periods_rebuilds_those_periods_rows_and_records_their_partitions(built, tmp_path):
    settings = copy_station(built[2], tmp_path)
    con = connect(settings.warehouse)
    before = dict(rows(con, "select grain || period_key || client_id, commission_fees from marts.fct_client_period"))
    # marks on four periods: the run over 2008 rewrites 2008 (and 2009, whose transition reads
    # 2008's tier) and leaves the marks on 2008Q1 and 2006-2010 (other grains)
    for relation in ("marts.fct_client_period", "intermediate.int_client_periods_measured"):
        con.execute(f"update {relation} set commission_fees = -1 where period_key in ('2008Q1', '2008', '2009', '2006-2010')")
    marked = dict(rows(con, """select period_key, count(*) from marts.fct_client_period where commission_fees = -1
                               group by all"""))
    con.close()
    assert marked["2008"] > 0 and marked["2009"] > 0 and marked["2006-2010"] > 0 and marked["2008Q1"] > 0

    done = subprocess.run([str(CHAXIN), "run", "--inbox", str(settings.inbox), "--warehouse", str(settings.warehouse),
                           "--bi", str(settings.bi), "--periods", "2008"], capture_output=True, text=True, timeout=600,
                          env={**os.environ, "DAGSTER_HOME": str(tmp_path / "dagster")})
    assert done.returncode == 0, done.stdout + done.stderr
    assert "(--periods 2008..2008)" in done.stderr and "dbt: rebuilding 1 period, 2008" in done.stderr

    con = connect(settings.warehouse, read_only=True)
    after = dict(rows(con, "select grain || period_key || client_id, commission_fees from marts.fct_client_period"))
    still = dict(rows(con, """select period_key, count(*) from marts.fct_client_period where commission_fees = -1
                              group by all"""))
    measured = dict(rows(con, """select period_key, count(*) from intermediate.int_client_periods_measured
                                 where commission_fees = -1 group by all"""))
    con.close()
    assert still == {"2006-2010": marked["2006-2010"], "2008Q1": marked["2008Q1"]} == measured
    rebuilt = {key for key in after if key.startswith(("year2008", "year2009"))}
    assert rebuilt and all(after[key] == before[key] for key in rebuilt)

    instance = local_instance(settings)
    assert instance.get_materialized_partitions(FACT) == {"2008"}


@SERVER_CASE_SLOW   # the server's case builds its own station: 80 s more for `make test`
def test_the_quarterly_schedules_run_rebuilds_the_closed_quarters_periods_on_either_target(built_on_target, tmp_path):
    """The schedule's tick on 2009-04-01 asks for 2009Q1..2006-2010 (the later periods in that range
    are still empty); its run of quarterly_job (the run Dagster's daemon launches, here in this process)
    rewrites exactly those periods' rows and records those partitions. The fixture's fact rows are
    in 2008Q1-Q3, 2009Q1, 2008, 2009 and 2006-2010: the marks on 2008Q3 and 2008 stay."""
    settings = copy_station(built_on_target, tmp_path)
    fact = "select grain || period_key || client_id, commission_fees from marts.fct_client_period"
    before = dict(query(settings, fact))
    marked_periods = ("2008Q3", "2008", "2009Q1", "2009", "2006-2010")
    for relation in ("marts.fct_client_period", "intermediate.int_client_periods_measured"):
        execute(settings, f"update {relation} set commission_fees = -1 where period_key in {marked_periods}")
    count_marks = "select period_key, count(*) from {} where commission_fees = -1 group by period_key"
    marked = dict(query(settings, count_marks.format("marts.fct_client_period")))
    assert marked == {"2008Q3": 1, "2008": 3, "2009Q1": 2, "2009": 2, "2006-2010": 3}

    schedule = defs.resolve_schedule_def("quarterly_refresh_schedule")
    tick = build_schedule_context(scheduled_execution_time=dt.datetime(2009, 4, 1, 6))
    tags = schedule.evaluate_tick(tick).run_requests[0].tags
    instance = DagsterInstance.ephemeral()
    outcome = run_job(settings, "quarterly_job", instance=instance, periods=(
        tags["dagster/asset_partition_range_start"], tags["dagster/asset_partition_range_end"]))
    assert outcome.ok, outcome.failures

    left = {"2008Q3": 1, "2008": 3}
    assert dict(query(settings, count_marks.format("marts.fct_client_period"))) == left
    assert dict(query(settings, count_marks.format("intermediate.int_client_periods_measured"))) == left
    after = dict(query(settings, fact))
    kept = {key for key in after if key.startswith(("quarter2008Q3", "year2008"))}
    assert len(kept) == 4 and all(after[key] == -1 for key in kept)
    assert {k: v for k, v in after.items() if k not in kept} == {k: v for k, v in before.items() if k not in kept}
    assert instance.get_materialized_partitions(FACT) == {   # the range in PERIODS' order, to the plan's end
        "2009Q1", "2009Q2", "2009Q3", "2009Q4", "2009", "2010Q1", "2010Q2", "2010Q3", "2010Q4", "2010", "2006-2010"}


def test_a_whole_run_records_the_periods_whose_rows_changed(built, tmp_path):
    """`chaxin run` rebuilds by client, not by period: it materializes the partition "all" and, as
    partitions, the periods whose rows differ from the last build's. A new client's first
    commissions, in 2011Q1, change 2011Q1, 2011 and 2011-2015 and nothing else."""
    settings = copy_station(built[2], tmp_path)
    (settings.inbox / "2011_commissions.csv").write_text(
        "编号,委托日期,委托单位,用户性质\nN1,2011-01-05,新来的科技有限公司,企业\nN2,2011-02-05,新来的科技有限公司,企业\n",
        encoding="utf-8")
    instance = DagsterInstance.ephemeral()
    outcome = run_job(settings, "warehouse_job", instance=instance)
    assert outcome.ok, outcome.failures
    assert instance.get_materialized_partitions(FACT) == {"all", "2011Q1", "2011", "2011-2015"}
    metadata = outcome.materialized["marts/fct_client_period"]
    assert metadata["periods changed"].value == 3
    assert metadata["changed periods"].value.splitlines()[2:] == ["| 2011Q1 | 1 |", "| 2011 | 1 |", "| 2011-2015 | 1 |"]


def test_materializing_a_partition_from_the_ui_keeps_its_build(built, tmp_path):
    """The UI's Materialize on one partition of the fact runs the asset alone (no commit asset in
    the run): the dbt step commits its build itself once dbt's tests pass."""
    settings = copy_station(built[2], tmp_path)
    con = connect(settings.warehouse)
    con.execute("update marts.fct_client_period set commission_fees = -1 where period_key in ('2008', '2008Q1')")
    con.close()
    station_defs = build_definitions(settings)
    job = station_defs.resolve_implicit_global_asset_job_def().get_subset(asset_selection={FACT})
    result = job.execute_in_process(partition_key="2008", instance=DagsterInstance.ephemeral(), raise_on_error=False)
    assert result.success
    con = connect(settings.warehouse, read_only=True)
    still = dict(rows(con, "select period_key, count(*) from marts.fct_client_period where commission_fees = -1 group by all"))
    con.close()
    assert list(still) == ["2008Q1"]
