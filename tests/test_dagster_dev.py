"""The product as a data engineer runs it from the UI (`make test-slow`): `dagster dev` on a station
whose demo inbox was just written, on either target; the inbox sensor must start warehouse_job by
itself and the run must publish the paper's tiers (SPEC §4: 40 / 78 / 197 for 2006-2010)."""
from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import closing
from pathlib import Path

import duckdb
import pytest

from demo import write_demo_inbox
from warehouse.postgres_state import server

from .postgres_server import fresh_database

pytestmark = pytest.mark.slow
REPO = Path(__file__).parents[1]
TIERS = "select tier, n_clients from bi.bi_mart_tier_summary where period_key = '2006-2010' order by tier"
RUNS = "{ runsOrError { ... on Runs { results { runId status tags { key value } } } } }"


def free_port() -> int:
    with closing(socket.socket()) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sensor_runs(port: int) -> list[dict]:
    """The runs the inbox sensor started, newest first (GraphQL, as the UI reads them)."""
    request = urllib.request.Request(f"http://127.0.0.1:{port}/graphql", json.dumps({"query": RUNS}).encode(),
                                     {"Content-Type": "application/json"})
    runs = json.loads(urllib.request.urlopen(request, timeout=30).read())["data"]["runsOrError"]["results"]
    return [r for r in runs if {"key": "dagster/sensor_name", "value": "inbox_sensor"} in r["tags"]]


@pytest.mark.parametrize("target", ["duckdb", "postgres"])
def test_the_inbox_sensor_starts_a_run_that_publishes_the_tiers(target, tmp_path, request):
    write_demo_inbox(tmp_path / "inbox")
    (tmp_path / "dagster").mkdir()
    shutil.copy(REPO / "dagster_project" / "dagster.yaml", tmp_path / "dagster")
    env = {**os.environ, "DAGSTER_HOME": str(tmp_path / "dagster"), "CHAXIN_INBOX": str(tmp_path / "inbox"),
           "CHAXIN_WAREHOUSE": str(tmp_path / "warehouse.duckdb"), "CHAXIN_BI": str(tmp_path / "bi.duckdb"),
           "CHAXIN_SETTLE_SECONDS": "0"}
    if target == "postgres":
        url = fresh_database(request.getfixturevalue("postgres_url"), "dagster_dev")
        env |= {"CHAXIN_TARGET": "postgres", "CHAXIN_POSTGRES_URL": url}
    port = free_port()
    dev = subprocess.Popen([str(Path(sys.executable).with_name("dagster")), "dev", "-m", "dagster_project.definitions",
                            "-h", "127.0.0.1", "-p", str(port)], cwd=REPO, env=env, start_new_session=True,
                           stdout=(tmp_path / "dev.log").open("w"), stderr=subprocess.STDOUT)
    try:
        runs, deadline = [], time.monotonic() + 600
        while not (runs and runs[0]["status"] in ("SUCCESS", "FAILURE", "CANCELED")):
            assert time.monotonic() < deadline, (tmp_path / "dev.log").read_text()[-3000:]
            time.sleep(5)
            try:
                runs = sensor_runs(port)
            except OSError:      # the webserver is still starting
                continue
    finally:
        os.killpg(dev.pid, signal.SIGTERM)
        try:
            dev.wait(60)
        except subprocess.TimeoutExpired:   # once (2026-12-05, load 12) its webserver hung in Dagster's own
            os.killpg(dev.pid, signal.SIGKILL)   # shutdown, joining its IPC pipe's thread, after the run
            dev.wait(10)
    assert [run["status"] for run in runs] == ["SUCCESS"], (tmp_path / "dev.log").read_text()[-3000:]
    if target == "postgres":
        with server(url) as con:
            tiers = con.execute(TIERS).fetchall()
    else:
        with closing(duckdb.connect(str(tmp_path / "bi.duckdb"), read_only=True)) as con:
            tiers = con.execute(TIERS).fetchall()
    assert tiers == [("general", 197), ("key", 40), ("potential_key", 78)]
