"""Period reviews, one asset per grain partitioned by its periods: what a person checks for a
quarter, a year or a Five-Year Plan. They read the published BI file, never the working one, so
a review never waits for (or blocks) the writer."""

from dagster import AssetExecutionContext, MaterializeResult, MetadataValue, asset

from reports.period_report import write_period_report
from reports.service_lists import write_action_list
from warehouse.reading import published_file, read_published
from warehouse.periods import parse_period_key

from ..metadata import query_markdown
from ..partitions import PARTITIONS
from ..resources import WarehouseResource
from .publish import bi_published_file

QUERIES = {
    "tiers": """select tier, n_clients from bi_mart_tier_summary
                where grain = ? and period_key = ? order by n_clients desc""",
    "transitions": """select previous_tier, tier, transition, count(*) as n_clients from bi_fct_client_period
                      where grain = ? and period_key = ? and tier is not null group by all order by all""",
    "source mix": """select nature, n_clients, round(client_share, 3) as client_share, n_commissions
                     from bi_mart_source_mix where grain = ? and period_key = ? order by n_clients desc""",
    "satisfaction": """select round(csat, 3) as csat, round(nps, 1) as nps, n_responses, n_feedback
                       from bi_mart_satisfaction where grain = ? and period_key = ?""",
    "top value clients": """select value_rank, display_name, monetary_value, n_referrals, has_latent_demand
                            from bi_mart_value_clients join bi_dim_client using (client_id)
                            where grain = ? and period_key = ? and is_value_client
                            order by value_rank limit 10""",
}


def review_asset(grain: str):
    written = "the action list XLSX for service staff" if grain == "quarter" else "the HTML period report"

    @asset(key=["reviews", grain], group_name="reviews", partitions_def=PARTITIONS[grain],
           deps=[bi_published_file], kinds={"duckdb"},
           description=f"The {grain} review: tiers, transitions, source mix, satisfaction and value "
                       f"clients of one period, read from the published BI file; writes {written}.")
    def review(context: AssetExecutionContext, warehouse: WarehouseResource) -> MaterializeResult:
        key = context.partition_key
        _, start, end = parse_period_key(key)
        with read_published(warehouse.settings) as con:
            n_clients = con.execute("select count(*) from bi_fct_client_period where grain = ? and period_key = ?",
                                    [grain, key]).fetchall()[0][0]
            metadata = {title: query_markdown(con, sql, [grain, key]) for title, sql in QUERIES.items()}
            if grain == "quarter":
                path = warehouse.settings.reports_dir / f"actions_{key}.xlsx"
                write_action_list(con, key, path)
        if grain != "quarter":
            with published_file(warehouse.settings) as bi:
                path = write_period_report(bi, key, warehouse.settings.reports_dir)
        metadata["file"] = MetadataValue.path(str(path))
        metadata["window"] = MetadataValue.text(f"{start} to {end}")
        metadata["dagster/row_count"] = MetadataValue.int(n_clients)
        return MaterializeResult(metadata=metadata)

    review.__name__ = f"{grain}_review"
    return review


REVIEWS = {grain: review_asset(grain) for grain in PARTITIONS}
