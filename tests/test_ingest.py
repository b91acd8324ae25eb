"""Inbox -> raw on real files: families, encodings, header rows, ledger, rejections, idempotence."""
from __future__ import annotations

import hashlib
import shutil

import pytest

from ingest import ingest_inbox
from ingest.families import FAMILY_BY_NAME
from ingest.headers import FamilyNotRecognised, detect
from warehouse import connect

from .conftest import rows


def ledger(con):
    return {r[0]: r[1:] for r in rows(con, """
        select file, status, family, encoding, rows, header_row from raw.ingested_files""")}


def test_every_file_lands_in_its_family_with_its_encoding(inbox, tmp_path):
    con = connect(tmp_path / "w.duckdb")
    ingest_inbox(con, inbox, settle_seconds=0)
    got = ledger(con)
    # (status, family, encoding, rows loaded, header row) worked out from each fixture by hand
    assert got["2008_commissions_gb18030.csv"] == ("loaded", "commissions", "gb18030", 3, 1)
    assert got["2008_commissions_title_rows.xlsx"] == ("loaded", "commissions", "xlsx", 3, 3)
    assert got["2009_commissions_english.csv"] == ("loaded", "commissions", "utf-8-sig", 4, 1)
    assert got["2010_commissions_reexport.csv"] == ("loaded", "commissions", "utf-8", 1, 1)
    for family in ("profiles", "patents", "feedback", "surveys", "services", "activities"):
        assert got[f"{family}.csv"][:2] == ("loaded", family)
        assert got[f"{family}.csv"][3] == 2
    assert got["profiles.csv"][2] == "gb18030"


def test_raw_keeps_text_as_found_with_lineage(inbox, tmp_path):
    con = connect(tmp_path / "w.duckdb")
    ingest_inbox(con, inbox, settle_seconds=0)
    # GB18030 decoded, alias header 查新编号 mapped to commission_no, value untouched (lower case)
    assert rows(con, """select commission_no, fee, commission_date, _row_number from raw.commissions
                        where _file = '2008_commissions_gb18030.csv' order by _row_number""") == [
        ("cx2008-001", "1,200", "2008年3月5日", 2),
        ("CX2008-002", "0.12万元", "2008/4/1", 3),
        ("CX2008-003", "￥800", "2008年2月30日", 4),
    ]
    # XLSX: row numbers as Excel shows them under a title row; a native date cell as an ISO date,
    # a number cell without '.0', the full-width header ｆｅｅ mapped to fee
    assert rows(con, """select commission_no, commission_date, fee, recognition, _row_number
                        from raw.commissions where _file like '%.xlsx' order by _row_number""") == [
        ("ＣＸ2008-004", "2008-06-01", "1500", "6", 4),
        (None, "2008-07-01", None, None, 5),
        ("CX2008-005", "2008-09-09", "0.2万", "5", 6),
    ]
    load_ids = rows(con, "select distinct _load_id from raw.commissions order by 1")
    assert len(load_ids) == 4


def test_native_cells_read_as_text_with_their_spreadsheet_row_numbers(tmp_path):
    """Blank rows above and a blank column A: row numbers stay Excel's. A native date-time keeps its
    time, a fraction its decimals, a whole number loses '.0', a boolean reads true."""
    import datetime as dt

    import xlsxwriter

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    book = xlsxwriter.Workbook(str(inbox / "activities.xlsx"))
    sheet, when = book.add_worksheet(), book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    sheet.write_row(2, 1, ["日期", "委托单位", "活动类型", "负责人", "备注"])
    sheet.write_datetime(3, 1, dt.datetime(2010, 3, 5, 13, 5), when)
    sheet.write_row(3, 2, ["甲公司", "回访", 7.0, 0.25])
    sheet.write_datetime(5, 1, dt.datetime(2010, 4, 1), when)
    sheet.write_row(5, 2, ["乙公司", True, 12345678901, "  "])
    book.close()
    con = connect(tmp_path / "w.duckdb")
    ingest_inbox(con, inbox, settle_seconds=0)
    assert rows(con, """select activity_date, org_name, activity_type, staff, note, _row_number
                        from raw.activities order by _row_number""") == [
        ("2010-03-05 13:05:00", "甲公司", "回访", "7", "0.25", 4),
        ("2010-04-01", "乙公司", "true", "12345678901", "  ", 6)]


def test_a_file_of_no_family_or_two_is_rejected_naming_what_was_expected(inbox, tmp_path):
    con = connect(tmp_path / "w.duckdb")
    results = {r.file: r for r in ingest_inbox(con, inbox, settle_seconds=0)}
    assert results["no_family.csv"].status == "rejected"
    assert "no header row in the first 10 rows matches a family" in results["no_family.csv"].reason
    assert "commissions: 编号, 用户性质, 委托日期, 委托单位" in results["no_family.csv"].reason
    assert results["two_families.csv"].status == "rejected"
    assert "more than one family (feedback and surveys)" in results["two_families.csv"].reason
    recorded = rows(con, "select file, status from raw.ingested_files where status = 'rejected' order by file")
    assert recorded == [("no_family.csv", "rejected"), ("two_families.csv", "rejected")]


def test_a_ragged_row_goes_to_quarantine_naming_the_line_and_the_other_rows_load(inbox, tmp_path):
    con = connect(tmp_path / "w.duckdb")
    results = {r.file: r for r in ingest_inbox(con, inbox, settle_seconds=0)}
    assert (results["ragged.csv"].status, results["ragged.csv"].rows) == ("loaded", 2)
    # line 3 has a third field: it keeps the fields the header names and the reason, for staging to quarantine
    assert rows(con, """select commission_no, rating, _row_number, _ingest_error from raw.feedback
                        where _file = 'ragged.csv' order by _row_number""") == [
        ("CX2008-002", "满意", 2, None), ("CX2008-001", "满意", 3, "line 3 has 3 fields, the header 2")]
    assert rows(con, "select count(*) from raw.feedback where _file = 'feedback.csv'") == [(2,)]


def test_byte_identical_copy_is_skipped_by_sha256(inbox, tmp_path):
    shutil.copyfile(inbox / "2008_commissions_gb18030.csv", inbox / "2011_copy_of_2008.csv")
    con = connect(tmp_path / "w.duckdb")
    ingest_inbox(con, inbox, settle_seconds=0)
    status, reason = rows(con, "select status, reason from raw.ingested_files where file = '2011_copy_of_2008.csv'")[0]
    assert status == "duplicate"
    assert reason == "byte-identical to 2008_commissions_gb18030.csv, already loaded"
    assert rows(con, "select count(*) from raw.commissions where _file = '2011_copy_of_2008.csv'") == [(0,)]


def test_second_ingest_changes_nothing_and_inputs_are_never_touched(inbox, tmp_path):
    before = {p.name: (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns) for p in inbox.iterdir()}
    con = connect(tmp_path / "w.duckdb")
    ingest_inbox(con, inbox, settle_seconds=0)
    snapshot = rows(con, "select * exclude (ingested_at) from raw.ingested_files order by load_id")
    counts = rows(con, "select (select count(*) from raw.commissions), (select count(*) from raw.profiles)")
    again = ingest_inbox(con, inbox, settle_seconds=0)
    assert {r.status for r in again} == {"unchanged"}
    assert rows(con, "select * exclude (ingested_at) from raw.ingested_files order by load_id") == snapshot
    assert rows(con, "select (select count(*) from raw.commissions), (select count(*) from raw.profiles)") == counts
    after = {p.name: (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns) for p in inbox.iterdir()}
    assert after == before


def test_a_failed_load_leaves_raw_as_before(inbox, tmp_path, monkeypatch):
    """Kill the load between the insert and the ledger row: the transaction leaves nothing behind."""
    import ingest.load as load

    con = connect(tmp_path / "w.duckdb")
    real_record = load._record

    def crash(con, result, *args, **kwargs):
        if result.status == "loaded" and result.file == "patents.csv":
            raise KeyboardInterrupt("killed mid-file")
        return real_record(con, result, *args, **kwargs)

    monkeypatch.setattr(load, "_record", crash)
    with pytest.raises(KeyboardInterrupt):
        ingest_inbox(con, inbox, settle_seconds=0)
    con.close()   # as a killed process would
    con = connect(tmp_path / "w.duckdb")
    assert rows(con, "select count(*) from raw.patents") == [(0,)]
    assert rows(con, "select count(*) from raw.ingested_files where file = 'patents.csv'") == [(0,)]
    monkeypatch.setattr(load, "_record", real_record)
    ingest_inbox(con, inbox, settle_seconds=0)   # the next run completes it, nothing doubled
    assert rows(con, "select count(*) from raw.patents") == [(2,)]
    assert rows(con, "select count(*) from raw.ingested_files where file = 'patents.csv'") == [(1,)]


def test_header_detection_ignores_width_and_padding_and_finds_title_rows():
    rows_ = [["查新委托记录导出 2008年"], [], [" 委托日期", "\u3000编号\u3000", "ＵＳＥＲＮＡＭＥ", "委托单位", "用户性质", "备注"]]
    match = detect(rows_)
    assert match.family is FAMILY_BY_NAME["commissions"]
    assert match.row_index == 2
    assert match.positions == {"commission_date": 0, "commission_no": 1, "username": 2, "org_name": 3, "nature": 4}
    assert match.unmapped == ["备注"]
    with pytest.raises(FamilyNotRecognised):
        detect([["a"]] * 10 + [["编号", "满意度"]])   # header below row 10 is not looked for
