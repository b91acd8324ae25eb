"""How a run decides what to rebuild (warehouse/build_state.py): nothing when nothing changed, the
rows of new loads in staging, everything from raw for new --vars, what dbt's state comparison
selects for a changed model; on both targets. The same answer as a full rebuild: test_incremental_equivalence."""
from __future__ import annotations

import csv
import hashlib
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

from tests.conftest import (SERVER_CASE_SLOW, SMALL_STATION, copy_station, execute, query, run_warehouse,
                            write_csvs)
from warehouse.build_state import plan, what_to_rebuild
from warehouse.dbt_project import DBT_PROJECT_DIR
from warehouse.dbt_state import modified_relations

CHAXIN = Path(sys.executable).with_name("chaxin")
N_FIXTURE_FILES = 13          # tests/fixtures/inbox: one ledger row each


def digests(*paths: Path) -> dict[str, str]:
    files = [f for p in paths for f in ([p] if p.is_file() else sorted(p.rglob("*"))) if f.is_file()]
    return {str(f): hashlib.sha256(f.read_bytes()).hexdigest() for f in files}


def written(settings) -> dict:
    """What a run may write: the reports, the working file and the BI file; on the server, whose tables
    have no bytes to hash, the build record and the publication's stamp (each run writes its own)."""
    if settings.target == "postgres":
        return {**digests(settings.reports_dir),
                "meta.last_build": query(settings, "select run_id, built_at, max_load_id from meta.last_build"),
                "bi._published": query(settings, "select build_run_id, published_at from bi._published")}
    return digests(settings.warehouse, settings.bi, settings.reports_dir)


def count(settings, sql: str) -> int:
    return query(settings, sql)[0][0]


@SERVER_CASE_SLOW
def test_runs_rebuild_what_changed(built_on_target, tmp_path):
    settings = copy_station(built_on_target, tmp_path)      # the fixture inbox, built on the test's target
    server = ["--target", "postgres", "--postgres-url", settings.postgres_url] if settings.target == "postgres" else []

    # 1. Nothing new: `chaxin run` says so in one line and writes nothing, not even the reports.
    published = written(settings)
    done = subprocess.run([str(CHAXIN), "run", "--inbox", str(settings.inbox), "--warehouse", str(settings.warehouse),
                           "--bi", str(settings.bi), *server], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "DAGSTER_HOME": str(tmp_path / "dagster")})
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("up to date: built ") and f"from {N_FIXTURE_FILES} files" in done.stdout
    assert "ingest" not in done.stderr and not (tmp_path / "dagster").exists()   # no Dagster run at all
    assert written(settings) == published

    # 2. A new file: staging types its 3 rows and keeps the others as they were (no second copy).
    #    N2 names the organisation of username 'nobody', whose CX2009-002 names none (rejected until
    #    now), and CX2008-001 is a third version of a commission (the 2008 export, its 2010 re-export).
    staged = count(settings, "select count(*) from staging.stg_commissions")
    with (settings.inbox / "2011_commissions.csv").open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([
            ["编号", "委托日期", "委托单位", "用户性质", "委托人注册名", "状态", "完成日期", "对查新的认可", "与查新员的配合"],
            ["N1", "2011-01-05", "新来的科技有限公司", "企业", "", "", "", "", ""],
            ["N2", "2011-02-05", "新来的科技有限公司", "企业", "nobody", "", "", "", ""],
            ["CX2008-001", "2008-03-06", "北京华科新材料股份有限公司", "企业", "", "已完成", "2008-03-30", "5", "很高"]])
    # The re-export rule and identity rebuild only the commissions the new loads touch
    # (macros/new_loads.sql): a mark on CX2009-003, which no new row concerns, stays; CX2008-001's
    # and CX2009-002's rows are rebuilt.
    identity = ("intermediate.int_commissions_deduplicated", "intermediate.int_commissions_attributed",
                "intermediate.int_commissions_identified")
    for table in identity:
        execute(settings, f"update {table} set title_zh = 'marked' where commission_no in ('CX2009-003', 'CX2008-001')")
    # The per-period facts rebuild only the clients whose inputs changed (macros/changed_clients.sql):
    # marks put on the rows of two old clients show which rows the run rewrote. A row's own record
    # of its inputs (_inputs_hash) is what the run compares: the one marked there is rebuilt.
    marked, forged = [client for (client,) in query(
        settings, "select distinct client_id from marts.fct_client_period order by client_id limit 2")]
    execute(settings, "update marts.fct_client_period set commission_fees = -1 where client_id = ?", marked)
    execute(settings, "update marts.fct_client_period set commission_fees = -1, _inputs_hash = 0 "
                      "where client_id = ?", forged)
    # Client descriptions rebuild only the clients whose commission rows changed (_rows_hash,
    # macros/changed_clients.sql): a mark on every description stays on the clients no new row concerns.
    execute(settings, "update intermediate.int_clients_described set latest_searcher = 'marked'")
    # The outlook's features rebuild by client and by year (macros/outlook_changes.sql): this load takes
    # the data from 2009Q1 to 2011Q1, so 2009 and 2010 close and 2008's labels become known.
    execute(settings, "update marts.mart_outlook_features set n_dissatisfied = -1")
    assert plan(settings).new_files == ["2011_commissions.csv"]
    assert what_to_rebuild(plan(settings), None)[0] is None                      # every model, incrementally
    outcome = run_warehouse(settings)
    assert outcome.ok and outcome.materialized["staging/stg_commissions"]["rows typed by this run"].value == 3
    if settings.target == "duckdb":   # the name pairs compare only what changed; on the server, every pair
        assert outcome.materialized["enrichment/organisation_name_pairs"]["notes"].value \
            == "- 0 pairs compared, the others kept from the last build"
    assert count(settings, "select count(*) from staging.stg_commissions") == staged + 3
    assert count(settings, "select count(*) from staging.stg_commissions where commission_no in ('N1', 'N2')") == 2
    for table in identity:
        assert query(settings, f"select commission_no, coalesce(title_zh = 'marked', false) from {table} "
                               "where commission_no in ('CX2009-003', 'CX2008-001') order by 1") \
            == [("CX2008-001", False), ("CX2009-003", True)], table
    assert query(settings, "select commission_date, n_versions from intermediate.int_commissions_deduplicated "
                           "where commission_no = 'CX2008-001'") == [(date(2008, 3, 6), 3)]
    assert query(settings, "select commissions.org_name, commissions.is_org_from_username, clients.display_name "
                           "from intermediate.int_commissions_identified as commissions "
                           "join marts.dim_client as clients using (client_id) "
                           "where commission_no = 'CX2009-002'") == [("新来的科技有限公司", True, "新来的科技有限公司")]
    new_client_rows = query(settings, """
        select grain, period_key, fct_client_period.n_commissions
        from marts.fct_client_period join marts.dim_client using (client_id)
        where display_name = '新来的科技有限公司' order by grain, period_key""")
    assert new_client_rows == [("five_year", "2006-2010", 1), ("five_year", "2011-2015", 2),   # CX2009-002's
                               ("quarter", "2009Q1", 1), ("quarter", "2011Q1", 2), ("year", "2009", 1), ("year", "2011", 2)]
    assert query(settings, "select display_name from intermediate.int_clients_described "
                           "where latest_searcher is distinct from 'marked' order by 1") \
        == [("北京华科新材料股份有限公司",), ("华北理工大学",), ("新来的科技有限公司",)]
    # (CX2008-001's client; CX2009-003's, whose row the mark above changed: the hash is of whole rows; N1's, N2's)
    # every year's rows, 2008's of 中国科学院 化学研究所 too, whose inputs did not change
    assert query(settings, "select year, count(*), count(*) filter (where n_dissatisfied = -1), "
                           "bool_and(is_next_year_closed) from marts.mart_outlook_features group by year order by year") \
        == [(2008, 3, 0, True), (2009, 4, 0, True), (2010, 4, 0, False)]
    fees = dict(query(settings, "select client_id, min(commission_fees) from marts.fct_client_period "
                                "where client_id in (?, ?) group by client_id", marked, forged))
    assert fees[marked] == -1 and fees[forged] >= 0       # kept as built, and rebuilt from its inputs
    assert plan(settings).up_to_date

    # 3. New --vars rebuild everything from raw: no loyalty reaches 101 points, so none is high.
    assert count(settings, "select count(*) from marts.fct_client_period where loyalty_level = 'high'") == 4
    harsh = {"loyalty_high_threshold": 101}
    assert plan(settings, harsh).vars_changed and what_to_rebuild(plan(settings, harsh), harsh)[0] is None
    outcome = run_warehouse(settings, dbt_vars=harsh)         # the dbt asset sees the new vars: full refresh
    assert outcome.ok and outcome.materialized["staging/stg_commissions"]["rows typed by this run"].value == staged + 3
    assert count(settings, "select count(*) from marts.fct_client_period where loyalty_level = 'high'") == 0
    assert plan(settings, harsh).up_to_date and not plan(settings).up_to_date

    # 4. A changed model: dbt's state comparison selects it, what reads it, and the models its tests
    #    read (tier_counts_add_up also reads fct_client_period); only those are rebuilt.
    project = tmp_path / "dbt"
    shutil.copytree(DBT_PROJECT_DIR, project, ignore=shutil.ignore_patterns("target", "logs"))
    assert plan(settings, harsh, project_dir=project).up_to_date            # a copy is the same project
    with (project / "models" / "marts" / "mart_tier_summary.sql").open("a", encoding="utf-8") as f:
        f.write("\n-- a reviewer's note\n")
    changed = plan(settings, harsh, project_dir=project)
    assert changed.project_changed and not changed.up_to_date
    relations = modified_relations(changed.last.manifest, harsh, project_dir=project,
                                  dbt_target=settings.dbt_target_args())
    assert relations == {("marts", "mart_tier_summary"), ("bi", "bi_mart_tier_summary"), ("marts", "fct_client_period")}
    outcome = run_warehouse(settings, dbt_vars=harsh, only=sorted(relations), dbt_project_dir=project)
    assert outcome.ok, outcome.failures
    assert {key for key in outcome.materialized if key.split("/")[0] in ("staging", "intermediate", "marts", "bi")} \
        == {"marts/mart_tier_summary", "bi/bi_mart_tier_summary", "marts/fct_client_period", "bi/published_file"}
    assert plan(settings, harsh, project_dir=project).up_to_date


@SERVER_CASE_SLOW
def test_the_action_plan_rebuilds_a_clients_lists_from_its_first_changed_quarter(new_station, tmp_path):
    """SMALL_STATION: 北京甲 is potential_key in 2009, so its 2010 lists hold a product push each quarter and
    the spring festival greeting (2010-02-14). A mark on every row shows what a run rewrote."""
    settings = new_station(tmp_path, tmp_path / "inbox")
    settings.inbox.mkdir()
    write_csvs(settings.inbox, SMALL_STATION)
    assert run_warehouse(settings).ok

    def lists() -> list[tuple]:
        return query(settings, """
            select period_key, origin_period_key, strategy_action, status, action_zh = 'marked'
            from marts.mart_action_plan_listed join marts.dim_client using (client_id)
            where display_name = '北京甲科技有限公司' order by 1, 2, 3""")

    # 1. A product push to 甲 on 2010-05-20 completes the pushes of 2010Q1 (late) and 2010Q2, and a
    #    commission on 2010-07-05 takes the data into 2010Q3: 2010Q1's list is kept as built, 2010Q2's
    #    rebuilt from the activity's date, 2010Q3's built (its festival, 2010-09-22, is overdue by its end).
    #    The survey targets (macros/survey_changes.sql) rebuild 甲's, whose commissions changed, and build
    #    2010Q3's; the others' are kept.
    execute(settings, "update marts.mart_action_plan_listed set action_zh = 'marked'")
    execute(settings, "update marts.mart_survey_targets set reason = 'marked'")
    commission = SMALL_STATION["commissions.csv"][1]
    activity_header = ["日期", "委托单位", "活动类型", "负责人", "备注"]
    write_csvs(settings.inbox, {
        "activities.csv": [activity_header, ["2010-05-20", "北京甲科技有限公司", "产品推送", "陈芳", ""]],
        "commissions_2010Q3.csv": [SMALL_STATION["commissions.csv"][0], ["E1", "2010-07-05", *commission[2:]]]})
    assert run_warehouse(settings).ok
    assert lists() == [
        ("2010Q1", "2010Q1", "product_push", "open", True),
        ("2010Q1", "2010Q1", "spring_festival_greeting", "overdue", True),
        ("2010Q2", "2010Q1", "product_push", "done_late", False),
        ("2010Q2", "2010Q1", "spring_festival_greeting", "overdue", False),
        ("2010Q2", "2010Q2", "product_push", "done", False),
        ("2010Q3", "2010Q1", "spring_festival_greeting", "overdue", False),
        ("2010Q3", "2010Q3", "mid_autumn_greeting", "overdue", False),
        ("2010Q3", "2010Q3", "product_push", "open", False)]
    # every completed commission lacks feedback; 甲 (potential_key in 2009) is not surveyed in 2010
    assert {(name, quarter): marked for name, quarter, marked in query(
        settings, "select display_name, period_key, reason = 'marked' from marts.mart_survey_targets")} == {
        ("北京甲科技有限公司", "2009Q1"): False, ("北京甲科技有限公司", "2009Q2"): False,
        ("北京甲科技有限公司", "2010Q1"): False, ("北京甲科技有限公司", "2010Q2"): False,
        ("北京甲科技有限公司", "2010Q3"): False, ("上海乙生物股份有限公司", "2010Q1"): True,
        ("丙大学", "2010Q2"): True, ("广州丁环保有限公司", "2010Q2"): True}

    # 2. 甲's 2009 tier forged in the record of the last build (mart_client_years_tracked): the next run
    #    (an activity of 丙大学, which has no lists) finds the year changed and rebuilds 甲's lists from
    #    2009Q4, the same as they were.
    execute(settings, "update marts.mart_action_plan_listed set action_zh = 'marked'")
    execute(settings, """update marts.mart_client_years_tracked set tier = 'forged' where year = 2009
                         and client_id = (select client_id from marts.dim_client where display_name = '北京甲科技有限公司')""")
    write_csvs(settings.inbox, {"activities_2010Q3.csv": [activity_header, ["2010-08-01", "丙大学", "回访", "董璐", ""]]})
    before = [row[:4] for row in lists()]
    assert run_warehouse(settings).ok
    assert [row[:4] for row in lists()] == before and not any(row[4] for row in lists())
    assert query(settings, "select tier from marts.mart_client_years_tracked where year = 2009") == [("potential_key",)]


def test_a_rebuilt_input_of_an_enrichment_rebuilds_it_and_what_reads_it():
    """dbt's graph cannot see that enrichment.client_outlook is computed from mart_outlook_features:
    what_to_rebuild adds the enrichment asset and every model downstream of its source."""
    import json

    from warehouse.build_state import with_enrichments

    manifest = json.loads((DBT_PROJECT_DIR / "target" / "manifest.json").read_text(encoding="utf-8"))
    assert with_enrichments({("marts", "mart_outlook_features")}, manifest) == {
        ("marts", "mart_outlook_features"), ("enrichment", "client_outlook"), ("marts", "mart_client_outlook"),
        ("bi", "bi_mart_client_outlook"), ("marts", "mart_client_years_tracked"), ("marts", "mart_action_plan_listed"),
        ("marts", "mart_action_plan"), ("bi", "bi_mart_action_plan")}
    assert with_enrichments({("marts", "mart_tier_summary")}, manifest) == {("marts", "mart_tier_summary")}
