"""Run a job of the one Definitions in-process: how the CLI (and the tests) drive chaxin."""
from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from dagster import AssetKey, AssetSelection, DagsterInstance

from chaxin.settings import Settings

from .assets import DBT_ASSETS, bi_published_file, completeness_report, period_reports, working_file
from .definitions import build_definitions
from .history import CheckOutcome, local_instance
from .partitions import ALL, PERIODS, period_range_tags


AFTER_THE_BUILD = [asset.key for asset in (working_file, bi_published_file, completeness_report, period_reports)]


@dataclass
class RunOutcome:
    run_id: str
    success: bool
    checks: list[CheckOutcome] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    materialized: dict[str, dict] = field(default_factory=dict)   # asset key -> its metadata

    @property
    def failed_blocking(self) -> list[CheckOutcome]:
        return [c for c in self.checks if c.blocking and not c.passed]

    @property
    def ok(self) -> bool:
        return self.success and not self.failed_blocking


def run_job(settings: Settings, job_name: str = "warehouse_job", *, instance: DagsterInstance | None = None,
            dbt_vars: dict | None = None, full_refresh: bool = False, only: list[tuple[str, str]] | None = None,
            partition_key: str | None = None, periods: tuple[str, str] | None = None, periods_alone: bool = False,
            dbt_project_dir: Path | None = None, log_file: Path | None = None) -> RunOutcome:
    """Execute one job in this process; dbt's event stream (which dagster-dbt copies to stdout)
    goes to log_file when given. `only` names the dbt relations to rebuild (a changed project):
    those, and what follows the build (the checks, the commit, the BI file, the reports). A job over
    the periods (partitions.PERIODS) runs as partition "all", rebuilding by client, unless `periods` names a range of them
    (first, last), whose rows the per-period models rebuild; `periods_alone`: only those models and
    what reads them, with what follows the build (nothing else changed)."""
    defs = build_definitions(settings, **({"dbt_project_dir": dbt_project_dir} if dbt_project_dir else {}))
    job = defs.resolve_job_def(job_name)
    if periods and periods_alone:
        only = per_period_closure(defs)
    tags = period_range_tags(*periods) if periods else {}
    if job.partitions_def == PERIODS and partition_key is None and not periods:
        partition_key = ALL
    run_config = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}   # the caller reports
    if (dbt_vars or full_refresh) and job_name in ("warehouse_job", "transform_job", "quarterly_job"):
        stage = {"config": {"dbt_vars": dbt_vars or {}, "full_refresh": full_refresh}}
        run_config["ops"] = {"warehouse_models": stage, "mart_models": stage}   # both dbt stages alike
    with contextlib.ExitStack() as stack:
        if log_file is not None:
            log_file.parent.mkdir(parents=True, exist_ok=True)
            stack.enter_context(contextlib.redirect_stdout(stack.enter_context(log_file.open("w", encoding="utf-8"))))
        result = job.execute_in_process(
            run_config=run_config, instance=instance or local_instance(settings),
            partition_key=partition_key, tags=tags, raise_on_error=False,
            asset_selection=None if only is None else [
                *(AssetKey(list(relation)) for relation in only),
                *AFTER_THE_BUILD],
        )
    checks = [CheckOutcome.of(e) for e in result.get_asset_check_evaluations()]
    failures = [f"{e.step_key}: {root_cause(e.event_specific_data.error)}"
                for e in result.all_events if e.is_step_failure]
    materialized = {"/".join(e.asset_key.path): dict(e.materialization.metadata)
                    for e in result.get_asset_materialization_events()}
    return RunOutcome(result.run_id, result.success, checks, failures, materialized)


def per_period_closure(defs) -> list[tuple[str, ...]]:
    """The per-period dbt models (dbt tag per_period) and the models and enrichment tables that
    read them: what rebuilding some periods touches before the commit."""
    graph = defs.resolve_asset_graph()
    models = {key for assets in DBT_ASSETS for key in assets.keys}
    reached = AssetSelection.tag("per_period", "").downstream().resolve(graph)
    return sorted(tuple(key.path) for key in reached if key in models)


def root_cause(error) -> str:
    """The first line of the innermost error, without its class path: what a person needs."""
    while error.cause is not None:
        error = error.cause
    if error.cls_name == "DagsterExecutionInterruptedError":    # Ctrl-C, or the run was terminated
        return "interrupted"
    first_line = error.message.strip().splitlines()[0] if error.message.strip() else error.cls_name
    return re.sub(r"^[\w.]+(Error|Exception|Unavailable|Failure): ", "", first_line)
