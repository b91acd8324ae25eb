"""The working file copied while `chaxin run` starts (warehouse/copy_ahead.py): taken by the run's
start_copy only while it is a copy of the working file as it is then, and never left behind."""
from __future__ import annotations

import os
import subprocess
import sys

from warehouse.building import start_copy
from warehouse.copy_ahead import _started, copy_ahead
from warehouse.files import ahead_path, building_path


def test_the_copy_made_ahead_becomes_the_runs_copy(tmp_path):
    working = tmp_path / "warehouse.duckdb"
    working.write_bytes(os.urandom(1 << 20))
    copy_ahead(working)
    ahead = ahead_path(working, os.getpid())
    _started[working].thread.join()
    made_ahead = ahead.stat().st_ino
    copy = start_copy(working)
    assert copy == building_path(working) and copy.read_bytes() == working.read_bytes()
    assert copy.stat().st_ino == made_ahead and not ahead.exists()   # moved, not copied again


def test_a_working_file_replaced_meanwhile_is_copied_again(tmp_path):
    working = tmp_path / "warehouse.duckdb"
    working.write_bytes(b"before" * 100_000)
    copy_ahead(working)
    _started[working].thread.join()
    replacement = tmp_path / "committed"
    replacement.write_bytes(b"after" * 100_000)
    os.replace(replacement, working)              # another run committed before this one held the lock
    copy = start_copy(working)
    assert copy.read_bytes() == b"after" * 100_000
    assert not ahead_path(working, os.getpid()).exists()


def test_a_process_that_ends_without_taking_it_removes_it(tmp_path):
    working = tmp_path / "warehouse.duckdb"
    working.write_bytes(os.urandom(4 << 20))
    script = ("import sys; from pathlib import Path; from warehouse.copy_ahead import copy_ahead; "
              "from warehouse.copy_ahead import _started; "
              "copy_ahead(Path(sys.argv[1])); _started[Path(sys.argv[1])].thread.join(); print('copied')")
    ended = subprocess.run([sys.executable, "-c", script, str(working)], capture_output=True, text=True,
                           cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    assert ended.returncode == 0 and ended.stdout.strip() == "copied", ended.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["warehouse.duckdb"]
