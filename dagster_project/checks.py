"""Asset checks beyond the dbt tests (which dagster-dbt turns into checks of their own)."""

from dagster import AssetCheckResult, AssetCheckSeverity, MetadataValue, asset_check

from .metadata import markdown_table
from .resources import WAREHOUSE_POOL, WarehouseResource


@asset_check(asset=["marts", "mart_tier_summary"], blocking=True, pool=WAREHOUSE_POOL,
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


CHECKS = [tiers_count_the_complete_enterprises]
