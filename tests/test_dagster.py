"""The one Definitions: what it declares, and its sensor, checks and assets on real runs."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
from contextlib import closing

from dagster import build_sensor_context, materialize

from dagster_project.assets import REVIEWS
from dagster_project.definitions import defs
from chaxin.settings import Settings
from dagster_project.resources import build_resources
from dagster_project.sensors import inbox_sensor
from warehouse import connect
from warehouse.dbt_project import DBT_PROJECT_DIR

from .conftest import FIXTURE_INBOX, rows, run_warehouse, station


def test_definitions_declare_partitions_schedule_sensor_jobs_and_checks():
    quarters = defs.resolve_assets_def(REVIEWS["quarter"].key).partitions_def.get_partition_keys()
    assert quarters[:2] == ["2006Q1", "2006Q2"] and quarters[-1] == "2030Q4" and len(quarters) == 100
    years = defs.resolve_assets_def(REVIEWS["year"].key).partitions_def.get_partition_keys()
    assert years[0] == "2006" and years[-1] == "2030"
    five = defs.resolve_assets_def(REVIEWS["five_year"].key).partitions_def.get_partition_keys()
    assert five == ["2006-2010", "2011-2015", "2016-2020", "2021-2025", "2026-2030"]
    schedule = defs.resolve_schedule_def("quarterly_refresh_schedule")
    assert schedule.cron_schedule == "0 6 1 1,4,7,10 *" and schedule.job_name == "quarterly_job"
    sensor = defs.resolve_sensor_def("inbox_sensor")
    assert sensor.job_name == "warehouse_job"
    assert (schedule.default_status.value, sensor.default_status.value) == ("RUNNING", "RUNNING")
    assert {j for j in ("warehouse_job", "ingest_job", "transform_job", "quarterly_job") if defs.resolve_job_def(j)}
    checks = {key.name: key for key in defs.resolve_asset_graph().asset_check_keys}
    assert "tiers_count_the_complete_enterprises" not in checks    # the dbt test tier_counts_add_up says it
    assert checks["unique_int_organisations_resolved_match_name"].asset_key.path == [
        "intermediate", "int_organisations_resolved"]
    assert checks["unique_dim_client_client_id"].asset_key.path == ["marts", "dim_client"]
    assert checks["tier_counts_add_up"].asset_key.path == ["marts", "mart_tier_summary"]
    graph = defs.resolve_asset_graph()
    assert graph.get(checks["unique_dim_client_client_id"]).blocking


def test_every_warehouse_asset_materializes_with_row_counts_and_previews(built):
    _, outcome, _ = built
    expected = {"/".join(k.path) for k in defs.resolve_job_def("warehouse_job").asset_layer.executable_asset_keys}
    assert expected <= set(outcome.materialized)
    for key, metadata in outcome.materialized.items():
        if key != "bi/published_file":
            assert "dagster/row_count" in metadata and "preview" in metadata, key
    assert outcome.materialized["staging/stg_commissions"]["rows quarantined"].value == 2
    assert "| 2006-2010 |" in outcome.materialized["marts/mart_tier_summary"]["five-year tiers"].value


def test_period_reviews_read_the_published_file_per_partition(demo_built):
    _, _, settings = demo_built
    resources = {"warehouse": build_resources(settings)["warehouse"]}
    result = materialize([REVIEWS["five_year"]], partition_key="2006-2010", resources=resources)
    metadata = result.get_asset_materialization_events()[0].materialization.metadata
    assert "| key | 40 |" in metadata["tiers"].value and "| potential_key | 78 |" in metadata["tiers"].value
    assert metadata["window"].value == "2006-01-01 to 2010-12-31"
    for grain, key in (("quarter", "2010Q4"), ("year", "2010")):
        result = materialize([REVIEWS[grain]], partition_key=key, resources=resources)
        assert result.success
        assert result.get_asset_materialization_events()[0].materialization.metadata["file"].path.endswith(
            "actions_2010Q4.xlsx" if grain == "quarter" else "period_report_2010.html")


def test_sensor_requests_one_run_for_the_files_that_settled(built, tmp_path):
    _, _, settings = built                       # its BI file's ledger knows every fixture file
    inbox = tmp_path / "inbox"
    shutil.copytree(FIXTURE_INBOX, inbox)
    new_file = inbox / "2011_feedback.csv"
    new_file.write_text("编号,满意度\nCX2009-003,满意\n", encoding="utf-8")
    warehouse = build_resources(Settings.load(inbox=inbox, warehouse=tmp_path / "unused.duckdb",
                                              bi=settings.bi))["warehouse"]

    def tick(cursor):
        with build_sensor_context(cursor=cursor, resources={"warehouse": warehouse}) as context:
            result = inbox_sensor(context)
        return result.run_requests or [], result.cursor

    first, cursor = tick(None)               # everything is new: wait for it to settle
    second, cursor = tick(cursor)
    third, cursor = tick(cursor)
    assert first == [] and third == []
    sha = hashlib.sha256(new_file.read_bytes()).hexdigest()
    assert [r.run_key for r in second] == [hashlib.sha256(sha.encode()).hexdigest()]
    assert second[0].tags == {"chaxin/files": "1", "chaxin/first_file": "2011_feedback.csv"}
    assert second[0].partition_key == "all"          # a whole run: by client, in any period

    growing = inbox / "2012_profiles.csv"    # a file still being copied in
    growing.write_text("名称,统计年度\n", encoding="utf-8")
    requests, cursor = tick(cursor)
    with growing.open("a", encoding="utf-8") as f:
        f.write("北京甲科技有限公司,2012\n")
    later, cursor = tick(cursor)
    settled, cursor = tick(cursor)
    assert requests == [] and later == []
    assert [r.tags["chaxin/first_file"] for r in settled] == ["2012_profiles.csv"]
    assert json.loads(cursor)["requested"] == sorted(
        [sha, hashlib.sha256(growing.read_bytes()).hexdigest()])

    together = [inbox / "2013_feedback.csv", inbox / "2013_surveys.csv"]   # files arriving together
    for i, path in enumerate(together):
        path.write_text(f"编号,满意度\nCX2009-00{i},满意\n", encoding="utf-8")
    first_sight, cursor = tick(cursor)
    one_run, cursor = tick(cursor)
    assert first_sight == [] and len(one_run) == 1 and one_run[0].tags["chaxin/files"] == "2"


def test_rerun_on_an_unchanged_inbox_ingests_nothing_and_changes_no_mart(small_station):
    settings = small_station

    def marts():
        with closing(connect(settings.warehouse)) as con:
            tables = [t for (t,) in con.execute("select table_name from information_schema.tables "
                                                "where table_schema = 'marts' order by 1").fetchall()]
            return {t: rows(con, f"select * from marts.{t} order by all") for t in tables}, \
                rows(con, "select * from raw.ingested_files order by load_id")

    before = marts()
    outcome = run_warehouse(settings)
    assert outcome.ok, outcome.failures
    for family in ("commissions", "profiles", "patents"):
        assert outcome.materialized[f"raw/{family}"]["files this run"].value == 0
    assert {key.split("/")[0] for key in outcome.materialized} == {"raw"}   # no build, commit or publication
    assert marts() == before


def test_a_broken_alias_seed_fails_a_blocking_check_and_keeps_the_bi_file(built, tmp_path):
    _, _, built_settings = built
    settings = station(tmp_path, tmp_path / "inbox")
    shutil.copytree(FIXTURE_INBOX, settings.inbox)
    shutil.copyfile(built_settings.warehouse, settings.warehouse)
    shutil.copyfile(built_settings.bi, settings.bi)
    project = tmp_path / "dbt"
    shutil.copytree(DBT_PROJECT_DIR, project, ignore=shutil.ignore_patterns("target", "logs"))
    with (project / "seeds" / "organisation_aliases.csv").open("a", encoding="utf-8") as f:
        f.write("北京华科新材料有限公司,北京华科新材料股份有限公司,one alias\n"
                "北京华科新材料有限公司,上海瀚海生物医药有限公司,and the same alias again\n")
    published = (hashlib.sha256(settings.bi.read_bytes()).hexdigest(), os.stat(settings.bi).st_mtime_ns)

    outcome = run_warehouse(settings, dbt_project_dir=project)

    assert not outcome.ok
    assert "unique_int_organisations_resolved_match_name" in {c.name for c in outcome.failed_blocking}
    assert "bi/published_file" not in outcome.materialized
    assert (hashlib.sha256(settings.bi.read_bytes()).hexdigest(), os.stat(settings.bi).st_mtime_ns) == published


def test_the_commit_and_publication_wait_for_every_blocking_check():
    """Dagster holds an asset only for its direct parents' blocking checks: the commit of the run's
    copy must wait for the Great Expectations steps, not just for dbt (whose tests fail its own step);
    the BI file waits for the commit."""
    from dagster._core.execution.api import create_execution_plan

    plan = create_execution_plan(defs.resolve_job_def("warehouse_job"))

    def upstream(key):
        step = next(s for s in plan.steps if s.key == key)
        return {h.step_key for i in step.step_inputs for h in i.get_step_output_handle_dependencies()}

    assert {"raw_families", "warehouse_models", "raw_expectations", "warehouse_expectations"
            } <= upstream("warehouse__working_file")
    assert "warehouse__working_file" in upstream("bi__published_file")


def test_runs_keep_their_event_log_connections_open_in_dagsters_own_files(tmp_path, monkeypatch):
    """dagster_project/event_log.py: the CLI's instance stores events through open connections, to the
    files and in the rows that Dagster's own class (`dagster dev`'s) reads; the engines of past runs'
    files are let go, so a long-lived process keeps a few."""
    from dagster import AssetKey, Output, asset
    from dagster._core.storage.event_log import SqliteEventLogStorage

    from dagster_project.event_log import OPEN_FILES, PooledSqliteEventLogStorage
    from dagster_project.history import EVENT_LOGS, local_instance

    @asset
    def counted():
        return Output(1, metadata={"rows": 7})

    home = tmp_path / "dagster"
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    instance = local_instance(Settings.load(warehouse=tmp_path / "w.duckdb"))
    storage = instance.event_log_storage
    assert isinstance(storage, PooledSqliteEventLogStorage)
    runs = [materialize([counted], instance=instance).run_id for _ in range(OPEN_FILES + 2)]
    assert len(storage._engines) == OPEN_FILES     # the index and the latest runs' files
    dagsters_own = SqliteEventLogStorage(str(home / EVENT_LOGS))
    for run_id in runs:
        assert ([e.dagster_event_type for e in dagsters_own.get_logs_for_run(run_id)]
                == [e.dagster_event_type for e in storage.get_logs_for_run(run_id)])
    materializations = dagsters_own.fetch_materializations(AssetKey("counted"), limit=10).records
    assert [r.run_id for r in materializations] == runs[::-1]
    assert {r.asset_materialization.metadata["rows"].value for r in materializations} == {7}


def test_ingest_starts_the_runs_dbt_parse_and_both_stages_build_from_it(tmp_path):
    """dbt's parse needs the project and the run's arguments, not the data: at a station's first build
    ingest starts it in the background (dbt_in_process.parse_ahead) and the dbt stages take its manifest
    instead of parsing."""
    from dagster import DagsterInstance

    from dagster_project.assets.dbt import PARSING_AHEAD
    from dagster_project.runner import run_job

    from .conftest import SMALL_STATION, write_csvs

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    write_csvs(inbox, SMALL_STATION)
    instance, dbt_log = DagsterInstance.ephemeral(), tmp_path / "dbt.log"
    outcome = run_job(station(tmp_path / "run", inbox), "warehouse_job", instance=instance, log_file=dbt_log)
    assert outcome.ok, outcome.failures
    said = [(event.step_key, event.user_message) for event in instance.all_logs(outcome.run_id)]
    assert ("raw_families", PARSING_AHEAD) in said
    assert dbt_log.read_text(encoding="utf-8").count("Performance info:") == 1   # one parse for the run

    # a later run parses partially, in its dbt stage: a second thread would slow ingest more than it gains
    shutil.copyfile(next(inbox.iterdir()), inbox / "a copy.csv")
    later = run_job(station(tmp_path / "run", inbox), "warehouse_job", instance=instance)
    assert later.ok, later.failures
    assert "raw/ingested_files" in later.materialized
    assert PARSING_AHEAD not in [event.user_message for event in instance.all_logs(later.run_id)]

    ingest_alone = run_job(station(tmp_path / "ingest", inbox), "ingest_job", instance=instance)
    assert ingest_alone.ok
    assert PARSING_AHEAD not in [event.user_message for event in instance.all_logs(ingest_alone.run_id)]


def test_loading_the_definitions_leaves_great_expectations_to_the_runs_that_validate():
    """GE's import costs 3 s: `dagster dev`, the sensor's ticks and a run's start-up do without it (the
    suites are plain data); ingest loads it in the background for the checks that follow."""
    import subprocess
    import sys

    probe = "import sys, dagster_project.definitions\nprint(sorted({m.split('.')[0] for m in sys.modules}))"
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert "'dagster_dbt'" in loaded and "'great_expectations'" not in loaded
