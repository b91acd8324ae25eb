"""The PII-free BI file, replaced atomically after the run's writes were committed."""

from dagster import AssetExecutionContext, MaterializeResult, MetadataValue, asset

from ..metadata import markdown_table
from ..progress import step
from ..resources import WarehouseResource
from .commit import working_file
from .dbt import mart_models, warehouse_models

BI_VIEW_KEYS = [key for key in [*warehouse_models.keys, *mart_models.keys] if key.path[0] == "bi"]


@asset(key=["bi", "published_file"], group_name="bi", deps=[working_file, *BI_VIEW_KEYS], kinds={"duckdb"})
def bi_published_file(context: AssetExecutionContext, warehouse: WarehouseResource) -> MaterializeResult:
    """The bi views as tables in CHAXIN_BI, written to a temporary name and renamed into place;
    runs only when the run's build passed every blocking check and was committed. On the station
    server: bi_building swapped in as the schema bi, in one transaction (warehouse/postgres_publish.py)."""
    with step("publish the BI file", context) as progress:
        counts, where = warehouse.publish(context)
        progress.summary = f"{len(counts)} tables, {sum(counts.values()):,} rows"
    return MaterializeResult(metadata={
        "path": MetadataValue.path(where),
        "dagster/row_count": MetadataValue.int(sum(counts.values())),
        "tables": MetadataValue.md(markdown_table(["table", "rows"], sorted(counts.items()))),
    })
