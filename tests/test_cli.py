"""The chaxin command as a person runs it: readable output and exit codes."""
from __future__ import annotations

import shutil

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
