"""The demo inbox: deterministic, messy in every way SPEC §2 names, and loadable end to end."""
from __future__ import annotations

import hashlib

from demo import write_demo_inbox

from .conftest import rows


def digest(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path):
    write_demo_inbox(tmp_path / "a", seed=7)
    write_demo_inbox(tmp_path / "b", seed=7)
    write_demo_inbox(tmp_path / "c", seed=8)
    assert digest(tmp_path / "a") == digest(tmp_path / "b")
    assert digest(tmp_path / "a") != digest(tmp_path / "c")


def test_commissions_flag_scales_the_same_shape(tmp_path):
    counts = write_demo_inbox(tmp_path / "big", commissions=20_000)
    assert 18_000 <= counts["commissions"] <= 22_000
    assert counts["clients"] > 3 * 840


def test_demo_has_every_kind_of_mess_and_every_family(demo_built):
    con, *_ = demo_built
    ledger = rows(con, "select file, status, family, encoding from raw.ingested_files")
    by_status = {}
    for file, status, *_ in ledger:
        by_status.setdefault(status, []).append(file)
    assert by_status["rejected"] == ["20110105_查新员工作量统计.csv"]          # a file of no family
    assert by_status["duplicate"] == ["20120110_委托记录_2006-2008 - 副本.csv"]  # byte-identical copy
    assert len(by_status["loaded"]) == 11
    assert {e for _, s, _, e in ledger if s == "loaded"} == {"gb18030", "utf-8", "utf-8-sig", "xlsx"}
    assert {f for _, s, f, _ in ledger if s == "loaded"} == {
        "commissions", "profiles", "patents", "feedback", "surveys", "services", "activities"}
    # the XLSX export has title rows above its header
    assert rows(con, "select header_row from raw.ingested_files where file like '%委托记录_2009-2010.xlsx'") == [(3,)]


def test_demo_bad_rows_land_in_quarantine_and_re_exports_apply(demo_built):
    con, *_ = demo_built
    reasons = {r for (r,) in rows(con, "select distinct regexp_replace(reason, '''.*''', 'X') from quarantine.rejected_rows")}
    assert "commission_no is missing" in reasons
    assert "commission_date X is not a date" in reasons
    assert any(r.startswith("org_name is empty and username X") for r in reasons)
    assert {f for (f,) in rows(con, "select distinct family from quarantine.rejected_rows")} == {
        "commissions", "profiles", "patents", "feedback", "surveys", "services", "activities"}
    flagged = {c for (c,) in rows(con, "select distinct column_name from quarantine.value_flags")}
    assert {"phone", "email", "postcode", "recognition", "cooperation", "experience"} <= flagged
    # the 2011 re-export completed commissions that the 2009-2010 XLSX still showed in progress
    assert rows(con, """select count(*) from intermediate.int_commissions_deduplicated
                        where _file like '%再导出.csv' and status = 'completed' and n_versions = 2""")[0][0] > 100
    # rows named by username only were attributed to an organisation
    assert rows(con, "select count(*) from intermediate.int_commissions_attributed where is_org_from_username")[0][0] > 0
