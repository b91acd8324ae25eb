"""Files that appear whole or not at all: written under a temporary name, renamed into place.

A killed writer leaves only its temporary file, which the next holder of the writer lock removes
(`leftovers`); nobody ever opens a half-written file.
"""
from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

TEMP_SUFFIX = ".chaxin-tmp"
BUILDING_SUFFIX = ".building"
AHEAD_SUFFIX = ".ahead-"     # and the copying process's id
COPY_MARGIN = 1.2            # a run's copy of the working file, plus room for what the run adds to it


def building_path(working: Path) -> Path:
    """The copy of the working file that the run holding the writer lock writes (SPEC §8: before or
    after, per run). One name per warehouse, not per run: dbt's profile and vars then stay the
    same from run to run, so dbt keeps its partial parse (dbt_target_path)."""
    return working.with_name(f".{working.name}{BUILDING_SUFFIX}")


def ahead_path(working: Path, pid: int) -> Path:
    """The copy of the working file that process `pid` makes before it holds the writer lock
    (copy_ahead.py)."""
    return working.with_name(f".{working.name}{AHEAD_SUFFIX}{pid}")


def dbt_target_path(working: Path) -> Path:
    """dbt's target folder for builds of this warehouse: its partial_parse.msgpack spares each
    run a full parse of the project (seconds of CPU)."""
    return working.with_name(f".{working.name}.dbt-target")


@contextmanager
def written_atomically(target: Path):
    """Yield a temporary path beside `target`; on success it replaces `target`, else it is removed."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.with_name(f".{target.name}.{os.getpid()}{TEMP_SUFFIX}")
    temp.unlink(missing_ok=True)
    try:
        yield temp
        os.replace(temp, target)
    finally:
        temp.unlink(missing_ok=True)


def leftovers(working: Path, *others: Path) -> list[Path]:
    """What killed writers leave: building copies of the working file (and their WAL), copies made
    ahead by processes that died, and the temporary files of atomic writes beside each of `others`
    (a file) or inside it (a folder)."""
    found = [p for p in working.parent.glob(f".{working.name}.*")
             if p.name.endswith((BUILDING_SUFFIX, BUILDING_SUFFIX + ".wal")) or _of_a_dead_process(p, working)]
    for other in others:   # ".tmp": what publication named its temporary file before TEMP_SUFFIX
        folder, pattern = (other, f"*{TEMP_SUFFIX}") if other.is_dir() else (other.parent, f".{other.name}.*tmp")
        found += folder.glob(pattern) if folder.is_dir() else []
    return sorted(found)


def _of_a_dead_process(path: Path, working: Path) -> bool:
    pid = path.name.removeprefix(f".{working.name}{AHEAD_SUFFIX}")
    if pid == path.name or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:   # alive, another user's
        return False
    return False
