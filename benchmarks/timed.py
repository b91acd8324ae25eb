"""A command timed as a user runs it: wall seconds from start to exit (start-up included), and the peak
memory of its whole process tree (chaxin's process, dbt running inside it, and any child), polled with psutil,
and the step that was running at that peak (from chaxin's progress lines on stderr, read as they come)."""
from __future__ import annotations

import os
import re
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

POLL_SECONDS = 0.05
# chaxin's progress lines: "17:25:30 done   ingest in 2.9 s: ..."
STEP_DONE = re.compile(r"^\S+ done +(.+?) in ([\d.]+) s", re.MULTILINE)
# "17:25:28 start  ingest", "... done   ingest in ...", "... failed ingest after ...": the running step
STEP_EDGE = re.compile(r"^\S+ (start|done|failed) +(.+?)(?: in [\d.]+ s.*| after [\d.]+ s)?$", re.MULTILINE)


@dataclass
class Timed:
    seconds: float
    peak_bytes: int        # the largest sum of the resident set sizes of the process and its descendants
    peak_step: str         # the step running at that peak ("" before the first step, between steps or after)
    returncode: int
    stdout: str
    stderr: str

    @property
    def steps(self) -> dict[str, float]:
        """Seconds of each step the command reported on stderr (`done <step> in X s`)."""
        return {name: float(seconds) for name, seconds in STEP_DONE.findall(self.stderr)}


def timed(command: list[str], cwd: Path, env: dict[str, str]) -> Timed:
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = psutil.Popen(command, cwd=cwd, env=env, stdout=out, stderr=err)
        peak, peak_step, running, read = 0, "", "", 0
        while True:
            rss = tree_rss(process)
            chunk = os.pread(err.fileno(), 1 << 20, read)   # what the command wrote since the last poll
            lines = chunk[:chunk.rfind(b"\n") + 1]           # whole lines only
            read += len(lines)
            for edge, name in STEP_EDGE.findall(lines.decode("utf-8", "replace")):
                running = name if edge == "start" else ""
            if rss > peak:
                peak, peak_step = rss, running
            try:
                process.wait(timeout=POLL_SECONDS)
                break
            except psutil.TimeoutExpired:
                pass
        seconds = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        return Timed(seconds, peak, peak_step, process.returncode, out.read().decode("utf-8", "replace"),
                     err.read().decode("utf-8", "replace"))


def tree_rss(process: psutil.Process) -> int:
    try:
        members = [process, *process.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    total = 0
    for member in members:
        try:
            total += member.memory_info().rss
        except (psutil.NoSuchProcess, psutil.ZombieProcess):
            pass      # ended between the listing and the reading
    return total
