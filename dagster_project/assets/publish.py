"""The last asset: the PII-free BI file, replaced atomically after a successful build."""

from dagster import AssetExecutionContext, MaterializeResult, MetadataValue, asset

from warehouse.publish import publish_bi_file

from ..metadata import markdown_table
from ..resources import WAREHOUSE_POOL, WarehouseResource
from .dbt import warehouse_models

BI_VIEW_KEYS = [key for key in warehouse_models.keys if key.path[0] == "bi"]


@asset(key=["bi", "published_file"], group_name="bi", deps=BI_VIEW_KEYS, kinds={"duckdb"}, pool=WAREHOUSE_POOL)
def bi_published_file(context: AssetExecutionContext, warehouse: WarehouseResource) -> MaterializeResult:
    """The bi views as tables in CHAXIN_BI, written to a temporary name and renamed into place;
    runs only when dbt build and every blocking check upstream passed."""
    counts = publish_bi_file(warehouse.warehouse_path, warehouse.bi_path)
    return MaterializeResult(metadata={
        "path": MetadataValue.path(str(warehouse.bi_path)),
        "dagster/row_count": MetadataValue.int(sum(counts.values())),
        "tables": MetadataValue.md(markdown_table(["table", "rows"], sorted(counts.items()))),
    })
