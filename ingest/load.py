"""Load the inbox into raw: every file once, each in one transaction, with the ledger beside it.

Files are taken in file-name order (a batch arriving together); load_id grows with each ledger row,
so it is also the arrival order that the re-export rule of SPEC §2.1 needs.
"""
from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import duckdb

from .raw_schema import ensure_raw_schema

from .headers import HEADER_SEARCH_ROWS, FamilyNotRecognised, HeaderMatch, detect
from .readers import (Fingerprint, UnreadableFile, csv_head, fingerprint, transcode_to_utf8,
                      xlsx_columns, xlsx_rows)

# Excel's lock files and hidden files are not exports.
IGNORED_PREFIXES = (".", "~$")


@dataclass(frozen=True)
class FileResult:
    file: str
    status: str            # loaded, duplicate, rejected, or unchanged (seen before: nothing done)
    family: str | None = None
    encoding: str | None = None
    rows: int = 0
    blank_rows: int = 0
    reason: str | None = None


def inbox_files(inbox: Path) -> list[Path]:
    return sorted(
        (p for p in inbox.rglob("*") if p.is_file() and not p.name.startswith(IGNORED_PREFIXES)),
        key=lambda p: p.relative_to(inbox).as_posix(),
    )


def ingest_inbox(con: duckdb.DuckDBPyConnection, inbox: Path,
                 on_file: Callable[[FileResult], None] | None = None) -> list[FileResult]:
    """Ingest every new file of the inbox; a file seen before (same name, same bytes) is left alone."""
    if not inbox.is_dir():
        raise FileNotFoundError(f"inbox {inbox} does not exist")
    ensure_raw_schema(con)
    seen = set(con.execute("select file, sha256 from raw.ingested_files").fetchall())
    results = []
    with tempfile.TemporaryDirectory(prefix="chaxin-") as scratch:
        for path in inbox_files(inbox):
            name = path.relative_to(inbox).as_posix()
            fp = fingerprint(path)
            if (name, fp.sha256) in seen:
                result = FileResult(name, "unchanged", encoding=fp.encoding)
            else:
                result = _ingest_file(con, path, name, fp, Path(scratch))
                seen.add((name, fp.sha256))
            results.append(result)
            if on_file:
                on_file(result)
    return results


def _ingest_file(con, path: Path, name: str, fp: Fingerprint, scratch: Path) -> FileResult:
    twin = con.execute(
        "select file from raw.ingested_files where sha256 = ? and status = 'loaded' limit 1",
        [fp.sha256],
    ).fetchall()
    if twin:
        return _record(con, FileResult(name, "duplicate", encoding=fp.encoding,
                                       reason=f"byte-identical to {twin[0][0]}, already loaded"), fp)
    try:
        if fp.encoding == "xlsx":
            rows = xlsx_rows(path)
            match = detect(rows)
            source = None
        else:
            head = csv_head(path, fp.encoding, HEADER_SEARCH_ROWS)
            match = detect(head)
            source = path
            if fp.encoding == "gb18030":
                source = scratch / "transcoded.csv"
                transcode_to_utf8(path, fp.encoding, source)
    except (FamilyNotRecognised, UnreadableFile) as e:
        return _record(con, FileResult(name, "rejected", encoding=fp.encoding, reason=str(e)), fp)

    try:   # staged outside the transaction, so that the temp table's rowid is the file order
        if source is None:
            con.register("_incoming", xlsx_columns(rows, match.row_index + 1, match.positions))
        else:
            _stage_csv(con, source, match, width=len(head[match.row_index]))
        return _load_staged(con, name, fp, match, csv=source is not None)
    except duckdb.Error as e:
        reason = " ".join(str(e).splitlines()[:3])
        return _record(con, FileResult(name, "rejected", match.family.name, fp.encoding, reason=reason), fp, match)
    finally:
        if source is None:
            con.unregister("_incoming")
        else:
            con.execute("drop table if exists temp._incoming")


def _load_staged(con, name: str, fp: Fingerprint, match: HeaderMatch, csv: bool) -> FileResult:
    """Rows and ledger row in one transaction: the file is wholly in or wholly absent."""
    con.begin()
    try:
        load_id = _next_load_id(con)
        loaded, blank = _insert(con, match, name, load_id, csv)
        result = _record(con, FileResult(name, "loaded", match.family.name, fp.encoding, loaded, blank),
                         fp, match, load_id)
        con.commit()
        return result
    except BaseException:
        con.rollback()   # failed or interrupted: the next run loads the file again
        raise


def _stage_csv(con, source: Path, match: HeaderMatch, width: int) -> None:
    """DuckDB reads the CSV strictly as text; a row of the wrong width rejects the file, naming the line.
    A temp table keeps file order in its rowid, which gives each record its row number."""
    columns = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(width)) + "}"
    path_literal = str(source).replace("'", "''")
    con.execute(f"""
        create temp table _incoming as
        select * from read_csv('{path_literal}', header = false, skip = {match.row_index + 1},
            auto_detect = false, delim = ',', quote = '"', escape = '"', columns = {columns})
    """)


def _insert(con, match: HeaderMatch, name: str, load_id: int, csv: bool) -> tuple[int, int]:
    family = match.family
    if csv:
        sources = {c: f"c{pos}" for c, pos in match.positions.items()}
        row_number = f"rowid + {match.row_index + 2}"
    else:
        sources = {c: f'"{c}"' for c in match.positions}
        row_number = "_row_number"
    select = [f"{sources[c]} as \"{c}\"" if c in sources else f'null as "{c}"' for c in family.column_names]
    filled = " or ".join(f"{s} is not null" for s in sources.values())
    n_total = _scalar(con, "select count(*) from _incoming")
    con.execute(
        f"""insert into raw.{family.name} ({", ".join(f'"{c}"' for c in family.column_names)},
                "_file", "_row_number", "_load_id")
            select {", ".join(select)}, ?, {row_number}, ? from _incoming where {filled}""",
        [name, load_id],
    )
    loaded = _scalar(con, f"select count(*) from raw.{family.name} where _load_id = ?", [load_id])
    return loaded, n_total - loaded


def _next_load_id(con) -> int:
    return _scalar(con, "select coalesce(max(load_id), 0) + 1 from raw.ingested_files")


def _scalar(con, sql: str, params: list | None = None):
    """One value; fetchall, because DuckDB 2 keeps a result that fetchone left open busy."""
    return con.execute(sql, params or []).fetchall()[0][0]


def _record(con, result: FileResult, fp: Fingerprint, match: HeaderMatch | None = None,
            load_id: int | None = None) -> FileResult:
    """One ledger row per file seen; loads write it inside their own transaction."""
    con.execute(
        """insert into raw.ingested_files (load_id, file, sha256, family, encoding, status, reason,
               rows, blank_rows, header_row, unmapped_columns, ingested_at)
           values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        [load_id or _next_load_id(con), result.file, fp.sha256, result.family, result.encoding,
         result.status, result.reason, result.rows, result.blank_rows,
         match.row_index + 1 if match else None,
         ", ".join(match.unmapped) if match and match.unmapped else None,
         dt.datetime.now()],
    )
    return result
