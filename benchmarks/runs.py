"""What chaxin's commands cost, timed as a user types them, on demo inboxes of 10 k, 100 k and 1 M commissions.

    .venv/bin/python benchmarks/runs.py [--sizes 10000,100000,1000000] [--postgres [--reader-pause S]]
    (`make benchmark`: all three sizes)

For each size a demo inbox is written (not timed) and its last quarter held back (demo/quarter.py), then:
  first build   `chaxin run` on a fresh warehouse, the inbox without its last quarter
  unchanged     `chaxin run` again, nothing new in the inbox
  new quarter   `chaxin run` after the last quarter's commissions, feedback and activities arrive
  baseline      DuckDB's read_csv + python-calamine reading the whole inbox's bytes (baseline.py)
  ingest        `chaxin ingest` of the whole inbox into a fresh warehouse
Each command is a process of the venv's `chaxin` (start-up included) in its own folder with its own
DAGSTER_HOME; seconds are wall time, memory the peak of its whole process tree (timed.py). The goals
(SPEC §8, issue 11) are checked beside each figure; results are printed and merged, one entry per
size, into benchmarks/results/runs.json and runs.md.

With --postgres (`make benchmark-postgres`) the first build and the new quarter are also run on a
station server (CHAXIN_TARGET=postgres, a throw-away cluster of tests/postgres_server.py, fsync off):
the new quarter once alone, on a copy of the built database (the figure to set beside DuckDB's), and
once while 20 read-only BI sessions loop over the BI queries (bi_load.py), pausing --reader-pause
seconds between queries; their queries done, failed and half-built and their latencies are reported
with it (issue 13 item 6).
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import sys
import tempfile
import time
from contextlib import closing, contextmanager
from dataclasses import asdict
from pathlib import Path

import duckdb
import psycopg
from psycopg.conninfo import make_conninfo
from rich.console import Console

sys.path.append(str(Path(__file__).resolve().parents[1]))   # for the throw-away cluster, tests/postgres_server.py
from demo import write_demo_inbox
from demo.quarter import hold_back_last_quarter
from ingest.readers import fingerprint, transcode_to_utf8

from bi_load import Readers, snapshot, verdict
from figures import machine, save, table
from timed import Timed, timed
from tests.postgres_server import PostgresMissing, copy_database, fresh_database, start, stop
from warehouse.postgres_publish import grant_bi

BIN = Path(sys.executable).parent
console = Console() if sys.stdout.isatty() else Console(width=200)   # a log file gets the whole table


def chaxin(folder: Path, command: str, inbox: Path, server: str | None = None) -> Timed:
    """`chaxin COMMAND` for the station in folder (its warehouse, BI file and DAGSTER_HOME there), or with
    its warehouse on the station server at the URL `server` (then only DAGSTER_HOME is in folder)."""
    folder.mkdir(exist_ok=True)
    env = {**os.environ, "DAGSTER_HOME": str(folder / "dagster"),
           "CHAXIN_SETTLE_SECONDS": "0"}   # the files were written a moment ago, and completely
    if server:
        env |= {"CHAXIN_TARGET": "postgres", "CHAXIN_POSTGRES_URL": server}
    (folder / "dagster").mkdir(exist_ok=True)
    return timed([str(BIN / "chaxin"), command, "--inbox", str(inbox), "--warehouse", str(folder / "warehouse.duckdb"),
                  "--bi", str(folder / "bi.duckdb")], cwd=folder, env=env)


def loaded_rows(warehouse: Path | str, after_load: int = 0) -> tuple[int, int]:
    """(raw rows the loads after `after_load` brought in, the latest load id) from the ledger of a DuckDB
    file, or of the station server at a URL."""
    query = f"""select coalesce(sum(rows) filter (where status = 'loaded' and load_id > {int(after_load)}), 0),
                       coalesce(max(load_id), 0)
                from raw.ingested_files"""
    if isinstance(warehouse, str):
        with psycopg.connect(warehouse) as con:
            if con.execute("select to_regclass('raw.ingested_files')").fetchall()[0][0] is None:
                return 0, after_load
            return tuple(map(int, con.execute(query).fetchall()[0]))
    if not warehouse.exists():
        return 0, after_load
    with closing(duckdb.connect(str(warehouse), read_only=True)) as con:
        return con.execute(query).fetchall()[0]


def baseline(inbox: Path, scratch: Path) -> Timed:
    """baseline.py on the inbox's files; DuckDB cannot decode GB18030 offline, so it reads a UTF-8 copy of
    those files, made before the clock starts (the same text, without the decoding chaxin pays for)."""
    files = []
    for i, path in enumerate(sorted(inbox.iterdir())):
        if path.suffix == ".csv" and fingerprint(path).encoding == "gb18030":
            transcode_to_utf8(path, "gb18030", scratch / f"utf8_{i}.csv")
            path = scratch / f"utf8_{i}.csv"
        files.append(path)
    script = Path(__file__).with_name("baseline.py")
    return timed([sys.executable, str(script), str(scratch / "baseline.duckdb"), *map(str, files)],
                 cwd=scratch, env=dict(os.environ))


def measure(n: int, scratch: Path, server: str | None = None, reader_pause: float = 1.0) -> dict:
    inbox, base, new = scratch / "inbox", scratch / "base", scratch / "quarter"
    with console.status(f"writing a demo inbox of ~{n:,} commissions"):
        counts = write_demo_inbox(inbox, commissions=n)
        quarter = hold_back_last_quarter(inbox, base, new)
    entry = {"commissions": counts["commissions"], "quarter": quarter,
             "inbox_mib": round(sum(p.stat().st_size for p in inbox.iterdir()) / 2**20, 1),
             "date": dt.date.today().isoformat(), "machine": machine(),
             "load_average": round(os.getloadavg()[0], 1),   # a shared machine's other work slows every figure
             "commands": {}}

    def record(name: str, result: Timed, rows: int | None) -> None:
        entry["commands"][name] = {
            "seconds": round(result.seconds, 2), "rows": rows, "peak_mib": round(result.peak_bytes / 2**20),
            "peak_step": result.peak_step, "exit": result.returncode, "steps": result.steps}
        if result.returncode != 0:
            console.print(f"[bold red]{name} exited {result.returncode}[/]; its last lines:\n"
                          + "\n".join((result.stderr + result.stdout).strip().splitlines()[-15:]))

    station = scratch / "station"
    station.mkdir()
    shutil.copytree(base, station / "inbox")
    for name in ("first build", "unchanged", "new quarter"):
        if name == "new quarter":
            for path in new.iterdir():
                shutil.copyfile(path, station / "inbox" / path.name)
        _, before = loaded_rows(station / "warehouse.duckdb")
        with console.status(f"{name}: chaxin run"):
            result = chaxin(station, "run", station / "inbox")
        record(name, result, loaded_rows(station / "warehouse.duckdb", before)[0])

    with console.status("baseline: DuckDB read_csv + calamine"):
        result = baseline(inbox, scratch)
    record("baseline", result, None)
    entry["commands"]["baseline"]["steps"] = {"read": float(result.stdout.strip() or "nan")}
    with console.status("chaxin ingest"):
        result = chaxin(scratch / "ingest", "ingest", inbox)
    record("ingest", result, loaded_rows(scratch / "ingest" / "warehouse.duckdb")[0])
    entry["commands"]["baseline"]["rows"] = entry["commands"]["ingest"]["rows"]   # the same files
    if server:
        on_server(server, scratch / "station-postgres", base, new, record, entry, reader_pause)
    return entry


def on_server(url: str, folder: Path, base: Path, new: Path, record, entry: dict, reader_pause: float) -> None:
    """The first build and the new quarter on the station server at url (an empty database): the new
    quarter alone on a copy of the built database, then again on the original while 20 sessions of the
    read-only BI role read, pausing reader_pause s between queries; their verdict into the entry."""
    folder.mkdir()
    shutil.copytree(base, folder / "inbox")
    with console.status("first build (PostgreSQL): chaxin run"):
        result = chaxin(folder, "run", folder / "inbox", server=url)
    rows, before_quarter = loaded_rows(url)
    record("first build (PostgreSQL)", result, rows)
    if result.returncode:
        return                 # nothing published for the readers to read
    grant_bi(url, "bi_bench_reader", login=True)
    alone, copy = folder.with_name(folder.name + "-alone"), copy_database(url, "bench_alone")
    shutil.copytree(folder, alone)   # the same inbox, ledger of files and Dagster records as the database's
    for station in (folder, alone):
        for path in new.iterdir():
            shutil.copyfile(path, station / "inbox" / path.name)
    with console.status("new quarter (PostgreSQL), alone: chaxin run"):
        result = chaxin(alone, "run", alone / "inbox", server=copy)
    record("new quarter (PostgreSQL)", result, loaded_rows(copy, before_quarter)[0])
    reader = make_conninfo(url, user="bi_bench_reader")
    before = snapshot(reader)
    with (console.status("new quarter (PostgreSQL) under 20 BI readers: chaxin run"),
          Readers(reader, pause=reader_pause) as readers):
        started = time.monotonic()
        result = chaxin(folder, "run", folder / "inbox", server=url)
        ended = time.monotonic()
    record("new quarter (PostgreSQL), 20 readers", result, loaded_rows(url, before_quarter)[0])
    after = snapshot(reader)
    entry["readers"] = {"sessions": len(readers.threads), "pause_s": readers.pause,
                        "whole_snapshots": not (before.broken or after.broken),
                        **asdict(verdict(readers.queries, before, after, started, ended))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000",
                        help="commissions per demo inbox, comma-separated (default: 10000,100000,1000000)")
    parser.add_argument("--postgres", action="store_true",
                        help="also the first build and the new quarter (alone, then under 20 BI readers) on a throw-away PostgreSQL")
    parser.add_argument("--reader-pause", type=float, default=1.0, metavar="SECONDS",
                        help="with --postgres: each BI session's pause between queries (default 1; at 0.1 the 20 "
                             "sessions take nearly every core of a 2-core machine, and the run waits for CPU)")
    args = parser.parse_args()
    if args.reader_pause < 0:
        parser.error(f"--reader-pause {args.reader_pause}: give a number of seconds, 0 or more")
    try:
        sizes = [int(s.replace("_", "")) for s in args.sizes.split(",")]
    except ValueError:
        parser.error(f"--sizes {args.sizes!r}: give whole numbers separated by commas, e.g. 10000,100000")
    with server(args.postgres, parser) as url:
        for n in sizes:
            scratch = Path(tempfile.mkdtemp(prefix="chaxin-bench-"))
            try:
                entry = measure(n, scratch, url and fresh_database(url, f"bench_{n}"), args.reader_pause)
            finally:
                shutil.rmtree(scratch, ignore_errors=True)
            console.print(table(n, entry))
            console.print(f"written to {save(n, entry)}")


@contextmanager
def server(wanted: bool, parser: argparse.ArgumentParser):
    """The URL of a throw-away PostgreSQL cluster of its own, removed at the end; None when not wanted."""
    if not wanted:
        yield None
        return
    root = Path(tempfile.mkdtemp(prefix="chaxin-pg-", dir="/tmp"))   # short: the socket path has a limit
    try:
        try:
            url = start(root)
        except PostgresMissing as e:
            parser.error(f"--postgres: {e}")
        yield url
    finally:
        stop(root)


if __name__ == "__main__":
    main()
