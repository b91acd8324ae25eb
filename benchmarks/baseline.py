"""The baseline for `chaxin ingest`: DuckDB's own read_csv of every CSV file (all columns text, into a
fresh file-backed database) and python-calamine's raw read of every XLSX file, in one process that
runs.py times whole, start-up and imports included, like the command it is compared with. Prints the
seconds of the reading alone.

    python benchmarks/baseline.py DATABASE FILE...
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import duckdb
from python_calamine import CalamineWorkbook


def read_all(database: Path, files: list[Path]) -> float:
    start = time.perf_counter()
    con = duckdb.connect(str(database))
    for i, path in enumerate(files):
        if path.suffix == ".xlsx":
            CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
        else:
            literal = str(path).replace("'", "''")
            con.execute(f"create table t{i} as select * from read_csv('{literal}', all_varchar = true, header = true)")
    con.close()
    return time.perf_counter() - start


if __name__ == "__main__":
    print(f"{read_all(Path(sys.argv[1]), [Path(p) for p in sys.argv[2:]]):.3f}")
