"""What a person watching a run sees: each step as it starts and ends, with its elapsed time and
what it did, as plain lines on stderr (a terminal and a log file alike), and in Dagster's log."""
from __future__ import annotations

import datetime as dt
import sys
import time
from contextlib import contextmanager


STYLES = {"start": "cyan", "done": "green", "failed": "bold red", "waiting": "yellow", "recovered": "yellow"}


def say(message: str, context=None) -> None:
    stamp = f"{dt.datetime.now():%H:%M:%S}"
    if sys.stderr.isatty():          # a person at a terminal: the same line, coloured by what it says
        from rich.console import Console
        from rich.markup import escape

        style = STYLES.get(message.split(" ", 1)[0], "")
        Console(stderr=True, soft_wrap=True, highlight=False).print(
            f"[dim]{stamp}[/] " + (f"[{style}]{escape(message)}[/]" if style else escape(message)))
    else:
        print(f"{stamp} {message}", file=sys.stderr, flush=True)
    if context is not None:
        context.log.info(message)


class Step:
    def __init__(self) -> None:
        self.summary = ""


@contextmanager
def step(name: str, context=None):
    """`with step("ingest", context) as s: ...; s.summary = "3 files loaded"`."""
    say(f"start  {name}", context)
    started, current = time.monotonic(), Step()
    try:
        yield current
    except BaseException:
        say(f"failed {name} after {time.monotonic() - started:.1f} s", context)
        raise
    summary = f": {current.summary}" if current.summary else ""
    say(f"done   {name} in {time.monotonic() - started:.1f} s{summary}", context)
