"""Reading the next workbooks while the files before them load.

fastexcel parses an XLSX sheet without holding the interpreter (measured: a Python loop beside it runs
at full speed), and DuckDB loads a CSV without it too: so while one file loads, a background thread
reads the next workbooks that the batch will need, one after the other. Two ahead at most, because a
workbook read ahead is held in memory until its turn (its Arrow columns: at 1 M commissions the
233 k-row sheet is 90 MiB; ingest/xlsx_limits.py bounds a sheet). Two, so that a small
workbook's turn does not hold back the read of a big one behind it. What it reads is a pure function
of the file's bytes, so taking it early changes no result: an error it raised is raised where the
file is read, as if read there, and a file that turns out not to be read (a duplicate, a rejected
kind) is dropped."""
from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Callable, Generic, TypeVar

T = TypeVar("T")
AHEAD = 2


class ReadAhead(Generic[T]):
    def __init__(self, read: Callable[[Path], T]):
        self._read = read
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="chaxin-read-ahead")
        self._queued: list[Path] = []            # in the order the batch takes them
        self._ahead: dict[Path, Future] = {}     # at most AHEAD

    def expect(self, path: Path) -> None:
        """The batch will probably read path, after the files expected before it."""
        self._queued.append(path)
        self._fill()

    def read(self, path: Path) -> T:
        """What read(path) returns (or raises): taken from the thread when it read it ahead."""
        future = self._ahead.pop(path, None)
        if path in self._queued:
            self._queued.remove(path)
        try:
            return future.result() if future else self._read(path)
        finally:
            self._fill()

    def done(self, path: Path) -> None:
        """The batch is past path: what was read of it ahead, if anything, is dropped."""
        future = self._ahead.pop(path, None)
        if future:
            future.cancel()
        if path in self._queued:
            self._queued.remove(path)
        self._fill()

    def close(self) -> None:
        self._queued.clear()
        self._ahead.clear()
        self._pool.shutdown(wait=False, cancel_futures=True)

    def __enter__(self) -> ReadAhead[T]:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _fill(self) -> None:
        while len(self._ahead) < AHEAD and self._queued:
            path = self._queued.pop(0)
            self._ahead[path] = self._pool.submit(self._read, path)
