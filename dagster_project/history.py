"""What the Dagster instance at DAGSTER_HOME remembers: the latest run's checks, for `chaxin
status`. Only dagster itself is imported here, never the definitions (and so neither dbt nor Great
Expectations): status answers in about a second."""
from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from dagster import AssetCheckSeverity, DagsterEventType, DagsterInstance, RunsFilter

from chaxin.settings import Settings

DAGSTER_YAML = Path(__file__).with_name("dagster.yaml")


@dataclass(frozen=True)
class CheckOutcome:
    asset: str
    name: str
    passed: bool
    blocking: bool
    metadata: dict = field(default_factory=dict, compare=False)

    @classmethod
    def of(cls, evaluation) -> "CheckOutcome":
        """From a Dagster AssetCheckEvaluation; error severity is what blocks."""
        return cls("/".join(evaluation.asset_key.path), evaluation.check_name, evaluation.passed,
                   evaluation.severity == AssetCheckSeverity.ERROR, dict(evaluation.metadata))


def local_instance(settings: Settings) -> DagsterInstance:
    """The persistent instance at DAGSTER_HOME (created with chaxin's dagster.yaml if new)."""
    home = settings.dagster_home
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        shutil.copyfile(DAGSTER_YAML, config)
    return DagsterInstance.local_temp(tempdir=str(home))


def latest_run_checks(settings: Settings) -> tuple[str, str, list[CheckOutcome]] | None:
    """(run id, status, check outcomes) of the latest warehouse run recorded at DAGSTER_HOME."""
    if not (settings.dagster_home / "dagster.yaml").exists():
        return None
    instance = local_instance(settings)
    runs = instance.get_runs(filters=RunsFilter(job_name="warehouse_job"), limit=1)
    if not runs:
        return None
    run = runs[0]
    checks = [CheckOutcome.of(record.dagster_event.event_specific_data)
              for record in instance.all_logs(run.run_id, of_type=DagsterEventType.ASSET_CHECK_EVALUATION)]
    return run.run_id, run.status.value, checks
