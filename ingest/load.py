"""Load the inbox into raw: every file once, each in one transaction, with the ledger beside it.

Files are taken in file-name order (a batch arriving together); load_id grows with each ledger row,
so it is also the arrival order that the re-export rule of SPEC §2.1 needs. A file saved over an
earlier one (same name, new bytes) replaces it: its ledger row names the load it retires
(`replaces_load_id`), and staging reads only live loads (dbt macro `live_rows`).

These rules are the same on both targets: what is stored where goes through a RawTarget
(ingest/raw_target.py: the DuckDB warehouse itself; ingest/raw_postgres.py: the station server).
"""
from __future__ import annotations

import datetime as dt
import errno
import hashlib
import os
import stat
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import duckdb
import pyarrow as pa

from .csv_repair import MAX_ROW_BYTES, repair_csv
from .encodings import check_gb18030
from .headers import HEADER_SEARCH_ROWS, FamilyNotRecognised, HeaderMatch, detect
from .raw_target import RawTarget, as_target
from .read_ahead import ReadAhead
from .readers import Fingerprint, csv_head, fingerprint, transcode_to_utf8, xlsx_columns, xlsx_head, xlsx_sheet
from .signatures import UnreadableFile, file_kind
from .xlsx_limits import check_xlsx_size

# Excel's lock files and hidden files are not exports.
IGNORED_PREFIXES = (".", "~$")
MAX_REASON = 300
# Failures of the machine, not of a user's file (and the target's own: RawTarget.is_environment_error):
# they stop the run instead of rejecting a file.
MACHINE_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EIO}


@dataclass(frozen=True)
class FileResult:
    file: str
    status: str            # loaded, duplicate, rejected; or, with no ledger row: unchanged (seen
                           # before: nothing done) and waiting (still being written, or unreadable)
    family: str | None = None
    encoding: str | None = None
    rows: int = 0
    blank_rows: int = 0
    reason: str | None = None


def inbox_files(inbox: Path) -> list[Path]:
    """The regular files under the inbox in name order. No symlink is followed, to a file or a folder
    (the inbox must not read what lies outside it), and hidden files and folders are passed over."""
    found = []
    for folder, subfolders, names in os.walk(inbox):   # os.walk does not descend into linked folders
        subfolders[:] = [d for d in subfolders if not d.startswith(".")]
        found += [Path(folder, n) for n in names if not n.startswith(IGNORED_PREFIXES)
                  and stat.S_ISREG(os.lstat(os.path.join(folder, n)).st_mode)]
    return sorted(found, key=lambda p: p.relative_to(inbox).as_posix())


def inbox_name(path: Path, inbox: Path) -> str:
    """The path in the inbox as stored: bytes that are not UTF-8 (a name from another system) as
    \\xNN escapes, since DuckDB stores UTF-8 only."""
    return os.fsencode(path.relative_to(inbox).as_posix()).decode("utf-8", "backslashreplace")


def ingest_inbox(con: duckdb.DuckDBPyConnection | RawTarget, inbox: Path, *, run_id: str | None = None,
                 settle_seconds: float = 5.0,
                 on_file: Callable[[FileResult], None] | None = None) -> list[FileResult]:
    """Ingest every new inbox file into raw: of the DuckDB warehouse con, or of a RawTarget. A file
    whose latest version was seen before is left alone, and a file modified in the last
    settle_seconds waits for the next run."""
    if not inbox.is_dir():
        raise FileNotFoundError(f"inbox {inbox} does not exist")
    target = as_target(con)
    target.ensure_schema()
    results = []
    with tempfile.TemporaryDirectory(prefix="chaxin-") as scratch, ReadAhead(_read_workbook) as workbooks:
        found = [(path, inbox_name(path, inbox)) for path in inbox_files(inbox)]
        looked = []
        for path, name in found:
            looked.append(fp := _look(target, path, name, settle_seconds))
            # a workbook not seen before will be read: the thread starts on it while the others are looked at
            if isinstance(fp, Fingerprint) and fp.encoding == "xlsx" and not _seen_before(target, name, fp.sha256):
                workbooks.expect(path)
        for (path, name), fp in zip(found, looked):
            result = _take(target, path, name, fp, Path(scratch), run_id, workbooks) \
                if isinstance(fp, Fingerprint) else fp
            workbooks.done(path)
            results.append(result)
            if on_file:
                on_file(result)
    return results


def _look(target: RawTarget, path: Path, name: str, settle_seconds: float) -> Fingerprint | FileResult:
    """The file's fingerprint; or that its bytes are those its name last loaded (or was rejected
    with), hashed alone: the encoding pass takes 2.5 times as long, and a file that loads nothing
    needs none; or why it waits for the next run. A duplicate is decided in its turn (_take): the
    file it duplicates may be saved over earlier in the batch."""
    age = time.time() - path.lstat().st_mtime
    if 0 <= age < settle_seconds:
        return FileResult(name, "waiting", reason=f"modified {age:.0f} s ago: it loads on the next run")
    try:
        latest = _latest_version(target, name)
        if latest is not None and latest[1] != "duplicate" and latest[0] == _sha256(path):
            return FileResult(name, "unchanged", encoding=latest[2])
        return fingerprint(path)
    except OSError as e:
        if e.errno in MACHINE_ERRNOS:
            raise
        return FileResult(name, "waiting", reason=f"cannot be read ({e.strerror}): it is tried again on the next run")


def _read_workbook(path: Path) -> tuple[HeaderMatch, pa.Table]:
    """An XLSX file's family and its rows as Arrow text columns."""
    check_xlsx_size(path)
    sheet = xlsx_sheet(path)
    match = detect(xlsx_head(sheet, HEADER_SEARCH_ROWS))
    return match, xlsx_columns(sheet, match.row_index + 1, match.positions)


def _take(target: RawTarget, path: Path, name: str, fp: Fingerprint, scratch: Path, run_id: str | None,
          workbooks: ReadAhead) -> FileResult:
    if _seen_before(target, name, fp.sha256):
        return FileResult(name, "unchanged", encoding=fp.encoding)
    live = _live_version(target, name)
    try:
        return _ingest_file(target, path, name, fp, scratch, Version(live, run_id), workbooks)
    except Exception as e:
        if target.is_environment_error(e) or (isinstance(e, OSError) and e.errno in MACHINE_ERRNOS):
            raise
        cause = " ".join(str(e).split()) or "no message"
        return _record(target, FileResult(name, "rejected", reason=_rejected(f"{type(e).__name__}: {cause}", live)),
                       fp, version=Version(None, run_id))


def new_files(con, inbox: Path, settle_seconds: float) -> tuple[list[str], list[str]]:
    """What a run would ingest, without ingesting: the inbox files not seen before, and those still
    waiting to settle. Reads only the ledger (raw.ingested_files may not exist yet)."""
    target = as_target(con)
    ledger = target.has_ledger()
    new, waiting = [], []
    for path in inbox_files(inbox):
        name = inbox_name(path, inbox)
        if 0 <= time.time() - path.lstat().st_mtime < settle_seconds:
            waiting.append(name)
            continue
        try:
            sha256 = _sha256(path)
        except OSError:
            waiting.append(name)   # unreadable now: ingest says why, and tries again later
            continue
        if not (ledger and _seen_before(target, name, sha256)):
            new.append(name)
    return new, waiting


def has_ledger(con) -> bool:
    return as_target(con).has_ledger()


def _sha256(path: Path) -> str:
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def _latest_version(target: RawTarget, name: str) -> tuple[str, str, str] | None:
    """The sha256, status and encoding of the file's latest ledger row."""
    latest = _rows(target, "select sha256, status, encoding from raw.ingested_files where file = ? "
                           "order by load_id desc limit 1", name)
    return latest[0] if latest else None


def _seen_before(target: RawTarget, name: str, sha256: str) -> bool:
    """This file's latest version had these bytes, and what it loaded is still live."""
    latest = _latest_version(target, name)
    return latest is not None and latest[0] == sha256 and (latest[1] != "duplicate" or bool(_live_twin(target, sha256)))


@dataclass(frozen=True)
class Version:
    """Where a new version of a file stands: the live load it replaces (if any) and the run ingesting it."""
    live_load_id: int | None
    run_id: str | None


def _ingest_file(target: RawTarget, path: Path, name: str, fp: Fingerprint, scratch: Path,
                 version: Version, workbooks: ReadAhead) -> FileResult:
    twin = _live_twin(target, fp.sha256)
    if twin:
        file, load_id = twin
        if load_id == version.live_load_id:   # back to the bytes of its own live version (after a rejection)
            reason, version = f"byte-identical to its own live version (load {load_id})", Version(None, version.run_id)
        else:
            reason = f"byte-identical to {file}, already loaded"
        return _record(target, FileResult(name, "duplicate", encoding=fp.encoding, reason=_replacing(reason, version)),
                       fp, version=version)
    try:
        if file_kind(path, fp.head) == "xlsx":
            match, table = workbooks.read(path)
            source = None
        else:
            if fp.encoding == "gb18030":
                check_gb18030(path)
            head_rows = csv_head(fp.head, fp.encoding, HEADER_SEARCH_ROWS)
            match = detect(head_rows)
            source = path
            if fp.encoding == "gb18030":
                source = scratch / "transcoded.csv"
                transcode_to_utf8(path, fp.encoding, source)
    except UnreadableFile as e:
        return _record(target, FileResult(name, "rejected", reason=_rejected(str(e), version.live_load_id)), fp,
                       version=Version(None, version.run_id))
    except FamilyNotRecognised as e:
        return _record(target, FileResult(name, "rejected", encoding=fp.encoding,
                                       reason=_rejected(str(e), version.live_load_id)),
                       fp, version=Version(None, version.run_id))

    try:   # staged outside the transaction, so that the temp table's rowid is the file order
        if source is None:
            target.staging.register("_incoming", table)
            staged = Staged(csv=False, row_number="_row_number")
        else:
            staged = _stage_csv(target.staging, source, match, len(head_rows[match.row_index]), scratch)
        return _load_staged(target, name, fp, match, staged, version)
    finally:
        if source is None:
            target.staging.unregister("_incoming")
        else:
            target.staging.execute("drop table if exists temp._incoming")


def _replacing(reason: str | None, version: Version) -> str | None:
    note = f"replaces load {version.live_load_id}, the earlier version of this file" if version.live_load_id else None
    return "; ".join(r for r in (reason, note) if r) or None


def _rejected(reason: str, live_load_id: int | None) -> str:
    """One line, the cause first, short enough to read; and whether an earlier version stays live."""
    note = f"; the earlier version (load {live_load_id}) stays live" if live_load_id else ""
    room = MAX_REASON - len(note)
    return (reason if len(reason) <= room else reason[:room - 1] + "…") + note


# A ledger row `f` whose rows are live: no later version names it in replaces_load_id (the same rule
# as the dbt macro live_rows, which staging applies to the raw rows).
NOT_REPLACED = "not exists (select 1 from raw.ingested_files as r where r.replaces_load_id = f.load_id)"


def _live_version(target: RawTarget, name: str) -> int | None:
    """The load of this file's version in force: loaded (or a duplicate) and replaced by none. After a
    rejected version was put back to the live bytes, the loaded row is the one that holds the rows."""
    found = _rows(target, f"""select load_id from raw.ingested_files as f
                           where file = ? and status <> 'rejected' and {NOT_REPLACED}
                           order by status = 'loaded' desc, load_id desc limit 1""", name)
    return found[0][0] if found else None


def _live_twin(target: RawTarget, sha256: str) -> tuple[str, int] | None:
    """A loaded file with these bytes whose rows are live (no later version replaced it)."""
    found = _rows(target, f"""select file, load_id from raw.ingested_files as f
                           where sha256 = ? and status = 'loaded' and {NOT_REPLACED}
                           order by load_id limit 1""", sha256)
    return found[0] if found else None


@dataclass(frozen=True)
class Staged:
    """How the rows staged in `_incoming` read: columns c0.. (CSV) or named (XLSX), and the SQL of each
    row's number and ingest error."""
    csv: bool
    row_number: str
    ingest_error: str = "null"


def _load_staged(target: RawTarget, name: str, fp: Fingerprint, match: HeaderMatch, staged: Staged,
                 version: Version) -> FileResult:
    """Rows and ledger row in one transaction: the file is wholly in or wholly absent (failed or
    interrupted, the target rolls back and the next run loads the file again)."""
    with target.transaction():
        load_id = _next_load_id(target)
        loaded, blank = _insert(target, match, name, load_id, staged)
        result = FileResult(name, "loaded", match.family.name, fp.encoding, loaded, blank,
                            reason=_replacing(None, version))
        return _record(target, result, fp, match, load_id, version)


def _stage_csv(con, source: Path, match: HeaderMatch, width: int, scratch: Path) -> Staged:
    """DuckDB reads the CSV strictly as text: the fast path, where a temp table keeps file order in its
    rowid, which gives each record its row number. A file it refuses for its structure (a ragged row,
    an unclosed quote, an overlong row) is read again through csv_repair, whose copy carries each
    row's number and what was wrong with it."""
    columns = {f"c{i}": "VARCHAR" for i in range(width)}
    try:
        _read_csv(con, source, skip=match.row_index + 1, columns=columns)
        return Staged(csv=True, row_number=f"rowid + {match.row_index + 2}")
    except duckdb.InvalidInputException:
        repaired = scratch / "repaired.csv"
        repair_csv(source, repaired, skip=match.row_index + 1, width=width)
        # the copy ends its lines in \n whatever the line breaks inside its quoted fields; room for two more columns
        _read_csv(con, repaired, skip=0, columns=columns | {"_row_number": "BIGINT", "_ingest_error": "VARCHAR"},
                  options=f"new_line = '\\n', max_line_size = {MAX_ROW_BYTES + 4096}")
        return Staged(csv=True, row_number="_row_number", ingest_error="_ingest_error")


def _read_csv(con, path: Path, skip: int, columns: dict[str, str], options: str = "") -> None:
    spec = "{" + ", ".join(f"'{name}': '{kind}'" for name, kind in columns.items()) + "}"
    path_literal = str(path).replace("'", "''")
    con.execute(f"""
        create or replace temp table _incoming as
        select * from read_csv('{path_literal}', header = false, skip = {skip}, auto_detect = false,
            delim = ',', quote = '"', escape = '"', {options + ", " if options else ""}columns = {spec})
    """)


def _insert(target: RawTarget, match: HeaderMatch, name: str, load_id: int, staged: Staged) -> tuple[int, int]:
    family = match.family
    sources = {c: f"c{pos}" if staged.csv else f'"{c}"' for c, pos in match.positions.items()}
    select = [f"{sources[c]} as \"{c}\"" if c in sources else f'null as "{c}"' for c in family.column_names]
    # a row with no column filled is blank, unless ingest could not read it: then it goes to quarantine
    filled = " or ".join([f"{s} is not null" for s in sources.values()] + [f"{staged.ingest_error} is not null"])
    n_total = target.staging.execute("select count(*) from _incoming").fetchall()[0][0]
    loaded = target.write_rows(
        family.name, [*family.column_names, "_file", "_row_number", "_load_id", "_ingest_error"],
        f"""select {", ".join(select)}, ?, {staged.row_number}, ?, {staged.ingest_error}
            from _incoming where {filled}""",
        [name, load_id],
    )
    return loaded, n_total - loaded


def _next_load_id(target: RawTarget) -> int:
    return _scalar(target, "select coalesce(max(load_id), 0) + 1 from raw.ingested_files")


def _rows(target: RawTarget, sql: str, *params) -> list[tuple]:
    return target.rows(sql, list(params))


def _scalar(target: RawTarget, sql: str, params: list | None = None):
    return _rows(target, sql, *(params or []))[0][0]


def _record(target: RawTarget, result: FileResult, fp: Fingerprint, match: HeaderMatch | None = None,
            load_id: int | None = None, version: Version = Version(None, None)) -> FileResult:
    """One ledger row per file seen; loads write it inside their own transaction."""
    target.execute(
        """insert into raw.ingested_files (load_id, file, sha256, family, encoding, status, reason,
               rows, blank_rows, header_row, unmapped_columns, ingested_at, replaces_load_id, run_id)
           values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        [load_id or _next_load_id(target), result.file, fp.sha256, result.family, result.encoding,
         result.status, result.reason, result.rows, result.blank_rows,
         match.row_index + 1 if match else None,
         ", ".join(match.unmapped) if match and match.unmapped else None,
         dt.datetime.now(), version.live_load_id, version.run_id],
    )
    return result
