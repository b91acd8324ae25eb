"""The inbox rules of SPEC §2 against hostile files, one test per case of issue 10 (real files, real DuckDB)."""
from __future__ import annotations

import os

import pytest

from ingest import ingest_inbox
from warehouse import connect

from . import hostile_files as hf
from .conftest import rows


def ingest(con, inbox, **kwargs):
    """Files written a moment ago are old enough here: the settling wait has its own test."""
    return {r.file: r for r in ingest_inbox(con, inbox, settle_seconds=0, **kwargs)}


@pytest.fixture
def inbox(tmp_path):
    folder = tmp_path / "inbox"
    folder.mkdir()
    return folder


@pytest.fixture
def con(tmp_path):
    con = connect(tmp_path / "w.duckdb")
    yield con
    con.close()


def assert_one_line(reason: str, *words: str) -> None:
    assert "\n" not in reason and len(reason) <= 300, reason
    for word in words:
        assert word in reason, reason


def test_big5_and_shift_jis_are_rejected_as_an_unknown_encoding(inbox, con):
    (inbox / "taiwan.csv").write_bytes(hf.commissions_csv(hf.BIG5_NAMES, "cp950"))
    (inbox / "japan.csv").write_bytes(hf.commissions_csv(hf.SJIS_NAMES, "cp932"))
    # genuine GB18030: simplified names, and traditional ones (legal in GBK) as a mainland export may hold
    (inbox / "mainland.csv").write_bytes(hf.commissions_csv(hf.GB_NAMES + hf.BIG5_NAMES[:4], "gb18030"))
    got = ingest(con, inbox)
    assert got["taiwan.csv"].status == "rejected"
    assert_one_line(got["taiwan.csv"].reason, "not UTF-8 or GB18030", "Big5", "save it as CSV UTF-8")
    assert got["japan.csv"].status == "rejected"
    assert_one_line(got["japan.csv"].reason, "not UTF-8 or GB18030", "Shift-JIS", "save it as CSV UTF-8")
    assert (got["mainland.csv"].status, got["mainland.csv"].encoding, got["mainland.csv"].rows) == (
        "loaded", "gb18030", 12)
    assert rows(con, "select count(*) from raw.commissions where _file <> 'mainland.csv'") == [(0,)]


def test_a_file_name_that_is_not_utf8_loads_under_a_safe_name(inbox, con):
    rows_ = [hf.ACTIVITIES_HEADER, *hf.activities_rows(2)]
    (inbox / os.fsdecode(b"activities_\xb5\xe7.csv")).write_text(hf.csv_text(rows_), encoding="utf-8")
    got = ingest(con, inbox)
    assert list(got) == ["activities_\\xb5\\xe7.csv"]
    assert (got["activities_\\xb5\\xe7.csv"].status, got["activities_\\xb5\\xe7.csv"].rows) == ("loaded", 2)
    assert rows(con, "select distinct _file from raw.activities") == [("activities_\\xb5\\xe7.csv",)]
    assert set(ingest(con, inbox).values()) == {got["activities_\\xb5\\xe7.csv"].__class__(
        "activities_\\xb5\\xe7.csv", "unchanged", encoding="utf-8")}


def test_an_xlsx_declaring_a_huge_sheet_is_refused_before_it_is_read(inbox, con):
    table = [hf.ACTIVITIES_HEADER, *hf.activities_rows(3)]
    (inbox / "huge.xlsx").write_bytes(hf.xlsx_bytes(table, dimension="A1:AX1000000"))
    (inbox / "fine.xlsx").write_bytes(hf.xlsx_bytes(table))
    got = ingest(con, inbox)
    assert got["huge.xlsx"].status == "rejected"
    # 1,000,000 rows x 50 columns (A..AX) = 50,000,000 cells, worked out by hand
    assert_one_line(got["huge.xlsx"].reason, "50,000,000 cells", "12,000,000", "split", "CSV")
    assert (got["fine.xlsx"].status, got["fine.xlsx"].rows) == ("loaded", 3)


@pytest.mark.parametrize("name, data, words", [
    ("old.xls", hf.ole2_bytes(("Workbook", "\x05SummaryInformation")), ("Excel 97-2003", "XLSX")),
    ("locked.xlsx", hf.ole2_bytes(("\x06DataSpaces", "EncryptionInfo", "EncryptedPackage")),
     ("password", "XLSX")),
    ("unicode.txt", "\ufeff编号\t委托日期\r\n".encode("utf-16-le"), ("UTF-16", "CSV UTF-8")),
    ("unicode_no_bom.csv", "编号,委托日期,委托单位,用户性质\r\n".encode("utf-16-le"), ("UTF-16", "CSV UTF-8")),
    ("utf32.csv", "\ufeff编号,委托日期\r\n".encode("utf-32"), ("UTF-32", "CSV UTF-8")),
    ("sheet.ods", hf.ods_bytes(), ("OpenDocument", "XLSX")),
    ("exports.zip", hf.zip_bytes(), ("ZIP", "not an XLSX")),
    ("logo.png", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, ("a PNG image", "not CSV text")),
    ("blob.csv", bytes(range(256)) * 8, ("a binary file", "not CSV text")),
])
def test_files_of_other_kinds_are_named_with_what_to_do(inbox, con, name, data, words):
    (inbox / name).write_bytes(data)
    got = ingest(con, inbox)[name]
    assert got.status == "rejected"
    assert "universal-newline" not in got.reason and "no header row" not in got.reason
    assert_one_line(got.reason, *words)


def test_a_20_mb_field_quarantines_its_row_with_the_cause_in_one_short_line(inbox, con):
    lines = [hf.ACTIVITIES_HEADER, *hf.activities_rows(2)]
    lines.insert(2, ["2010-01-01", "北京华科新材料股份有限公司", "回访", "x" * 20_000_000, ""])
    (inbox / "activities.csv").write_text(hf.csv_text(lines), encoding="utf-8")
    got = ingest(con, inbox)["activities.csv"]
    assert (got.status, got.rows) == ("loaded", 3)
    ((row_number, error),) = rows(con, "select _row_number, _ingest_error from raw.activities "
                                       "where _ingest_error is not null")
    assert row_number == 3
    assert_one_line(error, "line 3", "20,000,", "longer than")


def test_ragged_rows_and_an_unbalanced_quote_are_quarantined_and_the_other_rows_load(inbox, con):
    text = ("日期,委托单位,活动类型\r\n"             # line 1: the header
            "2010-01-01,甲公司,回访\r\n"             # 2 good
            "2010-01-02,乙公司,回访,多余\r\n"        # 3 one field too many
            "2010-01-03,丙公司\r\n"                  # 4 one field short
            '2010-01-04,"丁公司,回访\r\n'            # 5 a quote that never closes
            "2010-01-05,戊公司,培训\r\n"             # 6 good: not swallowed by line 5
            '2010-01-06,"己\r\n公司",回访\r\n'       # 7-8 a quoted line break: one good row
            "2010-01-07,庚公司,回访\r\n")            # 9 good
    (inbox / "activities.csv").write_text(text, encoding="utf-8")
    got = ingest(con, inbox)["activities.csv"]
    assert (got.status, got.rows, got.blank_rows) == ("loaded", 7, 0)
    # Excel numbers records: the quoted line break keeps rows 7 and 8 one record (row 7)
    assert rows(con, """select _row_number, activity_date, org_name, activity_type, _ingest_error
                        from raw.activities order by _row_number""") == [
        (2, "2010-01-01", "甲公司", "回访", None),
        (3, "2010-01-02", "乙公司", "回访", "line 3 has 4 fields, the header 3"),
        (4, "2010-01-03", "丙公司", None, "line 4 has 2 fields, the header 3"),
        (5, "2010-01-04", "丁公司,回访", None, "line 5 opens a quote that is never closed"),
        (6, "2010-01-05", "戊公司", "培训", None),
        (7, "2010-01-06", "己\r\n公司", "回访", None),
        (8, "2010-01-07", "庚公司", "回访", None),
    ]


def test_the_walk_follows_no_symlink_and_skips_hidden_files_and_folders(inbox, con, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    text = hf.csv_text([hf.ACTIVITIES_HEADER, *hf.activities_rows(1)])
    (outside / "secret.csv").write_text(text, encoding="utf-8")
    (inbox / "link.csv").symlink_to(outside / "secret.csv")
    (inbox / "linked_folder").symlink_to(outside, target_is_directory=True)
    (inbox / "passwd.csv").symlink_to("/etc/passwd")
    (inbox / ".hidden").mkdir()
    (inbox / ".hidden" / "activities.csv").write_text(text, encoding="utf-8")
    (inbox / ".activities.csv").write_text(text, encoding="utf-8")
    (inbox / "real").mkdir()
    (inbox / "real" / "activities.csv").write_text(text, encoding="utf-8")
    assert list(ingest(con, inbox)) == ["real/activities.csv"]


def test_a_file_still_being_written_waits_for_the_next_run(inbox, con):
    text = hf.csv_text([hf.ACTIVITIES_HEADER, *hf.activities_rows(1)])
    (inbox / "old.csv").write_text(text, encoding="utf-8")
    os.utime(inbox / "old.csv", (0, os.path.getmtime(inbox / "old.csv") - 60))
    (inbox / "fresh.csv").write_text(text.replace("回访", "培训"), encoding="utf-8")
    got = {r.file: r for r in ingest_inbox(con, inbox, settle_seconds=30)}
    assert got["old.csv"].status == "loaded"
    assert got["fresh.csv"].status == "waiting"
    assert_one_line(got["fresh.csv"].reason, "modified", "s ago: it loads on the next run")
    assert rows(con, "select file from raw.ingested_files") == [("old.csv",)]
    assert ingest(con, inbox)["fresh.csv"].status == "loaded"


def test_an_error_in_one_file_becomes_its_ledger_row_and_the_others_load(inbox, con, monkeypatch):
    """A bug reached by one file's bytes (here: the XLSX reader) must not stop the others."""
    import ingest.load as load

    real = load.xlsx_sheet

    def broken(path):
        if path.name == "b.xlsx":
            raise RuntimeError("fastexcel could not\ncope")
        return real(path)

    monkeypatch.setattr(load, "xlsx_sheet", broken)   # read in the read-ahead thread: its error still rejects only b.xlsx
    for name in ("a.xlsx", "b.xlsx", "c.xlsx"):
        (inbox / name).write_bytes(hf.xlsx_bytes([hf.ACTIVITIES_HEADER, *hf.activities_rows(2, tag=name)]))
    got = ingest(con, inbox)
    assert [(r.file, r.status) for r in got.values()] == [("a.xlsx", "loaded"), ("b.xlsx", "rejected"),
                                                          ("c.xlsx", "loaded")]
    assert_one_line(got["b.xlsx"].reason, "RuntimeError", "fastexcel could not cope")
    assert rows(con, "select file, status from raw.ingested_files order by load_id") == [
        ("a.xlsx", "loaded"), ("b.xlsx", "rejected"), ("c.xlsx", "loaded")]


def test_the_next_workbook_is_read_in_a_thread_while_the_files_before_it_load(inbox, con, monkeypatch):
    """Read-ahead (ingest/read_ahead.py): each workbook not seen before is read off the main thread,
    in file order, one ahead of the batch; one that turns out a duplicate is read but never loaded."""
    import threading

    import ingest.load as load

    real, reads = load.xlsx_sheet, []

    def recorded(path):
        reads.append((path.name, threading.current_thread() is threading.main_thread()))
        return real(path)

    monkeypatch.setattr(load, "xlsx_sheet", recorded)
    a = hf.xlsx_bytes([hf.ACTIVITIES_HEADER, *hf.activities_rows(2, tag="a")])
    (inbox / "a.xlsx").write_bytes(a)
    (inbox / "b.csv").write_text(hf.csv_text([hf.ACTIVITIES_HEADER, *hf.activities_rows(3, tag="b")]), encoding="utf-8")
    (inbox / "c.xlsx").write_bytes(a)       # the same bytes as a.xlsx: a duplicate
    (inbox / "d.xlsx").write_bytes(hf.xlsx_bytes([hf.ACTIVITIES_HEADER, *hf.activities_rows(4, tag="d")]))
    got = ingest(con, inbox)
    assert [(r.file, r.status, r.rows) for r in got.values()] == [
        ("a.xlsx", "loaded", 2), ("b.csv", "loaded", 3), ("c.xlsx", "duplicate", 0), ("d.xlsx", "loaded", 4)]
    assert reads[0] == ("a.xlsx", False) and reads[-1] == ("d.xlsx", False)
    assert [name for name, _ in reads] in (["a.xlsx", "c.xlsx", "d.xlsx"], ["a.xlsx", "d.xlsx"])
    assert rows(con, "select _file, count(*) from raw.activities group by all order by 1") == [
        ("a.xlsx", 2), ("b.csv", 3), ("d.xlsx", 4)]
    reads.clear()
    assert {r.status for r in ingest(con, inbox).values()} == {"unchanged"} and reads == []


def test_a_file_whose_bytes_its_name_last_loaded_is_only_hashed(inbox, con, monkeypatch):
    """The encoding pass (readers.fingerprint) reads only files to load: a file whose bytes its name last
    loaded, or was rejected with, is known by its sha256 alone; a duplicate is decided in its turn."""
    import ingest.load as load

    real, looked = load.fingerprint, []
    monkeypatch.setattr(load, "fingerprint", lambda path: looked.append(path.name) or real(path))
    a = hf.csv_text([hf.ACTIVITIES_HEADER, *hf.activities_rows(2, tag="a")])
    (inbox / "a.csv").write_text(a, encoding="utf-8")
    (inbox / "b.csv").write_text("no,family\n", encoding="utf-8")
    (inbox / "c.csv").write_text(a, encoding="utf-8")
    assert [r.status for r in ingest(con, inbox).values()] == ["loaded", "rejected", "duplicate"]
    assert looked == ["a.csv", "b.csv", "c.csv"]
    looked.clear()
    (inbox / "d.csv").write_text(hf.csv_text([hf.ACTIVITIES_HEADER, *hf.activities_rows(1, tag="d")]), encoding="utf-8")
    assert [(r.file, r.status) for r in ingest(con, inbox).values()] == [
        ("a.csv", "unchanged"), ("b.csv", "unchanged"), ("c.csv", "unchanged"), ("d.csv", "loaded")]
    assert looked == ["c.csv", "d.csv"]


def test_the_ledger_records_the_run_that_ingested_each_file(inbox, con):
    (inbox / "a.csv").write_text(hf.csv_text([hf.ACTIVITIES_HEADER, *hf.activities_rows(1)]), encoding="utf-8")
    ingest(con, inbox, run_id="run-1")
    (inbox / "b.csv").write_text("no,family\n", encoding="utf-8")
    ingest(con, inbox, run_id="run-2")
    assert rows(con, "select file, status, run_id from raw.ingested_files order by load_id") == [
        ("a.csv", "loaded", "run-1"), ("b.csv", "rejected", "run-2")]
