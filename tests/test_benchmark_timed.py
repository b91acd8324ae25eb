"""The benchmark's timer (benchmarks/timed.py) names the step that was running at a command's peak memory."""
from __future__ import annotations

import os
import sys
import textwrap

from benchmarks.timed import timed

# a command that reports two steps as chaxin does (progress.py) and holds 300 MiB during the second
STEPS = textwrap.dedent("""
    import sys, time
    def say(line):
        print("12:00:00 " + line, file=sys.stderr, flush=True)
    say("start  small step")
    time.sleep(0.4)
    say("done   small step in 0.4 s: nothing much")
    say("start  big step")
    held = bytearray(300 * 2**20)
    for i in range(0, len(held), 4096):
        held[i] = 1                      # resident, not only reserved
    time.sleep(0.6)
    say("done   big step in 0.6 s")
    del held
    time.sleep(0.4)
""")


def test_the_peak_names_the_step_that_held_the_memory(tmp_path):
    result = timed([sys.executable, "-c", STEPS], cwd=tmp_path, env=dict(os.environ))

    assert result.returncode == 0
    assert result.steps == {"small step": 0.4, "big step": 0.6}
    assert result.peak_bytes > 300 * 2**20
    assert result.peak_step == "big step"
