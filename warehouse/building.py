"""One run, one copy (SPEC §8): a run's writes go to its own copy of the working file, which is
renamed over the working file once, when the run's work passed, so that raw and the marts always
come from the same run: a run killed anywhere leaves the warehouse as it was before it, or after.

The working file is the pipeline's: the copy is made only when no other process holds the file
read-write and no write-ahead log is pending (a WAL belongs to whoever wrote it; copying the file
without it, or with it, would lose or corrupt that write).
"""
from __future__ import annotations

import errno
import fcntl
import os
import shutil
import struct
from pathlib import Path

from .copy_ahead import take_ahead
from .files import COPY_MARGIN, building_path


class WarehouseUnavailable(RuntimeError):
    """The working file cannot be written now; the message is one line that says what to do."""


def start_copy(working: Path) -> Path:
    """Copy the working file (if any) to the building path, which this run then writes (it holds
    the writer lock, whose taking removed what a dead run left there)."""
    discard_copy(working)
    copy = building_path(working)
    working.parent.mkdir(parents=True, exist_ok=True)
    if not os.access(working.parent, os.W_OK):
        raise WarehouseUnavailable(f"cannot write in {working.parent}: give this user write access, "
                                   "or point CHAXIN_WAREHOUSE (--warehouse) somewhere writable")
    if not working.exists():
        return copy
    check_not_in_use(working)
    if take_ahead(working, copy):
        return copy
    needed = int(working.stat().st_size * COPY_MARGIN)
    free = shutil.disk_usage(working.parent).free
    if free < needed:
        raise WarehouseUnavailable(disk_full_message(working.parent, needed, free))
    try:
        shutil.copyfile(working, copy)
    except OSError as e:
        copy.unlink(missing_ok=True)
        if e.errno == errno.ENOSPC:
            raise WarehouseUnavailable(disk_full_message(working.parent, needed, None)) from None
        raise
    return copy


def commit_copy(working: Path) -> None:
    """Rename this run's copy over the working file: the run's writes become visible together."""
    copy = building_path(working)
    wal = copy.with_name(copy.name + ".wal")
    if wal.exists():                  # every connection is closed by now, so nothing is pending
        raise RuntimeError(f"{copy} still has a write-ahead log: a connection was left open")
    fd = os.open(copy, os.O_RDONLY)
    try:
        os.fsync(fd)                  # the bytes are on disk before the name points at them
    finally:
        os.close(fd)
    os.replace(copy, working)


def discard_copy(working: Path) -> None:
    copy = building_path(working)
    for path in (copy, copy.with_name(copy.name + ".wal")):
        path.unlink(missing_ok=True)


def check_not_in_use(working: Path) -> None:
    """Refuse a working file that another process holds read-write or that has a pending WAL."""
    holder = write_lock_holder(working)
    if holder is not None:
        raise WarehouseUnavailable(
            f"process {holder} holds {working} open read-write: close that connection (analysts open "
            f"the warehouse with `duckdb -readonly`) and run again")
    wal = working.with_name(working.name + ".wal")
    if wal.exists():
        raise WarehouseUnavailable(
            f"{working} has a write-ahead log ({wal.name}) from a read-write connection that did not "
            f"close: to keep its writes, run `duckdb {working} -c checkpoint` once, then run again")


def write_lock_holder(path: Path) -> int | None:
    """The pid of another process holding DuckDB's read-write lock on `path` (a POSIX write lock;
    read-only connections take read locks, which do not conflict with this query)."""
    query = struct.pack("hhqqi4x", fcntl.F_RDLCK, os.SEEK_SET, 0, 0, 0)
    fd = os.open(path, os.O_RDONLY)
    try:
        lock_type, _, _, _, pid = struct.unpack("hhqqi4x", fcntl.fcntl(fd, fcntl.F_GETLK, query))
    finally:
        os.close(fd)
    return pid if lock_type != fcntl.F_UNLCK else None


def disk_full_message(folder: Path, needed: int, free: int | None) -> str:
    free_text = f", {free / 1e6:,.0f} MB free" if free is not None else ""
    return (f"not enough disk space in {folder}: the run needs about {needed / 1e6:,.0f} MB for its copy of "
            f"the warehouse{free_text}; free some space and run again (the warehouse is unchanged)")
