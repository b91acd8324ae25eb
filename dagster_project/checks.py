"""Great Expectations as asset checks, beside the dbt tests (which dagster-dbt turns into checks of
their own and which own the keys, grains and the marts' invariants)."""

from dagster import (AssetCheckExecutionContext, AssetCheckResult, AssetCheckSeverity, AssetCheckSpec, MetadataValue,
                     multi_asset_check)

from quality import suites, validate

from .metadata import markdown_table
from .progress import step
from .resources import WarehouseResource

# Each suite becomes up to two checks on its relation's asset: the critical expectations (a wrong
# result: blocking) and the warning ones (a data gap in what the station sent: non-blocking).
GX_CHECKS = {"critical": "expectations", "warning": "expectation_warnings"}


def suites_check(name: str, selected: list, description: str):
    """One multi-asset check running the selected suites in one pass (each relation read once)."""
    specs = [AssetCheckSpec(GX_CHECKS[severity], asset=suite.asset_path, blocking=severity == "critical",
                            description=f"Great Expectations suite {suite.name}: its {severity} expectations")
             for suite in selected for severity in GX_CHECKS if severity in suite.severities]

    @multi_asset_check(specs=specs, name=name, description=description)
    def check(context: AssetCheckExecutionContext, warehouse: WarehouseResource):
        after_load = warehouse.validation_scope()
        relations = [".".join(suite.asset_path) for suite in selected]
        # the rows of the new loads only, on the server (where they are copied from) as in validate
        where = {relation: f"_load_id > {after_load}" for relation in relations} if after_load is not None else None
        with step(f"checks {name}", context) as progress, warehouse.reading(relations, where) as con:
            outcomes, docs = validate(con, warehouse.settings.quality_dir, {suite.name for suite in selected},
                                      after_load)
            failed = [o.suite.name for o in outcomes if o.failures]
            scope = "every row" if after_load is None else f"the rows of loads after {after_load}"
            progress.summary = (f"{len(outcomes)} suites on {scope} "
                                f"({sum(o.n_rows for o in outcomes):,} rows), {len(failed)} with failures")
        for outcome in outcomes:
            for severity, check_name in GX_CHECKS.items():
                if severity not in outcome.suite.severities:
                    continue
                failures = outcome.failures.get(severity, [])
                yield AssetCheckResult(
                    asset_key=outcome.suite.asset_path, check_name=check_name, passed=not failures,
                    severity=AssetCheckSeverity.ERROR if severity == "critical" else AssetCheckSeverity.WARN,
                    metadata={
                        "rows validated": MetadataValue.int(outcome.n_rows),
                        "failed expectations": MetadataValue.md(markdown_table(
                            ["expectation", "column", "unexpected %", "sample of offending values"],
                            [(f.expectation, f.column, f"{f.unexpected_percent or 0:.2f}", f.sample)
                             for f in failures])),
                        "failures": MetadataValue.json([
                            {"expectation": f.expectation, "column": f.column, "sample": [str(v) for v in f.sample]}
                            for f in failures]),
                        **({"data docs": MetadataValue.path(str(docs))} if docs else {}),
                    },
                )

    return check


# Raw suites run right after ingest, so that a blocking one stops dbt; the rest after dbt.
raw_expectations = suites_check(
    "raw_expectations", [s for s in suites() if s.asset_path[0] == "raw"],
    "Great Expectations on the raw tables: required columns, non-null keys, the words of each classification.")
warehouse_expectations = suites_check(
    "warehouse_expectations", [s for s in suites() if s.asset_path[0] != "raw"],
    "Great Expectations on staging: the typed values of what the station sent (dates, fees, ratings).")


CHECKS = [raw_expectations, warehouse_expectations]
