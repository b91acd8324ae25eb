"""Every asset, in the order the data walks: raw -> dbt layers -> the BI file -> reports, reviews."""
from .commit import working_file
from .dbt import mart_models, warehouse_models
from .enrichment import ENRICHMENT_ASSETS
from .publish import bi_published_file
from .raw import RAW_KEYS, raw_families
from .reports import completeness_report, period_reports
from .reviews import REVIEWS

DBT_ASSETS = [warehouse_models, *ENRICHMENT_ASSETS, mart_models]   # stage 1, the enrichment tables, stage 2
WAREHOUSE_ASSETS = [raw_families, *DBT_ASSETS, working_file, bi_published_file, completeness_report, period_reports]
ASSETS = [*WAREHOUSE_ASSETS, *REVIEWS.values()]

__all__ = ["ASSETS", "DBT_ASSETS", "ENRICHMENT_ASSETS", "mart_models", "RAW_KEYS", "REVIEWS", "WAREHOUSE_ASSETS", "bi_published_file", "completeness_report", "period_reports",
           "raw_families", "warehouse_models", "working_file"]
