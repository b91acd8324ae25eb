"""SPEC §2: a file saved over an earlier one replaces it. The earlier version's rows are retired in every
family (kept in raw for lineage), the ledger says which load replaced which, and the marts equal a
build from the new files alone, on both targets."""
from __future__ import annotations

import shutil

from ingest import ingest_inbox
from warehouse import connect

from . import hostile_files as hf
from .conftest import SERVER_CASE_SLOW, copy_station, reading, rows, run_warehouse

NEW_VERSIONS = {   # the fixture files saved over with new bytes
    "activities.csv": "日期,委托单位,活动类型,负责人,备注\n"
                      "2010-12-22,北京华科新材料股份有限公司,培训,孙玉玲,\n"
                      "2010-12-23,华北理工大学,产品推送,孙玉玲,新版\n",
    "feedback.csv": "\ufeff编号,满意度,反馈日期,渠道,意见\nCX2008-002,满意,2008-04-20,平台,\n",
    "2009_commissions_english.csv": (
        "\ufeffcommission_no,commission_date,org_name,username,nature,status,recognition,phone,email\n"
        "CX2009-001,20090105,,zhangwei,企业,,,13912345678,\n"
        "CX2009-003,2009.03.01,华北理工大学,hbut,高校,completed,4,,\n"
        "CX2009-004,2009-04-01,华北理工大学,hbut,高校,completed,5,,\n"),
}


def activities(n: int, tag: str) -> str:
    return hf.csv_text([hf.ACTIVITIES_HEADER, *hf.activities_rows(n, tag)])


def ledger(con):
    return rows(con, "select load_id, file, status, replaces_load_id, reason from raw.ingested_files order by load_id")


def test_a_new_version_replaces_the_live_one_and_a_rejected_one_does_not(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    con = connect(tmp_path / "w.duckdb")
    a = inbox / "a.csv"
    a.write_text(activities(2, "v1"), encoding="utf-8")
    ingest_inbox(con, inbox, settle_seconds=0)
    a.write_text(activities(3, "v2"), encoding="utf-8")                 # saved over: new bytes
    ingest_inbox(con, inbox, settle_seconds=0)
    a.write_text("no,family\n", encoding="utf-8")                       # a broken version
    ingest_inbox(con, inbox, settle_seconds=0)
    a.write_text(activities(3, "v2"), encoding="utf-8")                 # put back: already live
    ingest_inbox(con, inbox, settle_seconds=0)
    a.write_text(activities(2, "v1"), encoding="utf-8")                 # the first bytes again: reloaded
    ingest_inbox(con, inbox, settle_seconds=0)
    assert [r.status for r in ingest_inbox(con, inbox, settle_seconds=0)] == ["unchanged"]
    got = ledger(con)
    assert [g[:4] for g in got] == [
        (1, "a.csv", "loaded", None),
        (2, "a.csv", "loaded", 1),
        (3, "a.csv", "rejected", None),
        (4, "a.csv", "duplicate", None),
        (5, "a.csv", "loaded", 2),
    ]
    assert got[1][4] == "replaces load 1, the earlier version of this file"
    assert got[2][4].endswith("; the earlier version (load 2) stays live")
    assert got[3][4] == "byte-identical to its own live version (load 2)"
    # raw keeps every version for lineage: 2 + 3 + 2 rows
    assert rows(con, "select _load_id, count(*) from raw.activities group by all order by all") == [
        (1, 2), (2, 3), (5, 2)]


def test_a_copy_of_a_replaced_file_is_no_duplicate_of_it(tmp_path):
    """The byte-identical check looks at live files only: bytes whose load was retired load again."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    con = connect(tmp_path / "w.duckdb")
    (inbox / "a.csv").write_text(activities(2, "v1"), encoding="utf-8")
    ingest_inbox(con, inbox, settle_seconds=0)
    (inbox / "a.csv").write_text(activities(2, "v2"), encoding="utf-8")
    (inbox / "b.csv").write_text(activities(2, "v1"), encoding="utf-8")   # the first version, under a new name
    ingest_inbox(con, inbox, settle_seconds=0)
    assert [g[:4] for g in ledger(con)] == [
        (1, "a.csv", "loaded", None), (2, "a.csv", "loaded", 1), (3, "b.csv", "loaded", None)]


def comparable(con, schema: str) -> dict[str, list[tuple]]:
    """Every table of a schema, rows sorted, without load ids (they number the loads, which differ
    between an incremental and a fresh build) and the lineage hashes, some of whole rows with theirs."""
    tables = [t for (t,) in rows(con, "select table_name from information_schema.tables where table_schema = ?",
                                 schema)]
    out = {}
    for table in tables:
        columns = [c for (c,) in rows(con, """select column_name from information_schema.columns
                                              where table_schema = ? and table_name = ? order by ordinal_position""",
                                      schema, table) if c not in ("_load_id", "load_id", "_inputs_hash", "_rows_hash")]
        select = ", ".join(f'"{c}"' for c in columns)
        out[table] = rows(con, f'select {select} from {schema}."{table}" order by all')
    return out


@SERVER_CASE_SLOW
def test_after_files_are_saved_over_the_marts_equal_a_build_from_the_new_files_alone(built_on_target, new_station,
                                                                                       tmp_path):
    incremental = copy_station(built_on_target, tmp_path / "incremental")   # the fixture inbox, built
    for name, text in NEW_VERSIONS.items():
        (incremental.inbox / name).write_text(text, encoding="utf-8")
    assert run_warehouse(incremental).ok

    fresh = new_station(tmp_path / "fresh", tmp_path / "fresh" / "inbox")
    shutil.copytree(incremental.inbox, fresh.inbox)
    assert run_warehouse(fresh).ok

    checked = ("marts", "quarantine", "staging.stg_activities", "staging.stg_feedback",
               "intermediate.int_commissions_deduplicated", "raw.ingested_files")
    with reading(incremental, *checked) as con, reading(fresh, "marts", "quarantine") as fresh_con:
        # staging holds only the new versions' rows (worked out from NEW_VERSIONS by hand)
        assert rows(con, "select activity_date::varchar, activity_type from staging.stg_activities order by 1") == [
            ("2010-12-22", "training"), ("2010-12-23", "product_push")]
        assert rows(con, """select _file, commission_no, rating from staging.stg_feedback
                            where _file = 'feedback.csv'""") == [("feedback.csv", "CX2008-002", 1.0)]
        assert rows(con, """select commission_no, recognition from intermediate.int_commissions_deduplicated
                            where commission_no like 'CX2009%' order by 1""") == [
            ("CX2009-001", None), ("CX2009-003", 4.0), ("CX2009-004", 5.0)]
        # the ledger says what each new version replaced
        replaced = rows(con, """select new.file, old.load_id = new.replaces_load_id
                                from raw.ingested_files as new join raw.ingested_files as old
                                    on old.file = new.file and old.load_id < new.load_id
                                where new.replaces_load_id is not null order by 1""")
        assert replaced == [("2009_commissions_english.csv", True), ("activities.csv", True), ("feedback.csv", True)]
        # every mart and the quarantine as a build from the new files alone: the retired rows are nowhere
        for schema in ("marts", "quarantine"):
            assert comparable(con, schema) == comparable(fresh_con, schema), schema
