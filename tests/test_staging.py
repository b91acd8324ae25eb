"""Raw -> staging -> quarantine with the real `dbt build` on the fixture inbox (tests/fixtures/README.md).
Every expected row below is read off the fixture files by hand."""
from __future__ import annotations

import json
import shutil

from .conftest import rows


def test_dbt_build_passes_with_its_tests_as_asset_checks(built):
    _, outcome, _ = built
    assert outcome.ok
    names = {c.name for c in outcome.checks}
    assert "unique_dim_client_client_id" in names
    assert "tier_counts_add_up" in names
    assert outcome.failed_blocking == []
    # the fixture inbox's deliberate defects are data gaps: warnings, not blocks
    assert {c.asset for c in outcome.checks if not c.passed} == {
        "raw/commissions", "raw/patents", "raw/feedback", "raw/activities"}


def test_each_unusable_row_is_quarantined_with_file_row_and_reason(built):
    con, *_ = built
    got = rows(con, "select family, file, row_number, reason from quarantine.rejected_rows order by family, file")
    assert got == [
        ("activities", "activities.csv", 3,
         "activity_type '聚餐' is not an activity type (回访, 培训, 产品推送, 节日问候, 签约, 调查)"),
        ("commissions", "2008_commissions_gb18030.csv", 4, "commission_date '2008年2月30日' is not a date"),
        ("commissions", "2008_commissions_title_rows.xlsx", 5, "commission_no is missing"),
        ("commissions", "2009_commissions_english.csv", 3,
         "org_name is empty and username 'nobody' names no organisation in any other commission"),
        ("feedback", "feedback.csv", 3, "rating '还行' is not a rating (满意, 基本满意, 不满意)"),
        ("feedback", "ragged.csv", 3, "line 3 has 3 fields, the header 2"),
        ("patents", "patents.csv", 3, "patent_type '外观' is not a patent type (发明, 实用新型, 外观设计)"),
        ("profiles", "profiles.csv", 3, "year '二〇〇八' is not a year"),
        ("services", "services.csv", 3, "start_date '待定' is not a date"),
        ("surveys", "surveys.csv", 3, "survey_date '2010年第一季度' is not a date"),
    ]


def test_quarantined_rows_keep_their_raw_values(built):
    con, *_ = built
    (raw,) = rows(con, """select raw_values from quarantine.rejected_rows
                          where file = '2008_commissions_gb18030.csv'""")[0]
    values = json.loads(raw)
    assert values["commission_no"] == "CX2008-003"
    assert values["commission_date"] == "2008年2月30日"
    assert values["fee"] == "￥800"
    assert values["org_name"] == "上海瀚海生物医药有限公司"
    assert "_file" not in values
    # a ragged line keeps the fields its header names (the third, extra one is named in the reason)
    (raw,) = rows(con, "select raw_values from quarantine.rejected_rows where file = 'ragged.csv'")[0]
    assert json.loads(raw) == {"commission_no": "CX2008-001", "rating": "满意", "feedback_date": None,
                               "channel": None, "comment": None}


def test_each_nulled_value_is_flagged_and_its_row_kept(built):
    con, *_ = built
    got = rows(con, """select family, file, row_number, column_name, raw_value, reason
                       from quarantine.value_flags order by family, file, row_number, column_name""")
    assert got == [
        ("commissions", "2008_commissions_gb18030.csv", 3, "email", "lina@iccas", "invalid email"),
        ("commissions", "2008_commissions_gb18030.csv", 3, "postcode", "10019", "invalid postcode (6 digits)"),
        ("commissions", "2008_commissions_title_rows.xlsx", 4, "recognition", "6", "not a rating from 1 to 5"),
        ("commissions", "2009_commissions_english.csv", 5, "email", "bad @mail.com", "invalid email"),
        ("surveys", "surveys.csv", 2, "experience", "6", "not a score from 1 to 5"),
    ]
    # the flagged rows themselves stay usable, with the bad value null and the others parsed
    assert rows(con, """select commission_no, postcode, email, phone, fee from staging.stg_commissions
                        where _file = '2008_commissions_gb18030.csv' and _row_number = 3""") == [
        ("CX2008-002", None, None, "01062538888", 1200)]


def test_good_rows_of_files_with_bad_rows_still_load(built):
    con, *_ = built
    assert rows(con, """select _file, count(*) from staging.stg_commissions where _reject_reason is null
                        group by all order by all""") == [
        ("2008_commissions_gb18030.csv", 2), ("2008_commissions_title_rows.xlsx", 2),
        ("2009_commissions_english.csv", 4), ("2010_commissions_reexport.csv", 1)]
    for family in ("profiles", "patents", "surveys", "services", "activities"):
        assert rows(con, f"select count(*) from staging.stg_{family} where _reject_reason is null") == [(1,)]
    # feedback.csv's good row, and ragged.csv's line 2 beside its ragged line 3
    assert rows(con, """select _file, count(*) from staging.stg_feedback where _reject_reason is null
                        group by all order by all""") == [("feedback.csv", 1), ("ragged.csv", 1)]


def test_later_re_export_wins_and_within_a_file_the_last_row(built):
    con, *_ = built
    assert rows(con, """select commission_no, status, completed_date::varchar, recognition, cooperation, _file,
                               n_versions
                        from intermediate.int_commissions_deduplicated
                        where commission_no in ('CX2008-001', 'CX2009-003') order by 1""") == [
        ("CX2008-001", "completed", "2008-03-30", 5.0, 5.0, "2010_commissions_reexport.csv", 2),
        ("CX2009-003", "completed", None, 5.0, None, "2009_commissions_english.csv", 2),
    ]


def test_empty_organisation_takes_the_usernames_latest(built):
    con, *_ = built
    assert rows(con, """select org_name, org_match_name, is_org_from_username
                        from intermediate.int_commissions_attributed where commission_no = 'CX2009-001'""") == [
        ("北京华科新材料股份有限公司", "北京华科新材料", True)]


def test_values_parse_to_the_specs_forms(built):
    con, *_ = built
    # fixture rows read by hand: full-width key, native XLSX date, 0.2万 fee, width-folded and
    # lower-cased key, GB18030 Chinese date, +86 mobile
    assert rows(con, """select commission_no, commission_date::varchar, fee, nature, org_match_name, phone
                        from staging.stg_commissions where _reject_reason is null and commission_no like 'CX2008%'
                        order by _load_id, _row_number""") == [
        ("CX2008-001", "2008-03-05", 1200, "enterprise", "北京华科新材料", "13912345678"),
        ("CX2008-002", "2008-04-01", 1200, "cas", "中国科学院化学研究所", "01062538888"),
        ("CX2008-004", "2008-06-01", 1500, "university", "华北理工大学", "01062538888"),
        ("CX2008-005", "2008-09-09", 2000, "enterprise", "北京华科新材料", None),
        ("CX2008-001", "2008-03-05", None, "enterprise", "北京华科新材料", None),
    ]
    assert rows(con, "select len(list_distinct(honors)), talents, year from staging.stg_profiles "
                     "where _reject_reason is null") == [(2, 12, 2008)]


def test_dbt_docs_generate_works_offline(built, tmp_path):
    from warehouse.dbt_project import DBT_PROJECT_DIR, generate_docs

    con, *_ = built
    warehouse = con.execute("select path from duckdb_databases() where database_name = current_database()").fetchall()[0][0]
    copy = tmp_path / "warehouse.duckdb"   # dbt runs in its own process; this one holds the original
    shutil.copyfile(warehouse, copy)
    assert generate_docs(copy).exists()
    catalog = json.loads((DBT_PROJECT_DIR / "target" / "catalog.json").read_text())
    assert "model.chaxin.mart_tier_summary" in catalog["nodes"]
