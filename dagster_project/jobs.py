"""What can be run: everything (over every period, or a range of them), ingest alone, dbt alone, the
closed quarter, and a quarter's review."""
from dagster import AssetSelection, define_asset_job

from .assets import DBT_ASSETS, REVIEWS, WAREHOUSE_ASSETS, raw_families, working_file
from .partitions import PERIODS

# The per-period dbt models are partitioned by period (partitions.PERIODS), so the jobs that build
# them are too: a run covers a range of periods (runner.py: every period unless asked otherwise).
warehouse_job = define_asset_job(
    "warehouse_job", selection=AssetSelection.assets(*WAREHOUSE_ASSETS), partitions_def=PERIODS,
    description="Ingest the inbox, build and test the warehouse, publish the BI file. Launched over a "
                "range of periods, it rebuilds those periods' rows of the per-period models.")
ingest_job = define_asset_job("ingest_job", selection=AssetSelection.assets(raw_families, working_file),
                              description="Load new inbox files into raw only.")
transform_job = define_asset_job("transform_job", selection=AssetSelection.assets(*DBT_ASSETS, working_file),
                                 partitions_def=PERIODS, description="dbt build only (after an ingest).")
quarterly_job = define_asset_job(
    "quarterly_job", selection=AssetSelection.assets(*WAREHOUSE_ASSETS), partitions_def=PERIODS,
    description="The warehouse job over a closed quarter's periods: the quarter up to its Five-Year Plan.")
quarter_review_job = define_asset_job(
    "quarter_review_job", selection=AssetSelection.assets(REVIEWS["quarter"]),
    description="The review of one quarter (after the quarterly run).")

JOBS = [warehouse_job, ingest_job, transform_job, quarterly_job, quarter_review_job]
