"""`dbt build` in the run's own process (dbt's dbtRunner), its results as Dagster events.

dagster-dbt's DbtCliResource starts a dbt process per invocation: each pays dbt's imports and a parse
of the project (5-6 s on this machine), twice per run (the two dbt stages). Here the run parses the
project once (partial parsing, in the warehouse's target folder) and both stages build from that
manifest. Ingest starts that parse in a background thread (`parse_ahead`): it needs only the project
and the run's arguments, not the data, and the files' reading leaves the interpreter mostly free.
dagster-dbt still selects the nodes of the assets a run materializes and turns dbt's
result events into outputs and asset checks, as it does for its own invocations."""
from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path

from dagster import AssetExecutionContext, AssetKey, ConfigurableResource
from dagster_dbt import DagsterDbtTranslator
from dagster_dbt.asset_utils import get_updated_cli_invocation_params_for_context
from dagster_dbt.core.dbt_cli_event import DbtCoreCliEventMessage
from dbt_common.events.functions import msg_to_dict
from pydantic import PrivateAttr

from chaxin.settings import duckdb_memory_limit
from warehouse.dbt_project import invoke_dbt

RESULTS = {"LogSeedResult", "LogModelResult", "LogSnapshotResult", "LogTestResult"}   # dagster-dbt's
BUILT = {"LogSeedResult", "LogModelResult", "LogSnapshotResult"}


@dataclass
class DbtBuild:
    """What one invocation did: its Dagster events (outputs, check results), whether it succeeded,
    and dbt's first error message when it did not."""
    events: list = field(default_factory=list)
    successful: bool = False
    error: str | None = None


class InProcessDbt(ConfigurableResource):
    """The dbt project the assets build, run inside the run's process."""

    project_dir: str
    profiles_dir: str
    _parsed: dict = PrivateAttr(default_factory=dict)   # the parse's arguments -> Future of dbt's parse result

    def build(self, context: AssetExecutionContext, project_args: list[str], build_args: list[str],
              target_path: Path, on_built: Callable[[AssetKey], None] = lambda key: None) -> DbtBuild:
        """`dbt build` of the nodes of the assets this step materializes, with project_args (the target
        and --vars, which decide the parse) and build_args; on_built is called as each model or seed
        is built (from dbt's threads)."""
        params = get_updated_cli_invocation_params_for_context(
            context=context, manifest={}, dagster_dbt_translator=DagsterDbtTranslator())
        common = self._common(project_args, target_path)
        build = DbtBuild()
        manifest = self._manifest(common, build)
        if manifest is None:
            return build

        results, lock = [], threading.Lock()

        def on_event(message) -> None:
            name = message.info.name
            if message.info.level == "error" and build.error is None:
                build.error = message.info.msg
            if name in RESULTS:
                node = params.manifest["nodes"].get(message.data.node_info.unique_id)
                with lock:
                    results.append(msg_to_dict(message))
                    if name in BUILT and node is not None:
                        on_built(params.dagster_dbt_translator.get_asset_key(node))

        indirect = ["--indirect-selection", params.indirect_selection] if params.indirect_selection else []
        result = invoke_dbt(["build", *common, *build_args, *params.selection_args, *indirect],
                            manifest=manifest, callbacks=[on_event])
        for raw in results:
            build.events.extend(DbtCoreCliEventMessage(raw_event=raw, event_history_metadata={}).to_default_asset_events(
                manifest=params.manifest, dagster_dbt_translator=params.dagster_dbt_translator, context=context,
                target_path=target_path))
        build.successful = result.success
        if not result.success and build.error is None:
            build.error = str(result.exception or "see the failed checks")
        if not result.success and any("Out of Memory Error" in (node.message or "")
                                      for node in getattr(result.result, "results", ())):
            build.error = (f"DuckDB needed more than its memory limit, CHAXIN_MEMORY_LIMIT={duckdb_memory_limit()}: "
                           f"raise it and run again ({build.error})")
        return build

    def parse_ahead(self, project_args: list[str], target_path: Path) -> None:
        """Start parsing the project with a coming build's arguments, in a background thread; the build
        takes its manifest (or parses again if its arguments turn out different)."""
        self._parse(self._common(project_args, target_path), background=True)

    def _common(self, project_args: list[str], target_path: Path) -> list[str]:
        return ["--project-dir", self.project_dir, "--profiles-dir", self.profiles_dir, "--target-path",
                str(target_path), "--log-path", str(target_path), "--no-use-colors", *project_args]

    def _manifest(self, common: list[str], build: DbtBuild):
        """The project parsed with these arguments (once per run: both stages pass the same), else
        None with the parse's error in build."""
        result = self._parse(common).result()     # raises what the parse raised (an interrupt)
        if not result.success:
            del self._parsed[tuple(common)]       # a later build parses again
            build.error = str(result.exception or "dbt parse failed")
            return None
        return result.result

    def _parse(self, common: list[str], background: bool = False) -> Future:
        """The parse with these arguments: the one started already, else one started now, here or in
        a background thread."""
        key = tuple(common)
        if key not in self._parsed:
            self._parsed[key] = future = Future()
            if background:
                threading.Thread(target=_parse_into, args=(common, future), name="dbt parse", daemon=True).start()
            else:
                _parse_into(common, future)
        return self._parsed[key]


def _parse_into(common: list[str], future: Future) -> None:
    try:
        future.set_result(invoke_dbt(["parse", *common]))
    except BaseException as error:   # an interrupt in dbt: the build that waits for it raises it
        future.set_exception(error)
