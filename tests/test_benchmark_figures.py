"""The benchmark's results file: a run on DuckDB alone keeps the size's last station-server rows, with
the DuckDB rows their ratios were taken against (benchmarks/figures.py)."""
from __future__ import annotations

import json

from benchmarks import figures


def command(seconds: float) -> dict:
    return {"seconds": seconds, "rows": 1000, "peak_mib": 500, "exit": 0, "steps": {"dbt build": seconds / 2}}


def entry(date: str, **seconds: float) -> dict:
    names = {"first": "first build", "quarter": "new quarter", "pg_first": "first build (PostgreSQL)",
             "pg_quarter": "new quarter (PostgreSQL)"}
    return {"commissions": 892_472, "quarter": "2015Q4", "inbox_mib": 501.8, "date": date, "machine": "2 cores",
            "commands": {names[key]: command(value) for key, value in seconds.items()}}


def test_a_run_without_the_server_keeps_the_last_server_rows_with_their_own_duckdb_rows(tmp_path, monkeypatch):
    monkeypatch.setattr(figures, "RESULTS", tmp_path)
    figures.save(1_000_000, entry("2026-12-01", first=100.0, quarter=50.0, pg_first=300.0, pg_quarter=150.0))
    figures.save(1_000_000, entry("2026-12-05", first=80.0, quarter=40.0))
    figures.save(1_000_000, entry("2026-12-06", first=90.0, quarter=45.0))   # again: kept once, not nested

    saved = json.loads((tmp_path / "runs.json").read_text(encoding="utf-8"))["1000000"]
    assert {name: c["seconds"] for name, c in saved["commands"].items()} == {"first build": 90.0, "new quarter": 45.0}
    earlier = saved["server_earlier"]
    assert earlier["date"] == "2026-12-01" and "server_earlier" not in earlier
    assert {name: c["seconds"] for name, c in earlier["commands"].items()} == {
        "first build": 100.0, "new quarter": 50.0, "first build (PostgreSQL)": 300.0, "new quarter (PostgreSQL)": 150.0}

    page = (tmp_path / "runs.md").read_text(encoding="utf-8")
    assert "from an earlier run (~1,000,000 commissions: 892,472 commissions, 501.8 MiB of exports, new quarter " \
           "2015Q4; 2026-12-01, 2 cores)" in page
    # 300 / 100 and 150 / 50, the server's run against its own DuckDB rows, not 300 / 90
    assert "| 300.0 | 1,000 | 3 | 500 |  | 3.00× DuckDB's |" in page
    assert "| 150.0 | 1,000 | 7 | 500 |  | 3.00× DuckDB's |" in page
    assert "| 892,472 | 90.0 |  | 45.0 |  |  | 300.0 † | 150.0 † |  |" in page   # marked: another run

    figures.save(1_000_000, entry("2026-12-07", first=85.0, quarter=42.0, pg_first=250.0, pg_quarter=125.0))
    saved = json.loads((tmp_path / "runs.json").read_text(encoding="utf-8"))["1000000"]
    assert "server_earlier" not in saved    # a run with the server replaces the entry whole
    page = (tmp_path / "runs.md").read_text(encoding="utf-8")
    assert "earlier run" not in page and "| 892,472 | 85.0 |  | 42.0 |  |  | 250.0 | 125.0 |  |" in page
