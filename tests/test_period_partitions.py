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

import pytest
from dagster import AssetKey, build_schedule_context

from dagster_project.definitions import defs
from dagster_project.history import local_instance
from dagster_project.partitions import PERIODS, all_periods_tags, run_periods
from warehouse import connect
from warehouse.periods import NotAPeriod, checked_period_range, closing_range, periods_in_order

from .conftest import rows
from .test_crash_safety import copy_station

CHAXIN = Path(sys.executable).with_name("chaxin")
FACT = AssetKey(["marts", "fct_client_period"])


def test_periods_are_ordered_by_last_day_the_shorter_first():
    order = periods_in_order()
    assert order[:6] == ["2006Q1", "2006Q2", "2006Q3", "2006Q4", "2006", "2007Q1"]
    assert order[order.index("2010Q3"):order.index("2011Q1") + 1] == ["2010Q3", "2010Q4", "2010", "2006-2010", "2011Q1"]
    assert len(order) == 25 * 4 + 25 + 5 == len(PERIODS.get_partition_keys())
    # a closed quarter settles one range: up to its plan
    assert closing_range("2010Q4") == ("2010Q4", "2006-2010")
    assert closing_range("2012Q1") == ("2012Q1", "2011-2015")
    assert checked_period_range("2008Q1..2009") == ("2008Q1", "2009")
    assert checked_period_range("2008") == ("2008", "2008")
    with pytest.raises(NotAPeriod, match="2011 comes after 2008"):
        checked_period_range("2011..2008")
    with pytest.raises(NotAPeriod, match="no data for 2031"):
        checked_period_range("2030..2031")


def test_the_per_period_models_are_partitioned_and_the_schedule_takes_the_closed_quarters_range():
    graph = defs.resolve_asset_graph()
    partitioned = {key.to_user_string() for key in graph.get_all_asset_keys() if graph.get(key).partitions_def == PERIODS}
    assert partitioned == {"marts/fct_client_period", "intermediate/int_client_periods_measured"}
    assert graph.get(AssetKey(["marts", "dim_client"])).partitions_def is None
    assert defs.resolve_job_def("warehouse_job").partitions_def == PERIODS
    assert len(run_periods(all_periods_tags())) == 130

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
    assert instance.get_materialized_partitions(AssetKey(["intermediate", "int_client_periods_measured"])) == {"2008"}
