"""Ingest into PostgreSQL (issue 13 item 3) on a real server: the same raw and ledger as DuckDB's,
idempotence, and one transaction per file when the COPY fails, is interrupted, or its process dies."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import duckdb
import psycopg
import pytest

from ingest import FAMILIES, ingest_inbox
from ingest.raw_postgres import postgres_raw
from warehouse import connect

from .conftest import rows
from .postgres_server import fresh_database

LEDGER = ("load_id, file, sha256, family, encoding, status, reason, rows, blank_rows, header_row, "
          "unmapped_columns, replaces_load_id, run_id")   # every column but ingested_at


def raw_tables(query) -> dict[str, Counter]:
    """Every raw table as a multiset of rows (the ledger without its times), from either target."""
    tables = {"ingested_files": Counter(query(f"select {LEDGER} from raw.ingested_files"))}
    for family in FAMILIES:
        columns = ", ".join(f'"{c}"' for c in [*family.column_names, "_file", "_row_number", "_load_id",
                                                 "_ingest_error"])
        tables[family.name] = Counter(query(f"select {columns} from raw.{family.name}"))
    return tables


def of_duckdb(con):
    return raw_tables(lambda sql: rows(con, sql))


def of_postgres(url):
    with psycopg.connect(url) as pg:
        return raw_tables(lambda sql: pg.execute(sql).fetchall())


def ingest_into_postgres(url, inbox, **kwargs):
    with postgres_raw(url) as target:
        return {r.file: r for r in ingest_inbox(target, inbox, settle_seconds=0, **kwargs)}


def test_the_fixture_inbox_gives_the_same_raw_and_ledger_on_both_targets(inbox, tmp_path, postgres_url):
    url = fresh_database(postgres_url, "same_raw")
    shutil.copyfile(inbox / "2008_commissions_gb18030.csv", inbox / "2011_copy_of_2008.csv")   # a duplicate
    con = connect(tmp_path / "w.duckdb")
    ingest_inbox(con, inbox, settle_seconds=0, run_id="r1")
    first = ingest_into_postgres(url, inbox, run_id="r1")
    assert of_postgres(url) == of_duckdb(con)
    # patents.csv saved over with new bytes: a second load replaces the first, on both targets
    (inbox / "patents.csv").write_text("专利号,申请人,专利类型,申请日\nZL1,某公司,发明,2009-01-01\n",
                                       encoding="utf-8")
    ingest_inbox(con, inbox, settle_seconds=0, run_id="r2")
    second = ingest_into_postgres(url, inbox, run_id="r2")
    assert of_postgres(url) == of_duckdb(con)

    # and what PostgreSQL holds, by hand from the fixtures (tests/fixtures/README.md)
    assert (first["no_family.csv"].status, first["two_families.csv"].status) == ("rejected", "rejected")
    assert first["2011_copy_of_2008.csv"].reason == "byte-identical to 2008_commissions_gb18030.csv, already loaded"
    assert [f for f, r in second.items() if r.status != "unchanged"] == ["patents.csv"]
    assert second["patents.csv"].rows == 1
    with psycopg.connect(url) as pg:
        assert pg.execute("""select commission_no, fee, commission_date, _row_number from raw.commissions
                             where _file = '2008_commissions_gb18030.csv' order by _row_number""").fetchall() == [
            ("cx2008-001", "1,200", "2008年3月5日", 2),
            ("CX2008-002", "0.12万元", "2008/4/1", 3),
            ("CX2008-003", "￥800", "2008年2月30日", 4),
        ]
        # 14 files: 11 loaded, 2 rejected, 1 duplicate, one load id each in name order; then load 15
        # replaces patents.csv's first load (the 9th file in name order)
        ledger = pg.execute("select load_id, file, status, replaces_load_id from raw.ingested_files "
                            "where file = 'patents.csv' order by load_id").fetchall()
        assert ledger == [(9, "patents.csv", "loaded", None), (15, "patents.csv", "loaded", 9)]
        assert pg.execute("select count(*) from raw.ingested_files").fetchall() == [(15,)]


def test_ingesting_again_changes_nothing(inbox, postgres_url):
    url = fresh_database(postgres_url, "again")
    ingest_into_postgres(url, inbox)
    before = of_postgres(url)
    again = ingest_into_postgres(url, inbox)
    assert {r.status for r in again.values()} == {"unchanged"}
    assert of_postgres(url) == before


def test_a_row_the_server_refuses_mid_copy_rejects_the_whole_file(inbox, postgres_url):
    """A NUL byte in the 30th of 50 rows: PostgreSQL text cannot hold it (DuckDB can), so the COPY
    fails after 29 rows went in; the file is rejected whole, its reason in the ledger, no row kept."""
    url = fresh_database(postgres_url, "refused")
    lines = ["编号,满意度", *(f"CX{i},满意" if i != 30 else "CX30,满\x00意" for i in range(1, 51))]
    (inbox / "feedback_nul.csv").write_bytes("\n".join(lines).encode() + b"\n")
    results = ingest_into_postgres(url, inbox)
    assert results["feedback_nul.csv"].status == "rejected"
    # the file's row 31 (CX30 under the header), in the ledger's one line
    assert results["feedback_nul.csv"].reason == ('ValueRefused: row 31 holds a value PostgreSQL cannot store: '
                                                  'invalid byte sequence for encoding "UTF8": 0x00')
    assert results["feedback.csv"].status == "loaded"
    with psycopg.connect(url) as pg:
        assert pg.execute("select count(*) from raw.feedback where _file = 'feedback_nul.csv'").fetchall() == [(0,)]
        assert pg.execute("select status, rows from raw.ingested_files where file = 'feedback_nul.csv'"
                          ).fetchall() == [("rejected", 0)]
        assert pg.execute("select count(*) from raw.feedback").fetchall() == [(4,)]   # feedback.csv, ragged.csv


def test_an_interrupted_file_leaves_no_rows_and_no_ledger_row(inbox, postgres_url, monkeypatch):
    """Interrupted after its rows were COPYed, before the ledger row: the transaction takes both back."""
    import ingest.load as load

    url = fresh_database(postgres_url, "interrupted")
    real_record = load._record

    def crash(target, result, *args, **kwargs):
        if result.status == "loaded" and result.file == "patents.csv":
            with psycopg.connect(url) as other:   # the rows are there, unseen outside the transaction
                assert other.execute("select count(*) from raw.patents").fetchall() == [(0,)]
            assert target.rows("select count(*) from raw.patents", []) == [(2,)]
            raise KeyboardInterrupt("killed mid-file")
        return real_record(target, result, *args, **kwargs)

    monkeypatch.setattr(load, "_record", crash)
    with pytest.raises(KeyboardInterrupt):
        ingest_into_postgres(url, inbox)
    with psycopg.connect(url) as pg:
        assert pg.execute("select count(*) from raw.patents").fetchall() == [(0,)]
        assert pg.execute("select count(*) from raw.ingested_files where file = 'patents.csv'").fetchall() == [(0,)]
    monkeypatch.setattr(load, "_record", real_record)
    results = ingest_into_postgres(url, inbox)   # the next ingest completes it, nothing doubled
    assert results["patents.csv"].status == "loaded"
    # the files before it (in name order) were committed before the interruption; the rest are new
    assert {r.status for f, r in results.items() if f < "patents.csv"} == {"unchanged"}
    with psycopg.connect(url) as pg:
        assert pg.execute("select count(*) from raw.patents").fetchall() == [(2,)]


KILLED_ROWS = 200_000


def test_an_ingest_killed_mid_copy_leaves_nothing_and_the_next_one_loads_the_file_once(tmp_path, postgres_url):
    """A real process SIGKILLed while the server reports its COPY under way: the server rolls the
    file's transaction back and frees the ingest lock; the next ingest loads every row once."""
    url = fresh_database(postgres_url, "killed")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    duckdb.sql(f"""copy (select 'CX' || i as 编号, '企业' as 用户性质, '2009-01-01' as 委托日期,
                                '某某科技有限公司' || i as 委托单位,
                                repeat('查新项目', 8) as 项目名称
                         from range({KILLED_ROWS}) as t(i))
                   to '{inbox / "commissions.csv"}' (format csv, header true)""")
    code = ("import sys; from pathlib import Path; from ingest import ingest_inbox; "
            "from ingest.raw_postgres import postgres_raw\n"
            "with postgres_raw(sys.argv[1]) as t: ingest_inbox(t, Path(sys.argv[2]), settle_seconds=0)")
    child = subprocess.Popen([sys.executable, "-c", code, url, str(inbox)], cwd=Path(__file__).parents[1])
    with psycopg.connect(url, autocommit=True) as watch:
        copied = 0
        deadline = time.monotonic() + 60
        while copied == 0 and child.poll() is None and time.monotonic() < deadline:
            copied = watch.execute("select coalesce(max(tuples_processed), 0) from pg_stat_progress_copy"
                                   ).fetchall()[0][0]
            time.sleep(0.01)
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        assert copied > 0, "the COPY was not seen under way before the process ended"
        while watch.execute("select count(*) from pg_stat_activity where datname = current_database() "
                            "and pid <> pg_backend_pid() and backend_type = 'client backend'").fetchall()[0][0]:
            time.sleep(0.05)   # the server notices the dead client and rolls its transaction back
        assert watch.execute("select count(*) from raw.commissions").fetchall() == [(0,)]
        assert watch.execute("select count(*) from raw.ingested_files").fetchall() == [(0,)]
    results = ingest_into_postgres(url, inbox)
    assert (results["commissions.csv"].status, results["commissions.csv"].rows) == ("loaded", KILLED_ROWS)
    with psycopg.connect(url) as pg:
        assert pg.execute("select count(*), count(distinct commission_no), min(_row_number), max(_row_number) "
                          "from raw.commissions").fetchall() == [(KILLED_ROWS, KILLED_ROWS, 2, KILLED_ROWS + 1)]
