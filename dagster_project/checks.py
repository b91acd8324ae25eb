"""Asset checks beyond the dbt tests (which dagster-dbt turns into checks of their own)."""

from dagster import (AssetCheckExecutionContext, AssetCheckResult, AssetCheckSeverity, AssetCheckSpec, MetadataValue,
                     asset_check, multi_asset_check)

from quality import suites, validate

from .metadata import markdown_table
from .progress import step
from .resources import WarehouseResource

# Each suite becomes up to two checks on its relation's asset: the critical expectations (a wrong
# result: blocking) and the warning ones (a data gap in what the station sent: non-blocking).
GX_CHECKS = {"critical": "expectations", "warning": "expectation_warnings"}


def _severity(expectation) -> str:
    return str(getattr(expectation.severity, "value", expectation.severity))


def suites_check(name: str, selected: list, description: str):
    """One multi-asset check running the selected suites in one pass (each relation read once)."""
    specs = [AssetCheckSpec(GX_CHECKS[severity], asset=suite.asset_path, blocking=severity == "critical",
                            description=f"Great Expectations suite {suite.name}: its {severity} expectations")
             for suite in selected for severity in GX_CHECKS
             if any(_severity(e) == severity for e in suite.expectations)]

    @multi_asset_check(specs=specs, name=name, description=description)
    def check(context: AssetCheckExecutionContext, warehouse: WarehouseResource):
        with step(f"checks {name}", context) as progress, warehouse.connection(read_only=True) as con:
            outcomes, docs = validate(con, warehouse.settings.quality_dir, {suite.name for suite in selected})
            failed = [o.suite.name for o in outcomes if o.failures]
            progress.summary = f"{len(outcomes)} suites, {len(failed)} with failures"
        for outcome in outcomes:
            for severity, check_name in GX_CHECKS.items():
                if not any(_severity(e) == severity for e in outcome.suite.expectations):
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
                        "data docs": MetadataValue.path(str(docs)),
                    },
                )

    return check


# Raw suites run right after ingest, so that a blocking one stops dbt; the rest after dbt.
raw_expectations = suites_check(
    "raw_expectations", [s for s in suites() if s.asset_path[0] == "raw"],
    "Great Expectations on the raw tables: required columns, non-null keys, the words of each classification.")
warehouse_expectations = suites_check(
    "warehouse_expectations", [s for s in suites() if s.asset_path[0] != "raw"],
    "Great Expectations on staging and the marts: ranges, key uniqueness, the marts' invariants.")


@asset_check(asset=["marts", "mart_tier_summary"], blocking=True,
             description="The paper's filter: per period, the tiers count exactly the complete enterprise "
                         "clients with commissions (SPEC §5, paper §3.1: 315 for 2006-2010).")
def tiers_count_the_complete_enterprises(warehouse: WarehouseResource) -> AssetCheckResult:
    with warehouse.connection(read_only=True) as con:
        mismatches = con.execute("""
            with tiered as (select grain, period_key, sum(n_clients) as n_tiered
                            from marts.mart_tier_summary group by all),
            complete as (select grain, period_key, count(*) filter (where is_complete) as n_complete
                         from marts.fct_client_period where nature = 'enterprise' group by all)
            select grain, period_key, n_tiered, n_complete
            from tiered full join complete using (grain, period_key)
            where coalesce(n_tiered, 0) <> coalesce(n_complete, 0)
        """).fetchall()
        gaps = con.execute("""
            select period_key, count(*) filter (where is_complete) as complete,
                   count(*) filter (where not is_complete) as incomplete,
                   count(*) filter (where missing_attributes like '%rd_profile%') as no_rd_profile,
                   count(*) filter (where missing_attributes like '%email/phone%') as no_contact
            from marts.fct_client_period
            where grain = 'five_year' and nature = 'enterprise'
            group by all order by all
        """).fetchall()
    return AssetCheckResult(
        passed=not mismatches,
        severity=AssetCheckSeverity.ERROR,
        metadata={
            "mismatched periods": MetadataValue.int(len(mismatches)),
            "enterprise clients per five-year plan": MetadataValue.md(markdown_table(
                ["period", "complete", "incomplete", "no R&D profile", "no valid contact"], gaps)),
        },
    )


CHECKS = [tiers_count_the_complete_enterprises, raw_expectations, warehouse_expectations]
