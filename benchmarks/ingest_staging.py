"""Ingest and staging throughput against DuckDB's own read of the same bytes, measured in one run.

    .venv/bin/python benchmarks/ingest_staging.py [--commissions 1000000 [100000 ...]]

For each size: writes a demo inbox of about N commissions with its satellites, then times
  baseline  DuckDB read_csv of every CSV file (all columns text, into a fresh file-backed
            database) plus python-calamine's raw read of every XLSX file. DuckDB has no GB18030
            decoder offline, so it reads a UTF-8 copy of those files, made before the clock
            starts: the same text, without the decoding that chaxin's ingest pays for;
  ingest    chaxin's ingest of the inbox into raw (hashing, encoding sniffing, GB18030
            transcoding, header detection, ledger, one transaction per file);
  staging   the dbt asset through Dagster (`transform_job`): dbt build of every layer with
            its tests, dbt and Dagster start-up included.
and prints rows per second and the ratios to the baseline (targets: ingest <= 1.5x,
ingest + staging <= 3x).
"""
from __future__ import annotations

import argparse
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

    with console.status("dbt build of every layer, through Dagster"):
        start = time.perf_counter()
        settings = Settings.load(inbox=inbox, warehouse=warehouse, bi=scratch / "bi.duckdb")
        outcome = run_job(settings, "transform_job", instance=DagsterInstance.ephemeral(),
                          log_file=scratch / "dbt.log")
        staging = time.perf_counter() - start
    if not outcome.ok:
        raise SystemExit(f"dbt build failed: {outcome.failures}")
    return dict(n=counts["commissions"], raw_rows=raw_rows, mib=size / 2**20, generated=generated,
                baseline=base, ingest=ingest, staging=staging)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commissions", type=int, nargs="+", default=[1_000_000])
    args = parser.parse_args()
    for n in args.commissions:
        scratch = Path(tempfile.mkdtemp(prefix="chaxin-bench-"))
        try:
            m = measure(n, scratch)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        console.print(report(n, m))


def report(n: int, m: dict) -> Table:
    rows = m["raw_rows"]
    table = Table("measure", "seconds", "raw rows / s", "x baseline",
                  title=f"~{n:,} commissions: {m['n']:,} commissions, {rows:,} raw rows, {m['mib']:.0f} MiB")
    table.add_row("demo inbox written (not compared)", f"{m['generated']:.2f}", "", "")
    table.add_row("baseline: DuckDB read_csv + calamine", f"{m['baseline']:.2f}", f"{rows / m['baseline']:,.0f}", "1.00")
    table.add_row("chaxin ingest (target 1.5x)", f"{m['ingest']:.2f}", f"{rows / m['ingest']:,.0f}",
                  f"{m['ingest'] / m['baseline']:.2f}")
    table.add_row("dbt build, every layer and test (Dagster transform_job)", f"{m['staging']:.2f}", "", "")
    total = m["ingest"] + m["staging"]
    table.add_row("ingest + dbt build (target 3x)", f"{total:.2f}", f"{rows / total:,.0f}", f"{total / m['baseline']:.2f}")
    return table


if __name__ == "__main__":
    main()
