"""The chaxin command as a person runs it: readable output and exit codes."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from chaxin.cli import main
from warehouse import connect

from .conftest import FIXTURE_INBOX


def test_ingest_then_status_print_files_and_rejections(tmp_path, capsys):
    inbox = tmp_path / "inbox"
    shutil.copytree(FIXTURE_INBOX, inbox)
    warehouse = tmp_path / "w.duckdb"
    assert main(["ingest", "--inbox", str(inbox), "--warehouse", str(warehouse)]) == 0
    out = capsys.readouterr().out
    assert "2008_commissions_gb18030.csv" in out
    assert "error: no_family.csv rejected: no header row" in out
    assert main(["status", "--warehouse", str(warehouse)]) == 0
    out = capsys.readouterr().out
    assert "raw.ingested_files" in out and "rejected" in out
    assert "quarantine not built yet" in out


def test_settings_come_from_the_environment(tmp_path, monkeypatch, capsys):
    inbox = tmp_path / "elsewhere"
    shutil.copytree(FIXTURE_INBOX, inbox)
    monkeypatch.setenv("CHAXIN_INBOX", str(inbox))
    monkeypatch.setenv("CHAXIN_WAREHOUSE", str(tmp_path / "env.duckdb"))
    assert main(["ingest"]) == 0
    assert (tmp_path / "env.duckdb").exists()


@pytest.mark.parametrize("argv, says", [
    (["actions", "--quarter", "2010-Q4"], "'2010-Q4' is not a period key"),
    (["actions", "--quarter", "2010Q5"], "'2010Q5' is not a period key"),
    (["actions", "--quarter", "2010"], "'2010' is a year period: give a quarter"),
    (["quality", "--period", "2007-2011"], "'2007-2011' is not a period key"),
    (["actions", "--quarter", "2031Q1"], "no data for 2031Q1: the warehouse's periods run from 2006Q1 to 2030Q4"),
    (["report", "--period", "2010", "--out", "/etc/hostname"], "--out /etc/hostname is a file: give a folder"),
    (["quality", "--period", "2010", "--out", "/etc/hostname/x.xlsx"], "cannot be written (/etc/hostname is not a folder"),
    (["actions", "--quarter", "2010Q4", "--out", "/proc/x.xlsx"], "--out /proc/x.xlsx cannot be written"),
    (["run", "--inbox", "/nonexistent/inbox"], "inbox /nonexistent/inbox does not exist"),
    (["run", "--vars", "{bad"], "--vars is not JSON"),
    (["actions"], "the following arguments are required: --quarter"),
    (["status", "--target", "oracle"], "unknown target 'oracle' (CHAXIN_TARGET, --target): use one of duckdb, postgres"),
    (["report", "--period", "2010", "--target", "postgres"], "CHAXIN_TARGET=postgres needs the server"),
    (["quality", "--period", "2010", "--target", "postgres", "--postgres-url", "postgresql://chaxin@db:port/chaxin"],
     "CHAXIN_POSTGRES_URL is not a PostgreSQL URL (port 'port' is not a number)"),
])
def test_a_usage_error_is_one_line_and_exit_2_before_any_slow_work(built, argv, says, capsys):
    _, _, settings = built
    assert main([*argv, "--warehouse", str(settings.warehouse), "--bi", str(settings.bi)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and captured.err.startswith("error: ") and says in captured.err, captured.err


def test_a_memory_limit_that_is_not_a_size_is_one_line_and_exit_2(built, monkeypatch, capsys):
    _, _, settings = built
    monkeypatch.setenv("CHAXIN_MEMORY_LIMIT", "lots")
    assert main(["status", "--warehouse", str(settings.warehouse)]) == 2
    assert capsys.readouterr().err == ("error: CHAXIN_MEMORY_LIMIT='lots' is not a size: "
                                       "write it like 1280MB, 4GB or 50%\n")

@pytest.mark.parametrize("argv", [["ingest"], ["run"], ["status"], ["actions", "--quarter", "2010Q4"],
                                  ["quality", "--period", "2010"], ["aliases"], ["report", "--period", "2010"]])
def test_every_command_takes_the_station_server_from_its_flags(inbox, tmp_path, argv, capsys, monkeypatch):
    """--target and --postgres-url beat the environment: each command goes to the server they name
    (here one that is not there), before any other work, in one line."""
    monkeypatch.setenv("CHAXIN_TARGET", "duckdb")
    monkeypatch.delenv("CHAXIN_POSTGRES_URL", raising=False)
    nowhere = f"postgresql://chaxin@/chaxin?host={tmp_path}"
    assert main([*argv, "--inbox", str(inbox), "--warehouse", str(tmp_path / "w.duckdb"),
                 "--target", "postgres", "--postgres-url", nowhere]) == 1
    captured = capsys.readouterr()
    assert captured.err.startswith("error: cannot reach the station server") and captured.err.count("\n") == 1
    assert f"{tmp_path}/.s.PGSQL.5432" in captured.err and "Dagster" not in captured.out + captured.err
    assert not (tmp_path / "w.duckdb").exists()


def test_nothing_built_yet_is_a_usage_error(tmp_path, capsys):
    assert main(["status", "--warehouse", str(tmp_path / "w.duckdb")]) == 2
    assert main(["report", "--period", "2010", "--bi", str(tmp_path / "bi.duckdb")]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err == [f"error: no warehouse at {tmp_path / 'w.duckdb'} yet: run `chaxin run` first",
                   f"error: nothing published yet at {tmp_path / 'bi.duckdb'}: run `chaxin run` first"]


def test_every_flag_has_help_text():
    from chaxin.cli import parser

    root = parser()
    for sub in root._subparsers._group_actions[0].choices.values():
        for action in sub._actions:
            assert action.help, f"{sub.prog} {action.option_strings or action.dest} has no help text"


def chaxin(*argv: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """`chaxin ARGV` as its own process, which then prints (on stderr, last line) the top-level
    modules it loaded: what a command imports, whatever imported it."""
    probe = ("import json, sys\nfrom chaxin.cli import main\ncode = main(sys.argv[1:])\n"
             "print(json.dumps(sorted({name.split('.')[0] for name in sys.modules})), file=sys.stderr)\n"
             "sys.exit(code)")
    env = {k: v for k, v in (env or os.environ).items() if k != "DAGSTER_HOME"}   # runs recorded beside the warehouse
    return subprocess.run([sys.executable, "-c", probe, *argv], capture_output=True, text=True, env=env,
                          cwd=Path(__file__).parents[1])


@pytest.fixture(scope="module")
def recorded(tmp_path_factory):
    """The fixture inbox through two `chaxin run` processes recorded at the station's DAGSTER_HOME:
    one that publishes, then one whose weight lets loyalty exceed 100 points (a blocking failure:
    nothing published, the first BI file stays). CHAXIN_WAREHOUSE names another file, which the
    --warehouse flag must beat all the way into dbt."""
    root = tmp_path_factory.mktemp("recorded")
    shutil.copytree(FIXTURE_INBOX, root / "inbox")
    args = ["--inbox", str(root / "inbox"), "--warehouse", str(root / "w.duckdb"), "--bi", str(root / "bi.duckdb")]
    env = {**os.environ, "CHAXIN_WAREHOUSE": str(root / "elsewhere" / "env.duckdb")}
    assert chaxin("run", *args, env=env).returncode == 0
    assert chaxin("run", *args, "--vars", '{"loyalty_frequency_weight": 300}', env=env).returncode == 1
    return root, args


def test_the_run_builds_the_warehouse_of_its_flag_not_of_the_environment(recorded):
    root, _ = recorded
    assert not (root / "elsewhere").exists()
    con = connect(root / "w.duckdb", read_only=True)
    try:   # every layer dbt writes (seeds, staging, ..., bi's views) is in the flag's file
        schemas = con.execute("""select schema_name from duckdb_tables() union
                                 select schema_name from duckdb_views() where not internal""").fetchall()
        assert {s for (s,) in schemas} == {"raw", "seeds", "staging", "quarantine", "intermediate", "enrichment",
                                           "marts", "bi", "meta"}   # meta.last_build: what the build was made from
    finally:
        con.close()


def test_dbt_records_its_own_command_not_chaxins(recorded):
    """dbt runs in chaxin's process and records sys.argv as its command (run_results.json, its log):
    that must be dbt's command, since chaxin's flags may carry a server's password (--postgres-url)."""
    root, _ = recorded
    results = json.loads((root / ".w.duckdb.dbt-target" / "run_results.json").read_text(encoding="utf-8"))
    command = results["args"]["invocation_command"]
    assert command.startswith("dbt build ") and "--inbox" not in command and "--warehouse" not in command


@pytest.mark.parametrize("argv, says", [
    (["status"], "checks: "),
    (["actions", "--quarter", "2010Q4"], "行动清单 action plan 2010Q4"),
    (["quality", "--period", "2006-2010"], "completeness 2006-2010"),
    (["aliases"], "duplicate candidates: "),
    (["report", "--period", "2010"], "report written"),
])
def test_reading_commands_load_neither_dagster_nor_dbt_nor_great_expectations(recorded, argv, says, tmp_path):
    _, args = recorded
    done = chaxin(*argv, *args, *(["--out", str(tmp_path)] if argv[0] == "report" else []))
    assert done.returncode == 0, done.stderr
    assert says in done.stdout
    modules = set(json.loads(done.stderr.splitlines()[-1]))
    assert modules & {"dagster", "dagster_dbt", "dbt", "great_expectations", "pandas", "pyarrow"} == set()
    assert ("plotly" in modules) == (argv[0] == "report")   # the charts, for the report only


def test_an_ingest_that_finds_nothing_new_validates_no_rows_without_great_expectations(recorded, tmp_path):
    """The raw checks of no new rows: every expectation holds on no rows, so GE (3-4 s) is not imported."""
    root, _ = recorded
    station = tmp_path / "station"
    shutil.copytree(root, station)
    done = chaxin("ingest", "--inbox", str(station / "inbox"), "--warehouse", str(station / "w.duckdb"),
                  "--bi", str(station / "bi.duckdb"))
    assert done.returncode == 0, done.stderr
    assert "no new file in the inbox: nothing ingested" in done.stdout
    assert re.search(r"done   checks raw_expectations in \d+\.\d s: 7 suites on the rows of loads after \d+ "
                     r"\(0 rows\), 0 with failures", done.stderr), done.stderr
    assert "great_expectations" not in json.loads(done.stderr.splitlines()[-1])


def test_status_shows_the_latest_runs_checks_as_dagster_recorded_them(recorded, monkeypatch):
    from dagster import DagsterEventType, DagsterInstance, RunsFilter

    from chaxin.settings import Settings
    from dagster_project.history import CheckOutcome, latest_run_checks

    root, args = recorded
    monkeypatch.delenv("DAGSTER_HOME", raising=False)   # as chaxin() runs the commands
    settings = Settings.load(warehouse=root / "w.duckdb")
    run_id, status, checks = latest_run_checks(settings)
    # Dagster's own API over the same instance: the direct read must agree with it, metadata included
    instance = DagsterInstance.local_temp(tempdir=str(settings.dagster_home))
    run = instance.get_runs(filters=RunsFilter(job_name="warehouse_job"), limit=1)[0]
    expected = [CheckOutcome.of(record.dagster_event.event_specific_data)
                for record in instance.all_logs(run.run_id, of_type=DagsterEventType.ASSET_CHECK_EVALUATION)]
    assert (run_id, status) == (run.run_id, "FAILURE")
    assert checks == expected and [c.metadata for c in checks] == [c.metadata for c in expected]
    failed = {(c.asset, c.name) for c in checks if c.blocking and not c.passed}
    assert ("marts/fct_client_period", "points_within_0_and_100") in failed, failed
    done = chaxin("status", *args, env={**os.environ, "COLUMNS": "200"})   # a failed check on one line
    assert f"latest warehouse run {run_id[:8]}: FAILURE" in done.stdout
    # what each failed: the dbt test's row count, the fixture feedback's defects (from the GX metadata)
    assert re.search(r"marts/fct_client_period +│ points_within_0_and_100 +│ blocking +│ \d+ failing rows",
                     done.stdout), done.stdout
    # the failed run brought no new file: Great Expectations had no new raw row to validate
    raw_feedback = next(c for c in checks if (c.asset, c.name) == ("raw/feedback", "expectation_warnings"))
    assert raw_feedback.passed and raw_feedback.metadata["rows validated"] == 0


def test_the_command_ends_without_walking_its_objects_but_main_in_process_leaves_the_collector_alone(tmp_path):
    """`chaxin` (cli.entry) freezes what is left before its process ends: Python's last full collection
    took 2 s after a 10 k run. main() called in a longer-lived process (these tests) must not freeze."""
    import gc

    probe = ("import gc, sys\nfrom chaxin import cli\nsys.argv = ['chaxin'] + sys.argv[1:]\n"
             "import atexit\natexit.register(lambda: print('frozen at exit', gc.get_freeze_count() > 0))\n"
             "cli.entry()")
    missing = str(tmp_path / "none.duckdb")
    done = subprocess.run([sys.executable, "-c", probe, "status", "--warehouse", missing],
                          capture_output=True, text=True, cwd=Path(__file__).parents[1])
    assert done.returncode == 2 and done.stdout.strip() == "frozen at exit True"

    frozen = gc.get_freeze_count()
    assert main(["status", "--warehouse", missing]) == 2
    assert gc.get_freeze_count() == frozen
