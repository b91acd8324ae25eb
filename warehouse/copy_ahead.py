"""Copy the working file while the command starts: a run's copy (building.py) costs 1.5-4 s at 1 M
commissions (a 1.4 GB file), and `chaxin run` spends 2-3 s importing Dagster before its run takes the
writer lock and needs the copy. So `chaxin run`, once it knows it will build, starts the copy in a
background thread (the kernel copies: the imports go on), and the run's start_copy takes it.

The copy is made before this process is the writer, so it is taken only if it is a copy of the
working file as it is when the run holds the lock: a commit replaces the working file (a rename),
it never writes it in place, so the same inode, size and modification time mean the same bytes.
Otherwise (another run committed meanwhile, an analyst's read-write session checkpointed) it is
dropped and the run copies as before. Until taken it has a name of its own, with the process id:
a process that dies leaves it to the next writer's clean-up (files.leftovers), and one that ends
without taking it removes it on its way out.
"""
from __future__ import annotations

import atexit
import os
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path

from .files import COPY_MARGIN, ahead_path


@dataclass
class _Ahead:
    path: Path
    source: tuple[int, int, int]      # the working file's inode, size and mtime when the copy began
    thread: threading.Thread | None = None
    done: bool = False


_started: dict[Path, _Ahead] = {}


def copy_ahead(working: Path) -> None:
    """Start copying `working` in the background; nothing when there is no file, a write-ahead log
    pending (start_copy refuses it, and says why), or too little disk for the copy."""
    if working in _started or not working.exists() or working.with_name(working.name + ".wal").exists():
        return
    stat = working.stat()
    if shutil.disk_usage(working.parent).free < stat.st_size * COPY_MARGIN:
        return                          # start_copy says so, in one line
    ahead = _Ahead(ahead_path(working, os.getpid()), _identity(stat))

    def copy() -> None:
        try:
            shutil.copyfile(working, ahead.path)
            ahead.done = True
        except OSError:                 # the disk filled, the file went: start_copy copies as before
            ahead.path.unlink(missing_ok=True)

    ahead.thread = threading.Thread(target=copy, name="copy the working file", daemon=True)
    _started[working] = ahead
    atexit.register(_drop, working)
    ahead.thread.start()


def take_ahead(working: Path, copy: Path) -> bool:
    """Move the copy made ahead to `copy` (the writer lock held) when it is a copy of `working` as it
    is now; True when it did."""
    ahead = _started.pop(working, None)
    if ahead is None:
        return False
    ahead.thread.join()
    try:
        if ahead.done and _identity(working.stat()) == ahead.source:
            os.replace(ahead.path, copy)
            return True
    except FileNotFoundError:           # the working file, or the copy (another writer's clean-up), is gone
        pass
    ahead.path.unlink(missing_ok=True)
    return False


def _drop(working: Path) -> None:
    ahead = _started.pop(working, None)
    if ahead is not None:
        ahead.path.unlink(missing_ok=True)   # the thread, if still copying, writes a file with no name


def _identity(stat: os.stat_result) -> tuple[int, int, int]:
    return stat.st_ino, stat.st_size, stat.st_mtime_ns
