"""Write the warehouse as a whole or not at all: a step works on a copy of the working file and
renames it over the original only when it succeeded (SPEC §8 crash safety).

A step killed midway leaves the working file as it was, and the next run starts again from it;
a reader holding the working file open keeps reading the old version and never blocks a writer,
which opens only the copy.
"""
from __future__ import annotations

import os
import shutil
from contextlib import contextmanager
from pathlib import Path


def building_path(working: Path) -> Path:
    return working.with_name(f".{working.name}.building")


@contextmanager
def building(working: Path):
    """Yield the path of a fresh copy of `working` to write; on success it replaces `working`."""
    copy = building_path(working)
    for leftover in (copy, copy.with_name(copy.name + ".wal")):
        leftover.unlink(missing_ok=True)          # a killed step's half-written copy
    working.parent.mkdir(parents=True, exist_ok=True)
    if working.exists():
        shutil.copyfile(working, copy)
        wal = working.with_name(working.name + ".wal")
        if wal.exists():
            shutil.copyfile(wal, copy.with_name(copy.name + ".wal"))
    try:
        yield copy
    except BaseException:
        copy.unlink(missing_ok=True)
        raise
    wal = copy.with_name(copy.name + ".wal")
    if wal.exists():                               # every connection is closed by now: nothing pending
        raise RuntimeError(f"{copy} still has a write-ahead log; a connection was left open")
    os.replace(copy, working)
