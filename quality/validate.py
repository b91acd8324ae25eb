"""Run the suites: each relation read once from DuckDB into a frame, validated by Great
Expectations' pandas datasource (its SQL datasource over duckdb-engine fails with duckdb 2.0,
GE issues 10738 and 11579), results stored and Data Docs built as static HTML that renders with
no network (offline_docs)."""
from __future__ import annotations

import contextlib
import logging
import threading
import warnings
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import duckdb

from .offline_docs import make_offline
from .suites import Suite, suites

DATASOURCE = "chaxin"
SAMPLE_SIZE = 5
INDEX_LIMIT = 500   # validations on the Data Docs' index: the latest ~45 runs (11 suites each)


@dataclass(frozen=True)
class Failure:
    expectation: str
    column: str | None
    sample: list                      # a few offending values
    unexpected_percent: float | None


@dataclass
class SuiteOutcome:
    suite: Suite
    n_rows: int
    failures: dict[str, list[Failure]] = field(default_factory=dict)   # severity -> failed expectations

    def passed(self, severity: str) -> bool:
        return not self.failures.get(severity)


def preload() -> None:
    """Import Great Expectations (3 s) in a background thread. Ingest calls this as it starts: its reading
    and DuckDB's work leave the interpreter mostly free, and the raw checks that follow then find GE imported
    (an import that is still going when they start is waited for by Python's own import lock)."""
    def load() -> None:
        import great_expectations  # noqa: F401

    threading.Thread(target=load, name="import great_expectations", daemon=True).start()


def read_frame(con: duckdb.DuckDBPyConnection, sql: str):
    """The query's rows as the frame Great Expectations validates fastest. Through Arrow: DuckDB's own
    conversion (.df()) turns text into Python strings that pandas then turns back into Arrow (2.2 s
    against 0.3 s for a million raw commissions). Dates at pandas' nanosecond unit where their values
    allow it (years 1678 to 2261): GE compares only nanosecond datetimes column-wise, and any other unit
    with a Python call per value (ColumnValuesBetween._pandas: 12.7 s of the 13.6 s GE took over the
    staging suites at 1 M commissions)."""
    import pandas as pd

    frame = con.sql(sql).to_arrow_table().to_pandas(date_as_object=False)
    for column in frame.select_dtypes("datetime64").columns:
        with contextlib.suppress(pd.errors.OutOfBoundsDatetime):   # e.g. a year 9999 typed in: slow, still checked
            frame[column] = frame[column].dt.as_unit("ns")
    return frame


def _nothing_to_validate(con: duckdb.DuckDBPyConnection, chosen: list[Suite], after_load: int | None) -> bool:
    """No suite has a row to validate, and every column a suite expects is there: then every
    expectation holds, as GE finds on no rows, and GE (3-4 s to import) is not needed. An ingest
    that found nothing new, or a run that only rebuilds models, is such a case."""
    for suite in chosen:
        read = con.execute(f"select * from ({suite.rows_after(after_load)}) limit 1")
        if read.fetchall():
            return False
        columns = {column for column, *_ in read.description}
        if any(e.kind == "ExpectColumnToExist" and e.column not in columns for e in suite.expectations):
            return False
    return True


def _context(root: Path):
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    root.mkdir(parents=True, exist_ok=True)
    context = gx.get_context(mode="file", project_root_dir=str(root))
    context.variables.progress_bars = ProgressBarsConfig(globally=False)   # no bars in CLI output
    # the index reads every validation it lists: the latest ones, not all a station ever ran
    sites = context.variables.data_docs_sites
    sites["local_site"]["site_index_builder"]["validation_results_limit"] = INDEX_LIMIT
    context.variables.data_docs_sites = sites
    context.variables.save()
    return context


def validate(con: duckdb.DuckDBPyConnection, root: Path, names: set[str] | None = None,
             after_load: int | None = None) -> tuple[list[SuiteOutcome], Path | None]:
    """Validate every suite (or those named) on the rows of loads after `after_load` (None: all
    rows); returns the outcomes and the Data Docs index (None: no rows to validate, no new pages).
    GE's objects are made afresh each time: GE binds an expectation object to the first suite it joins."""
    chosen = [s for s in suites() if names is None or s.name in names]
    if _nothing_to_validate(con, chosen, after_load):
        return [SuiteOutcome(suite, 0) for suite in chosen], None
    import great_expectations as gx
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.resource_identifiers import ExpectationSuiteIdentifier
    from great_expectations.execution_engine import pandas_execution_engine

    # GE labels every frame under this many bytes with an md5 of pandas' hash of all its rows, a batch
    # marker nothing here reads: at 1 M commissions 2.1 of the raw checks' 3.5 s. 0 leaves it out.
    pandas_execution_engine.HASH_THRESHOLD = 0
    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", module="great_expectations")
    context = _context(root)
    datasource = context.data_sources.add_or_update_pandas(DATASOURCE)
    outcomes, suite_keys, run_id = [], [], RunIdentifier(run_time=datetime.now(timezone.utc))   # one for this call
    for suite in chosen:
        frame = read_frame(con, suite.rows_after(after_load))
        name = suite.name.replace("/", ".")
        suite_keys.append(ExpectationSuiteIdentifier(name=name))
        try:
            asset = datasource.get_asset(name)
        except LookupError:
            asset = datasource.add_dataframe_asset(name)
        batch = next(iter(asset.batch_definitions), None) or asset.add_batch_definition_whole_dataframe("all")
        expectation_suite = context.suites.add_or_update(
            gx.ExpectationSuite(name=name, expectations=[e.to_gx() for e in suite.expectations]))
        definition = context.validation_definitions.add_or_update(
            gx.ValidationDefinition(name=name, data=batch, suite=expectation_suite))
        try:
            result = definition.run(batch_parameters={"dataframe": frame}, result_format="BASIC", run_id=run_id)
        finally:
            # GE's engine keeps every batch's frame until the process ends, and a run's dbt stages then
            # build beside them (0.4 GB at 1 M commissions): the result is all that is needed of it
            batches = datasource.get_execution_engine().batch_manager
            batches.reset_batch_cache()
            batches.batch_data_cache.clear()
        outcome = SuiteOutcome(suite, len(frame))
        for item in result.results:
            if item.success:
                continue
            config = item.expectation_config
            severity = config.severity.value if hasattr(config.severity, "value") else str(config.severity)
            error = (item.exception_info or {}).get("exception_message")
            sample = [f"error: {error}"] if error else list(item.result.get("partial_unexpected_list", []))
            outcome.failures.setdefault(severity, []).append(Failure(
                config.type, config.kwargs.get("column"), sample[:SAMPLE_SIZE], item.result.get("unexpected_percent")))
        outcomes.append(outcome)
    # only this call's pages (and its suites'): by default GE renders again every result it ever stored,
    # a cost that grows with every run
    docs = context.build_data_docs(resource_identifiers=[
        *(key for key in context.validation_results_store.list_keys() if key.run_id == run_id),
        *suite_keys])
    index = Path(docs["local_site"].removeprefix("file://"))
    make_offline(index.parent)     # GE's pages load their CSS and JS from CDNs
    return outcomes, index
