"""What the Dagster instance at DAGSTER_HOME remembers: the latest run's checks, for `chaxin
status`, read straight from the instance's SQLite files with the standard library. Importing
Dagster costs seconds, and status has no run to start: it only reads what runs recorded."""
from __future__ import annotations

import fcntl
import json
import shutil
import sqlite3
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from chaxin.settings import Settings

if TYPE_CHECKING:
    from dagster import DagsterInstance

DAGSTER_YAML = Path(__file__).with_name("dagster.yaml")
# Where Dagster's default (SQLite) storage, which chaxin's dagster.yaml keeps, puts the run records
# and each run's event log, under DAGSTER_HOME.
RUNS_DB, EVENT_LOGS = Path("history/runs.db"), Path("history/runs")


@dataclass(frozen=True)
class CheckOutcome:
    asset: str
    name: str
    passed: bool
    blocking: bool
    metadata: dict = field(default_factory=dict, compare=False)   # {label: plain value}

    @classmethod
    def of(cls, evaluation) -> "CheckOutcome":
        """From a Dagster AssetCheckEvaluation; error severity is what blocks."""
        return cls("/".join(evaluation.asset_key.path), evaluation.check_name, evaluation.passed,
                   evaluation.severity.value == "ERROR", {k: v.value for k, v in evaluation.metadata.items()})

    @classmethod
    def stored(cls, event: dict) -> "CheckOutcome":
        """From an ASSET_CHECK_EVALUATION event as Dagster stores it: its serialised JSON, whose field
        names are Dagster's storage names (`success` for passed), kept stable so old runs stay readable."""
        evaluation = event["dagster_event"]["event_specific_data"]
        return cls("/".join(evaluation["asset_key"]["path"]), evaluation["check_name"], evaluation["success"],
                   evaluation["severity"]["__enum__"] == "AssetCheckSeverity.ERROR",
                   {label: _stored_value(entry) for label, entry in evaluation["metadata"].items()})


def _stored_value(entry: dict):
    """A stored metadata entry ({"__class__": "JsonMetadataEntryData", "data": [...]}) as its value."""
    fields = {k: v for k, v in entry.items() if k != "__class__"}
    return next(iter(fields.values())) if len(fields) == 1 else fields


def local_instance(settings: Settings) -> DagsterInstance:
    """The persistent instance at DAGSTER_HOME (created with chaxin's dagster.yaml if new), its event
    log in Dagster's files through connections kept open (event_log.py)."""
    from dagster import DagsterInstance

    home = settings.dagster_home
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        shutil.copyfile(DAGSTER_YAML, config)
    # Two runs started at once on a new DAGSTER_HOME would both create Dagster's SQLite tables, and one
    # fail ("table secondary_indexes already exists"): one creates them, the other waits for it.
    with (home / ".instance.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return DagsterInstance.local_temp(tempdir=str(home), overrides={   # its storages create their tables here
            "event_log_storage": {"module": "dagster_project.event_log", "class": "PooledSqliteEventLogStorage",
                                  "config": {"base_dir": str(home / EVENT_LOGS)}}})


def latest_run_checks(settings: Settings) -> tuple[str, str, list[CheckOutcome]] | None:
    """(run id, status, check outcomes) of the latest warehouse run recorded at DAGSTER_HOME, as
    Dagster's own API gives them (tests compare the two); None before the first run."""
    runs = settings.dagster_home / RUNS_DB
    if not runs.exists():
        return None
    with closing(_read_only(runs)) as con:
        latest = con.execute("""select run_id, status from runs where pipeline_name = 'warehouse_job'
                                order by id desc limit 1""").fetchone()
    if latest is None:
        return None
    run_id, status = latest
    events = settings.dagster_home / EVENT_LOGS / f"{run_id}.db"
    if not events.exists():    # a run that has not logged an event yet
        return run_id, status, []
    with closing(_read_only(events)) as con:
        stored = con.execute("""select event from event_logs where dagster_event_type = 'ASSET_CHECK_EVALUATION'
                                order by id""").fetchall()
    return run_id, status, [CheckOutcome.stored(json.loads(event)) for (event,) in stored]


def _read_only(path: Path) -> sqlite3.Connection:
    """Never creates nor writes the file; waits out a running job's brief write locks."""
    return sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=10)
