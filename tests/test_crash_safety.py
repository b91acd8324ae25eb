"""SPEC §8: a run killed at any point leaves the warehouse as it was or as after it; the next run
cleans up after it and completes the work, unattended; a busy or full place fails in one line."""
from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from contextlib import closing

import pytest

from warehouse import connect

from .conftest import FIXTURE_INBOX, copy_station, rows, station
from .live_run import LiveRun
from .snapshots import leftovers, snapshot

NEW_EXPORT = "编号,委托日期,委托单位,用户性质\nCX2010-777,2010-06-01,北京华科新材料股份有限公司,企业\n"


@pytest.fixture
def copied(built, tmp_path):
    """A private copy of the built fixture station (inbox, working file, BI file) with a new export
    in its inbox, so that a run has work to do (an up-to-date warehouse is left alone)."""
    settings = copy_station(built[2], tmp_path)
    (settings.inbox / "2011_commissions.csv").write_text(NEW_EXPORT, encoding="utf-8")
    return settings


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_killed_run_leaves_raw_and_marts_as_before_and_the_next_run_completes_it(copied):
    settings = copied
    before, bi_before = snapshot(settings.warehouse), digest(settings.bi)

    run = LiveRun(settings)
    run.wait_for(r"dbt +\d+/\d+ staging\.stg_commissions")   # ingested and rebuilt in the run's copy
    run.kill()

    assert snapshot(settings.warehouse) == before     # raw too: the run's writes are visible together
    assert digest(settings.bi) == bi_before
    assert leftovers(settings.warehouse.parent)       # the dead run's copy is still there ...

    recovery = LiveRun(settings)
    assert recovery.finish() == 0, recovery.stderr
    assert f"recovered from the dead writer pid {run.process.pid}" in recovery.stderr
    assert not leftovers(settings.warehouse.parent, settings.reports_dir)   # ... and now gone
    with closing(connect(settings.warehouse, read_only=True)) as con:
        assert rows(con, "select count(*) from raw.commissions where _file = '2011_commissions.csv'") == [(1,)]
        assert rows(con, "select count(*) from marts.fct_commission where commission_no = 'CX2010-777'") == [(1,)]



def test_a_run_past_its_memory_limit_says_which_setting_to_raise_and_loses_nothing(copied, monkeypatch, capsys):
    """DuckDB's memory is capped (CHAXIN_MEMORY_LIMIT): a station whose data outgrows the cap gets one
    line naming the setting, its files as before, and the run completes once the cap is raised."""
    from chaxin.cli import main

    settings = copied
    before, bi_before = snapshot(settings.warehouse), digest(settings.bi)
    args = ["run", "--inbox", str(settings.inbox), "--warehouse", str(settings.warehouse), "--bi", str(settings.bi)]
    monkeypatch.setenv("CHAXIN_MEMORY_LIMIT", "10MB")       # the fixture's dbt build needs more than this
    assert main(args) == 1
    failed = [line for line in capsys.readouterr().out.splitlines() if line.startswith("failed: ")]
    assert len(failed) == 1 and "CHAXIN_MEMORY_LIMIT=10MB: raise it and run again" in failed[0], failed
    assert snapshot(settings.warehouse) == before and digest(settings.bi) == bi_before

    monkeypatch.delenv("CHAXIN_MEMORY_LIMIT")
    assert main(args) == 0
    with closing(connect(settings.warehouse, read_only=True)) as con:
        assert rows(con, "select count(*) from marts.fct_commission where commission_no = 'CX2010-777'") == [(1,)]
        assert rows(con, "select current_setting('memory_limit')") == [("1.1 GiB",)]   # 1280MB, the default

HOLD_THE_LOCK = """
import sys, time
from pathlib import Path
from warehouse.writer import WriterLock
WriterLock(Path(sys.argv[1]), "holder-run").acquire(print)
print("held", flush=True)
time.sleep(600)
"""


def test_a_run_waits_for_a_live_writer_says_whom_and_goes_on_when_it_dies(copied):
    settings = copied
    holder = subprocess.Popen([sys.executable, "-c", HOLD_THE_LOCK, str(settings.warehouse)],
                              stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    run = LiveRun(settings)
    line = run.wait_for("waiting for the warehouse writer")
    assert f"pid {holder.pid}" in line and "holder-" in line           # whom it waits for
    holder.kill()
    holder.wait()
    assert run.finish() == 0, run.stderr
    assert f"recovered from the dead writer pid {holder.pid}" in run.stderr


ANALYST_WRITES = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1])
con.execute("create table main.my_scratch as select 42 as answer")
print("written", flush=True)
time.sleep(600)
"""


def test_an_analysts_read_write_connection_stops_the_run_in_one_line_and_loses_nothing(copied):
    settings = copied
    working_before, bi_before = digest(settings.warehouse), digest(settings.bi)
    analyst = subprocess.Popen([sys.executable, "-c", ANALYST_WRITES, str(settings.warehouse)],
                               stdout=subprocess.PIPE, text=True)
    assert analyst.stdout.readline().strip() == "written"

    run = LiveRun(settings)
    assert run.finish() == 1
    failed = [line for line in run.stdout.splitlines() if line.startswith("failed:")]
    assert len(failed) == 1 and f"process {analyst.pid} holds" in failed[0] and "-readonly" in failed[0]
    assert digest(settings.bi) == bi_before

    analyst.kill()                                   # the analyst's process dies: its WAL stays
    analyst.wait()
    wal = settings.warehouse.with_name(settings.warehouse.name + ".wal")
    assert wal.exists()
    run = LiveRun(settings)
    assert run.finish() == 1
    failed = [line for line in run.stdout.splitlines() if line.startswith("failed:")]
    assert len(failed) == 1 and "write-ahead log" in failed[0] and "checkpoint" in failed[0]
    assert wal.exists() and digest(settings.warehouse) == working_before   # nothing copied or lost

    with closing(connect(settings.warehouse)) as con:   # the fix the line names: replay and checkpoint
        con.execute("checkpoint")
    run = LiveRun(settings)
    assert run.finish() == 0, run.stderr
    with closing(connect(settings.warehouse, read_only=True)) as con:
        assert rows(con, "select answer from main.my_scratch") == [(42,)]   # the analyst's write kept


def test_a_dead_runs_leftovers_are_removed_and_said_in_one_line(copied):
    settings = copied
    dead = [settings.warehouse.with_name(".warehouse.duckdb.0f1e2d3c.building"),
            settings.warehouse.with_name(".warehouse.duckdb.0f1e2d3c.building.wal"),
            settings.bi.with_name(".bi.duckdb.4242.tmp"),
            settings.reports_dir / ".actions_2010Q4.xlsx.4242.chaxin-tmp"]
    ended = subprocess.Popen(["true"])
    ended.wait()
    dead.append(settings.warehouse.with_name(f".warehouse.duckdb.ahead-{ended.pid}"))   # its copy made ahead
    alive = settings.warehouse.with_name(f".warehouse.duckdb.ahead-{os.getpid()}")      # a live process's
    for path in [*dead, alive]:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"half-written" * 1000)
    run = LiveRun(settings)
    assert run.finish() == 0, run.stderr
    cleaned = [line for line in run.lines if "recovered from" in line]
    assert len(cleaned) == 1
    for path in dead:
        assert not path.exists() and path.name in cleaned[0]
    assert alive.exists() and alive.name not in cleaned[0]
    alive.unlink()
    # progress a person can follow, though stderr is a pipe: each step starts and ends, with its time
    for name in ("ingest", "checks raw_expectations", "dbt build", "checks warehouse_expectations", "commit",
                 "publish the BI file", "period reports"):
        assert re.search(rf"^\d\d:\d\d:\d\d start  {name}$", run.stderr, re.M), name
        assert re.search(rf"^\d\d:\d\d:\d\d done   {name} in \d+\.\d s", run.stderr, re.M), name
    assert re.search(r"done   dbt build in \d+\.\d s: (\d+) of \1 models and seeds, \d+ tests$", run.stderr, re.M)


@pytest.fixture
def small_disk(tmp_path):
    """A 160 MB tmpfs (CI runs as root): a disk that a run can fill, and that holds a whole run once
    emptied (the working file, its copy, dbt's target folder, the Dagster instance)."""
    mountpoint = tmp_path / "disk"
    mountpoint.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=160m", "tmpfs", str(mountpoint)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    yield mountpoint
    subprocess.run(["umount", "-l", str(mountpoint)], check=False)


def test_a_full_disk_fails_in_one_line_and_leaves_the_files_intact(built, small_disk):
    _, _, source = built
    settings = copy_station(source, small_disk / "data")
    (settings.inbox / "2011_commissions.csv").write_text(NEW_EXPORT, encoding="utf-8")
    working_before, bi_before = digest(settings.warehouse), digest(settings.bi)
    filler = small_disk / "filler"

    def fill(leave: int) -> None:
        filler.unlink(missing_ok=True)
        with filler.open("wb") as f:
            try:
                f.write(b"\0" * (shutil.disk_usage(small_disk).free - leave))
            except OSError:
                pass                                   # full to the last byte

    # room for the run's records (an open SQLite connection's WAL grows to ~4 MB before its checkpoint),
    # not for a copy of the 16 MB working file
    for leave, expected in ((0, "is the disk full"),            # not even Dagster's run records fit
                            (12_000_000, "not enough disk space")):
        fill(leave)
        run = LiveRun(settings)
        assert run.finish() == 1
        errors = [line for line in run.stdout.splitlines() if line.startswith(("failed:", "error:"))]
        assert len(errors) == 1 and expected in errors[0], run.stdout
        assert "Traceback" not in run.stdout + run.stderr
        assert digest(settings.warehouse) == working_before and digest(settings.bi) == bi_before
        assert not leftovers(settings.warehouse.parent, settings.reports_dir)

    filler.unlink()                                    # space freed: the next run completes the work
    run = LiveRun(settings)
    assert run.finish() == 0, run.stderr
    with closing(connect(settings.warehouse, read_only=True)) as con:
        assert rows(con, "select count(*) from marts.fct_commission where commission_no = 'CX2010-777'") == [(1,)]


def test_two_runs_at_once_queue_and_each_reports_only_its_own_files(tmp_path):
    settings = station(tmp_path, tmp_path / "inbox")
    shutil.copytree(FIXTURE_INBOX, settings.inbox)
    runs = [LiveRun(settings), LiveRun(settings)]
    codes = [run.finish() for run in runs]
    assert codes == [0, 0], "\n\n".join(f"exit {code}:\n{run.stderr[-3000:]}\n{run.stdout[-2000:]}"
                                       for code, run in zip(codes, runs))
    assert sum("waiting for the warehouse writer" in run.stderr for run in runs) == 1
    first, second = sorted(runs, key=lambda run: "waiting for the warehouse writer" in run.stderr)
    assert "ingested by this run" in first.stdout and "2008_commissions_gb18030.csv" in first.stdout
    assert "nothing to build or publish: the warehouse was already up to date" in second.stdout
    assert "ingested by this run" not in second.stdout
