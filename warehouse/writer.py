"""The one writer of the working file (SPEC §8): an OS lock that a crash cannot wedge, and the
clean-up of whatever a dead writer left behind.

The lock is `flock` on `.<warehouse>.lock` beside the working file. The kernel releases it when its
holder dies, however it dies, so no run ever waits on a dead one; a live holder keeps it, so a live
writer is never taken for a dead one. The file also records who holds it (pid, start time, run,
command) and whether that writer finished: a record still marked `running` when the next writer
gets the lock names a writer that died, whose leftovers the new holder removes.
"""
from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .files import leftovers


@dataclass(frozen=True)
class Holder:
    pid: int
    started_at: str
    run_id: str | None
    command: str

    def describe(self) -> str:
        run = f", run {self.run_id[:8]}" if self.run_id else ""
        return f"pid {self.pid} ({self.command}{run}, started {self.started_at})"


@dataclass
class Recovery:
    """What a new holder found of a dead writer, and removed."""
    dead: Holder | None = None
    removed: list[tuple[Path, int]] = field(default_factory=list)   # (path, bytes)

    def describe(self) -> str | None:
        if not self.dead and not self.removed:
            return None
        who = f"the dead writer {self.dead.describe()}" if self.dead else "an earlier run"
        files = ", ".join(f"{p.name} ({size / 1e6:.1f} MB)" for p, size in self.removed) or "no file"
        return f"recovered from {who}: removed {files}"


def lock_path(working: Path) -> Path:
    return working.with_name(f".{working.name}.lock")


class WriterLock:
    """Hold the writer lock of `working`; `on_wait` hears once whom a waiting writer waits for."""

    def __init__(self, working: Path, run_id: str | None = None):
        self.working = working
        self.run_id = run_id
        self._fd: int | None = None
        self._started_at = dt.datetime.now().isoformat(timespec="seconds")

    def acquire(self, on_wait: Callable[[str], None], also_clean: tuple[Path, ...] = ()) -> Recovery:
        path = lock_path(self.working)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)   # never inherited by dbt
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read(fd)
            on_wait(f"waiting for the warehouse writer {holder.describe() if holder else '(unknown)'} to finish")
            fcntl.flock(fd, fcntl.LOCK_EX)
        self._fd = fd
        previous = _read(fd)
        dead = previous if previous and _record(fd).get("state") == "running" else None
        self._write("running")
        removed = [(p, _remove(p)) for p in leftovers(self.working, *also_clean)]
        return Recovery(dead, removed)

    def release(self) -> None:
        if self._fd is None:
            return
        try:
            self._write("finished")
        finally:
            os.close(self._fd)          # closing the descriptor releases the flock
            self._fd = None

    def _write(self, state: str) -> None:
        record = {"pid": os.getpid(), "started_at": self._started_at,
                  "run_id": self.run_id, "command": " ".join(os.path.basename(a) for a in sys.argv[:2]) or "python",
                  "state": state}
        data = json.dumps(record).encode()
        os.ftruncate(self._fd, 0)
        os.pwrite(self._fd, data, 0)


def interrupted(working: Path) -> Holder | None:
    """The writer that died mid-run, if the last one did (its record says running, and nobody
    holds the lock): its work is to be finished by the next run."""
    try:
        fd = os.open(lock_path(working), os.O_RDONLY | os.O_CLOEXEC)
    except FileNotFoundError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)   # fails while a live writer holds it
    except BlockingIOError:
        os.close(fd)
        return None
    try:
        return _read(fd) if _record(fd).get("state") == "running" else None
    finally:
        os.close(fd)


def _record(fd: int) -> dict:
    try:
        return json.loads(os.pread(fd, 4096, 0) or b"{}")
    except ValueError:
        return {}


def _read(fd: int) -> Holder | None:
    record = _record(fd)
    if "pid" not in record:
        return None
    return Holder(record["pid"], record.get("started_at", "?"), record.get("run_id"), record.get("command", "?"))


def _remove(path: Path) -> int:
    size = path.stat().st_size if path.exists() else 0
    path.unlink(missing_ok=True)
    return size
