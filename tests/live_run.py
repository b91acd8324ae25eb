"""`chaxin run` as a user starts it: a real process whose progress lines a test can wait for,
and kill, as a crash would, with its whole process group."""
from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time

from chaxin.settings import Settings


class LiveRun:
    def __init__(self, settings: Settings, command: str = "run", env: dict | None = None):
        self.lines: list[str] = []
        self._queue: queue.Queue[str | None] = queue.Queue()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "chaxin.cli", command, "--inbox", str(settings.inbox),
             "--warehouse", str(settings.warehouse), "--bi", str(settings.bi)],
            start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env={**os.environ, **(env or {})})
        self._stdout: list[str] = []
        self._readers = [threading.Thread(target=self._read_stderr, daemon=True),
                         threading.Thread(target=lambda: self._stdout.extend(self.process.stdout), daemon=True)]
        for reader in self._readers:
            reader.start()

    def _read_stderr(self) -> None:
        for line in self.process.stderr:
            self._queue.put(line.rstrip("\n"))
        self._queue.put(None)

    def wait_for(self, pattern: str, timeout: float = 180) -> str:
        """The first new stderr line matching `pattern`; fails on timeout or if the run ends first."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self._queue.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"no line matching {pattern!r} within {timeout} s; saw:\n"
                                     + "\n".join(self.lines[-20:])) from None
            if line is None:
                raise AssertionError(f"the run ended before a line matching {pattern!r}; saw:\n"
                                     + "\n".join(self.lines[-20:]))
            self.lines.append(line)
            if re.search(pattern, line):
                return line

    def kill(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def finish(self, timeout: float = 300) -> int:
        """Wait for the run to end (killing it on timeout, then failing); its exit code."""
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            self._drain()
            raise AssertionError(f"the run did not finish within {timeout} s; its last lines:\n"
                                 + "\n".join(self.lines[-20:])) from None
        self._drain()
        return self.process.returncode

    def _drain(self) -> None:
        for reader in self._readers:
            reader.join()
        while (line := self._queue.get()) is not None:
            self.lines.append(line)

    @property
    def stdout(self) -> str:
        return "".join(self._stdout)

    @property
    def stderr(self) -> str:
        return "\n".join(self.lines)
