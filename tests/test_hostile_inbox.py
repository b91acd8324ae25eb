"""A seeded generator of hostile inbox files, through ingest and once through the warehouse job on each
target: nothing escapes, nothing hangs, every file is accounted for, every row of a loaded file is
loaded, blank or quarantined, every rejection is one line naming its cause, and the inbox is left
untouched."""
from __future__ import annotations

import hashlib
import os
import random
import signal
import time
from collections import Counter
from pathlib import Path

import pytest

from ingest import ingest_inbox
from warehouse import connect

from . import hostile_files as hf
from .conftest import reading, rows, run_warehouse

N_FILES = 320
SEED = 10
INJECTIONS = ("=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1:A9)", '<script>alert("x")</script>')
GOOD_ROW_KINDS = ("good", "ragged", "gb18030", "xlsx", "injection")


def good_lines(rng, n: int, tag: str) -> list[str]:
    return [hf.csv_text([r]) for r in hf.activities_rows(n, tag)]


def make(kind: str, rng: random.Random, i: int) -> tuple[bytes, dict]:
    """The file's bytes and what ingest must do: status, words its reason holds, rows in, malformed rows."""
    header = hf.csv_text([hf.ACTIVITIES_HEADER])
    n = rng.randint(1, 6)
    if kind == "good":
        return (header + "".join(good_lines(rng, n, f"g{i}"))).encode("utf-8"), {"rows_in": n}
    if kind == "injection":
        cells = [["2010-02-0" + str(k % 9 + 1), hf.GB_NAMES[k % 8], "回访", INJECTIONS[k % 5], INJECTIONS[-1 - k % 5]]
                 for k in range(n)]
        return (header + hf.csv_text(cells) + f"2010-03-01,{hf.GB_NAMES[0]},回访,{i},\r\n").encode("utf-8"), \
            {"rows_in": n + 1}
    if kind == "gb18030":
        return (header + "".join(good_lines(rng, n, f"gb{i}"))).encode("gb18030"), {"rows_in": n}
    if kind == "ragged":
        lines, bad = good_lines(rng, n, f"r{i}"), 0
        for _ in range(rng.randint(1, 3)):
            lines.insert(rng.randrange(len(lines) + 1), rng.choice((
                "2010-01-02,乙公司,回访,甲,乙,多余\r\n", "2010-01-03,丙公司\r\n", '2010-01-04,"丁公司,回访,x,y\r\n')))
            bad += 1
        lines.insert(rng.randrange(len(lines) + 1), '2010-01-06,"己\r\n公司",回访,员工,\r\n')   # one record, two lines
        return (header + "".join(lines)).encode("utf-8"), {"rows_in": len(lines), "malformed": bad}
    if kind == "xlsx":
        return hf.xlsx_bytes([hf.ACTIVITIES_HEADER, *hf.activities_rows(n, f"x{i}")]), {"rows_in": n}
    rejected = {
        "big5": (lambda: hf.commissions_csv(hf.BIG5_NAMES, "cp950", n + i), "looks like Big5"),
        "shift_jis": (lambda: hf.commissions_csv(hf.SJIS_NAMES, "cp932", n + i), "looks like Shift-JIS"),
        "xls": (lambda: hf.ole2_bytes(("Workbook", f"S{i}")), "Excel 97-2003 workbook"),
        "encrypted": (lambda: hf.ole2_bytes(("EncryptionInfo", "EncryptedPackage", f"S{i}")), "password-protected"),
        "ods": (hf.ods_bytes, "OpenDocument spreadsheet"),
        "zip": (hf.zip_bytes, "ZIP archive that is not an XLSX"),
        "utf16": (lambda: (header + f"x{i}\r\n").encode("utf-16"), "UTF-16"),
        "utf16_no_bom": (lambda: (header + f"x{i}\r\n").encode("utf-16-le"), "UTF-16"),
        "utf32": (lambda: (header + f"x{i}\r\n").encode("utf-32"), "UTF-32"),
        "binary": (lambda: rng.randbytes(2048), "a binary file"),
        "huge_xlsx": (lambda: hf.xlsx_bytes([hf.ACTIVITIES_HEADER], dimension="A1:AX1000000"),
                      "50,000,000 cells, over the limit"),
        "empty": (lambda: b"", "an empty file"),
        "no_family": (lambda: f"甲,乙\r\n{i},2\r\n".encode("gb18030"), "no header row"),
    }
    maker, words = rejected[kind]
    return maker(), {"status": "rejected", "words": words}


KINDS = (*GOOD_ROW_KINDS, "big5", "shift_jis", "xls", "encrypted", "ods", "zip", "utf16", "utf16_no_bom",
         "utf32", "binary", "huge_xlsx", "empty", "no_family")


def write_inbox(root: Path) -> dict[str, dict]:
    """N_FILES files of every kind (each at least once), plus what must be passed over; the expectations."""
    rng = random.Random(SEED)
    inbox = root / "inbox"
    (inbox / "sub").mkdir(parents=True)
    expected = {}
    kinds = list(KINDS) + [rng.choice(KINDS) for _ in range(N_FILES - len(KINDS))]
    for i, kind in enumerate(kinds):
        data, expect = make(kind, rng, i)
        suffix = ".xlsx" if "xlsx" in kind else ".csv"
        name = f"{'sub/' if i % 7 == 0 else ''}{i:03d}_{kind}{suffix}"
        (inbox / name).write_bytes(data)
        expected[name] = {"kind": kind, "status": "loaded", **expect}
    # a name that is not UTF-8, a 20 MB field, and files that are still being written
    data, expect = make("good", rng, 900)
    (inbox / os.fsdecode(b"900_\xb5\xe7.csv")).write_bytes(data)
    expected["900_\\xb5\\xe7.csv"] = {"kind": "non_utf8_name", "status": "loaded", **expect}
    long_row = hf.csv_text([["2010-01-01", hf.GB_NAMES[0], "回访", "x" * 20_000_000, ""]])
    (inbox / "901_long_field.csv").write_text(hf.csv_text([hf.ACTIVITIES_HEADER]) + long_row
                                              + "".join(good_lines(rng, 2, "long")), encoding="utf-8")
    expected["901_long_field.csv"] = {"kind": "long_field", "status": "loaded", "rows_in": 3, "malformed": 1}
    # what the walk must not take: links out of the inbox, hidden files and folders, Excel's lock files
    outside = root / "outside"
    outside.mkdir()
    (outside / "secret.csv").write_bytes(make("good", rng, 999)[0])
    (inbox / "link.csv").symlink_to(outside / "secret.csv")
    (inbox / "linked").symlink_to(outside, target_is_directory=True)
    (inbox / "passwd.csv").symlink_to("/etc/passwd")
    (inbox / ".hidden").mkdir()
    (inbox / ".hidden" / "a.csv").write_bytes(make("good", rng, 998)[0])
    (inbox / ".b.csv").write_bytes(make("good", rng, 997)[0])
    (inbox / "~$lock.xlsx").write_bytes(b"\0" * 165)
    long_ago = time.time() - 3600
    for folder, _, names in os.walk(inbox):
        for n in names:
            os.utime(os.path.join(folder, n), (long_ago, long_ago), follow_symlinks=False)
    for i in range(2):   # written a moment ago: they wait
        (inbox / f"950_fresh_{i}.csv").write_bytes(make("good", rng, 950 + i)[0])
        expected[f"950_fresh_{i}.csv"] = {"kind": "fresh", "status": "waiting"}
    return expected


def snapshot(inbox: Path) -> dict[str, str]:
    """Every entry of the inbox, links included (not followed), with its bytes' hash."""
    out = {}
    for folder, _, names in os.walk(inbox):
        for n in names:
            path = os.path.join(folder, n)
            out[path] = os.readlink(path) if os.path.islink(path) else hashlib.sha256(Path(path).read_bytes()).hexdigest()
    return out


def within(seconds: int):
    def hang(*_):
        raise TimeoutError(f"ingest took more than {seconds} s")
    signal.signal(signal.SIGALRM, hang)
    signal.alarm(seconds)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    expected = write_inbox(root)
    before = snapshot(root / "inbox")
    con = connect(root / "ingest.duckdb")
    within(60)
    try:
        results = {r.file: r for r in ingest_inbox(con, root / "inbox", run_id="hostile", settle_seconds=30)}
    finally:
        signal.alarm(0)
    print("\nhostile files per kind:", dict(sorted(Counter(e["kind"] for e in expected.values()).items())))
    print("outcomes:", dict(Counter(r.status for r in results.values())))
    yield root, expected, results, con, before
    con.close()


def test_every_file_is_accounted_for_and_nothing_else_was_read(hostile):
    root, expected, results, con, before = hostile
    assert len(expected) >= 300
    assert set(results) == set(expected)      # no link, hidden file or lock file was taken
    assert {f: r.status for f, r in results.items()} == {f: e["status"] for f, e in expected.items()}
    ledger = dict(rows(con, "select file, status from raw.ingested_files"))
    assert ledger == {f: r.status for f, r in results.items() if r.status != "waiting"}
    assert snapshot(root / "inbox") == before


def test_every_rejection_is_one_line_naming_its_cause(hostile):
    _, expected, results, *_ = hostile
    for name, e in expected.items():
        reason = results[name].reason or ""
        assert "\n" not in reason and len(reason) <= 300, (name, reason)
        if e["status"] == "rejected":
            assert e["words"] in reason, (name, reason)


def test_every_row_of_a_loaded_file_is_loaded_blank_or_malformed(hostile):
    _, expected, results, con, _ = hostile
    malformed = dict(rows(con, "select _file, count(*) from raw.activities where _ingest_error is not null group by 1"))
    for name, e in expected.items():
        if e["status"] == "loaded":
            r = results[name]
            assert r.rows + r.blank_rows == e["rows_in"], name
            assert malformed.get(name, 0) == e.get("malformed", 0), name


def test_through_the_warehouse_every_raw_row_is_staged_or_quarantined_and_injections_stay_text(hostile, new_station,
                                                                                                tmp_path):
    root, expected, *_ = hostile
    settings = new_station(tmp_path, root / "inbox")   # CHAXIN_SETTLE_SECONDS is 0 here: the fresh files load too
    outcome = run_warehouse(settings)
    assert outcome.success, outcome.failures
    with reading(settings, "raw.ingested_files", "staging.stg_activities", "quarantine.rejected_rows") as con:
        per_file = rows(con, """
            select ledger.file, ledger.rows,
                (select count(*) from staging.stg_activities as s where s._load_id = ledger.load_id
                    and s._reject_reason is null),
                (select count(*) from quarantine.rejected_rows as q where q.load_id = ledger.load_id)
            from raw.ingested_files as ledger where ledger.status = 'loaded' and ledger.family = 'activities'""")
        assert len(per_file) == sum(e["status"] in ("loaded", "waiting") for e in expected.values())
        for file, n_rows, usable, quarantined in per_file:
            assert usable + quarantined == n_rows, file
        reasons = {r for (r,) in rows(con, "select reason from quarantine.rejected_rows")}
        assert any(r.startswith("line ") and "fields, the header 5" in r for r in reasons)
        assert any(r.endswith("opens a quote that is never closed") for r in reasons)
        assert any("longer than the limit of 2,000,000" in r for r in reasons)
        # formula and script cells are kept as the text found, never evaluated or escaped
        staff = {s for (s,) in rows(con, "select staff from staging.stg_activities where staff is not null")}
        assert set(INJECTIONS) <= staff
