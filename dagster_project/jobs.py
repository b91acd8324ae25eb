"""What can be run: everything unpartitioned, ingest alone, dbt alone, and a quarter with its review."""
from dagster import AssetSelection, define_asset_job

from .assets import DBT_ASSETS, REVIEWS, WAREHOUSE_ASSETS, raw_families, working_file
from .partitions import PARTITIONS

warehouse_job = define_asset_job(
    "warehouse_job", selection=AssetSelection.assets(*WAREHOUSE_ASSETS),
    description="Ingest the inbox, build and test the warehouse, publish the BI file.")
ingest_job = define_asset_job("ingest_job", selection=AssetSelection.assets(raw_families, working_file),
                              description="Load new inbox files into raw only.")
transform_job = define_asset_job("transform_job", selection=AssetSelection.assets(*DBT_ASSETS, working_file),
                                 description="dbt build only (after an ingest).")
quarterly_job = define_asset_job(
    "quarterly_job", selection=AssetSelection.assets(*WAREHOUSE_ASSETS, REVIEWS["quarter"]),
    partitions_def=PARTITIONS["quarter"],
    description="The warehouse job plus the review of one quarter.")

JOBS = [warehouse_job, ingest_job, transform_job, quarterly_job]
