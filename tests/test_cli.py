"""The chaxin command as a person runs it: readable output and exit codes."""
from __future__ import annotations

import shutil

import pytest

from chaxin.cli import main

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
])
def test_a_usage_error_is_one_line_and_exit_2_before_any_slow_work(built, argv, says, capsys):
    _, _, settings = built
    assert main([*argv, "--warehouse", str(settings.warehouse), "--bi", str(settings.bi)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and captured.err.startswith("error: ") and says in captured.err, captured.err


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
