"""Ingest and staging throughput against DuckDB's own read of the same bytes, measured in one run.

    .venv/bin/python benchmarks/ingest_staging.py [--commissions 10000 100000 1000000]

For each size: writes a demo inbox of about N commissions with its satellites, then times
  baseline  DuckDB read_csv of every CSV file (all columns text, into a fresh file-backed
            database) plus python-calamine's raw read of every XLSX file. DuckDB has no GB18030
            decoder offline, so it reads a UTF-8 copy of those files, made before the clock
            starts: the same text, without the decoding that chaxin's ingest pays for;
  ingest    chaxin's ingest of the inbox into raw (hashing, encoding sniffing, GB18030
            transcoding, header detection, ledger, one transaction per file);
  staging   `dbt build --select staging`: the staging models and their unit tests, through the
            venv's dbt in its own process as dagster-dbt runs it (dbt start-up included);
  full      the dbt asset through Dagster (`transform_job`): every layer with every test.
and prints rows per second and the ratios to the baseline (targets: ingest <= 1.5x,
ingest + staging <= 3x).
"""
from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from pathlib import Path

import duckdb
from python_calamine import CalamineWorkbook
from rich.console import Console
from rich.table import Table

from demo import write_demo_inbox
from ingest import ingest_inbox
from ingest.readers import fingerprint, transcode_to_utf8
from chaxin.settings import Settings
from dagster import DagsterInstance
from dagster_project.runner import run_job
from warehouse import connect
from warehouse.dbt_project import DBT_PROJECT_DIR, run_dbt

console = Console()


def baseline(inbox: Path, scratch: Path) -> float:
    csvs = []
    for i, path in enumerate(sorted(inbox.glob("*.csv"))):
        if fingerprint(path).encoding == "gb18030":
            copy = scratch / f"utf8_{i}.csv"
            transcode_to_utf8(path, "gb18030", copy)
            path = copy
        csvs.append(path)
    db = scratch / "baseline.duckdb"
    start = time.perf_counter()
    con = duckdb.connect(str(db))
    for i, path in enumerate(csvs):
        literal = str(path).replace("'", "''")
        con.execute(f"create table t{i} as select * from read_csv('{literal}', all_varchar = true, header = true)")
    for path in sorted(inbox.glob("*.xlsx")):
        CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    con.close()
    return time.perf_counter() - start


def measure(n: int, scratch: Path) -> dict:
    inbox = scratch / "inbox"
    start = time.perf_counter()
    with console.status(f"writing a demo inbox of ~{n:,} commissions"):
        counts = write_demo_inbox(inbox, commissions=n)
    generated = time.perf_counter() - start
    size = sum(p.stat().st_size for p in inbox.iterdir())

    with console.status("baseline: DuckDB read_csv + calamine"):
        base = baseline(inbox, scratch)

    warehouse = scratch / "warehouse.duckdb"
    with console.status("chaxin ingest"):
        start = time.perf_counter()
        con = connect(warehouse)
        results = ingest_inbox(con, inbox)
        con.close()
        ingest = time.perf_counter() - start
    raw_rows = sum(r.rows for r in results if r.status == "loaded")

    with console.status("dbt build of staging"):
        start = time.perf_counter()
        run_dbt(warehouse, "build", "--select", "staging")
        staging = time.perf_counter() - start

    with console.status("dbt build of every layer, through Dagster"):
        start = time.perf_counter()
        settings = Settings.load(inbox=inbox, warehouse=warehouse, bi=scratch / "bi.duckdb")
        outcome = run_job(settings, "transform_job", instance=DagsterInstance.ephemeral(),
                          log_file=scratch / "dbt.log")
        full = time.perf_counter() - start
    if not outcome.ok:
        raise SystemExit(f"dbt build failed: {outcome.failures}")
    return dict(n=counts["commissions"], raw_rows=raw_rows, mib=size / 2**20, generated=generated,
                baseline=base, ingest=ingest, staging=staging, full=full, slowest=slowest_models())


def slowest_models(n: int = 5) -> list[tuple[str, float]]:
    """The slowest nodes of the latest dbt run that dagster-dbt made (its run_results.json)."""
    runs = sorted(DBT_PROJECT_DIR.joinpath("target").glob("*/run_results.json"), key=lambda p: p.stat().st_mtime)
    if not runs:
        return []
    results = json.loads(runs[-1].read_text())["results"]
    return sorted(((r["unique_id"].split(".")[-1], r["execution_time"]) for r in results), key=lambda x: -x[1])[:n]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commissions", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    args = parser.parse_args()
    measured = []
    for n in args.commissions:
        scratch = Path(tempfile.mkdtemp(prefix="chaxin-bench-"))
        try:
            m = measure(n, scratch)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        console.print(report(n, m))
        console.print("slowest dbt nodes: " + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in m["slowest"]))
        measured.append(m)
    growth = Table("commissions", "raw rows", "ingest s", "staging s", "full dbt build s", "total s",
                   title="how total time grows (ingest + full dbt build)")
    for m in measured:
        growth.add_row(f"{m['n']:,}", f"{m['raw_rows']:,}", f"{m['ingest']:.1f}", f"{m['staging']:.1f}",
                       f"{m['full']:.1f}", f"{m['ingest'] + m['full']:.1f}")
    console.print(growth)


def report(n: int, m: dict) -> Table:
    rows = m["raw_rows"]
    table = Table("measure", "seconds", "raw rows / s", "x baseline",
                  title=f"~{n:,} commissions: {m['n']:,} commissions, {rows:,} raw rows, {m['mib']:.0f} MiB")
    table.add_row("demo inbox written (not compared)", f"{m['generated']:.2f}", "", "")
    table.add_row("baseline: DuckDB read_csv + calamine", f"{m['baseline']:.2f}", f"{rows / m['baseline']:,.0f}", "1.00")
    table.add_row("chaxin ingest (target 1.5x)", f"{m['ingest']:.2f}", f"{rows / m['ingest']:,.0f}",
                  f"{m['ingest'] / m['baseline']:.2f}")
    table.add_row("dbt build of staging", f"{m['staging']:.2f}", "", "")
    total = m["ingest"] + m["staging"]
    table.add_row("ingest + staging (target 3x)", f"{total:.2f}", f"{rows / total:,.0f}", f"{total / m['baseline']:.2f}")
    table.add_row("full dbt build: every layer and test, through Dagster", f"{m['full']:.2f}", "",
                  f"{m['full'] / m['baseline']:.2f}")
    return table


if __name__ == "__main__":
    main()
