"""The inbox sensor: one run for the files that settled since the last tick, keyed by their sha256s.

A file is taken once its size and modification time have not changed since the previous tick (a
file still being copied in waits), and only if its bytes are not already in the ledger (read from
the published BI file, never the working one) nor requested before (the cursor). Files that
arrive together start one run, not one each: every run ingests the whole inbox anyway."""

import hashlib
import json
from pathlib import Path

from dagster import DefaultSensorStatus, RunRequest, SensorEvaluationContext, SensorResult, SkipReason, sensor

from ingest.load import inbox_files
from ingest.readers import fingerprint
from chaxin.settings import Settings
from warehouse.errors import NothingPublished
from warehouse.reading import read_published

from .jobs import warehouse_job
from .partitions import ALL
from .resources import WarehouseResource


def ledger_hashes(settings: Settings) -> set[str]:
    """The sha256 of every file in the published ledger (the BI file's, or bi on the station server)."""
    try:
        with read_published(settings, ["bi_ingested_files"]) as con:
            return {sha for (sha,) in con.execute("select sha256 from bi_ingested_files").fetchall()}
    except NothingPublished:
        return set()


def new_file_requests(inbox: Path, cursor: dict, known: set[str]) -> tuple[list[RunRequest], dict]:
    """The run request for the files that settled since the last tick (none or one), and the next cursor."""
    seen, requested = cursor.get("seen", {}), set(cursor.get("requested", []))
    next_seen, settled = {}, {}
    for path in inbox_files(inbox) if inbox.is_dir() else []:
        name = path.relative_to(inbox).as_posix()
        stat = path.stat()
        size_and_time = [stat.st_size, stat.st_mtime_ns]
        previous = seen.get(name)
        if previous is None or previous[:2] != size_and_time:
            next_seen[name] = [*size_and_time, None]        # new or still changing: next tick
            continue
        sha = previous[2] or fingerprint(path).sha256         # hashed once per settled version
        next_seen[name] = [*size_and_time, sha]
        if sha in requested or sha in known:
            continue
        requested.add(sha)
        settled[name] = sha
    requests = [] if not settled else [RunRequest(
        run_key=hashlib.sha256(" ".join(sorted(settled.values())).encode()).hexdigest(), partition_key=ALL,
        tags={"chaxin/files": str(len(settled)), "chaxin/first_file": min(settled)})]
    return requests, {"seen": next_seen, "requested": sorted(requested)}


# Running from the start: a dropped file starts a run without anyone finding a toggle first.
@sensor(job=warehouse_job, minimum_interval_seconds=30, name="inbox_sensor", default_status=DefaultSensorStatus.RUNNING)
def inbox_sensor(context: SensorEvaluationContext, warehouse: WarehouseResource):
    cursor = json.loads(context.cursor) if context.cursor else {}
    requests, next_cursor = new_file_requests(warehouse.settings.inbox, cursor, ledger_hashes(warehouse.settings))
    if not requests:
        return SensorResult(skip_reason=SkipReason("no new settled file in the inbox"), cursor=json.dumps(next_cursor))
    return SensorResult(run_requests=requests, cursor=json.dumps(next_cursor))


SENSORS = [inbox_sensor]
