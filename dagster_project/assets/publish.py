"""The last asset: the PII-free BI file, replaced atomically after a successful build."""

from dagster import AssetExecutionContext, MaterializeResult, MetadataValue, asset

from warehouse.publish import publish_bi_file

from ..checks import CHECKS
from ..metadata import markdown_table
from ..resources import WAREHOUSE_POOL, WarehouseResource
from .dbt import warehouse_models

BI_VIEW_KEYS = [key for key in warehouse_models.keys if key.path[0] == "bi"]
# Dagster makes an asset wait for the blocking checks of its direct parents only: depending on
# every asset that has one (beyond the dbt tests, which fail the dbt step itself) is what keeps
# a wrong result out of the BI file.
GATED_KEYS = sorted({spec.asset_key for check in CHECKS for spec in check.check_specs if spec.blocking},
                    key=lambda key: key.to_user_string())


@asset(key=["bi", "published_file"], group_name="bi", deps=[*BI_VIEW_KEYS, *GATED_KEYS], kinds={"duckdb"},
       pool=WAREHOUSE_POOL)
def bi_published_file(context: AssetExecutionContext, warehouse: WarehouseResource) -> MaterializeResult:
    """The bi views as tables in CHAXIN_BI, written to a temporary name and renamed into place;
    runs only when dbt build and every blocking check upstream passed."""
    counts = publish_bi_file(warehouse.settings.warehouse, warehouse.settings.bi)
    return MaterializeResult(metadata={
        "path": MetadataValue.path(str(warehouse.settings.bi)),
        "dagster/row_count": MetadataValue.int(sum(counts.values())),
        "tables": MetadataValue.md(markdown_table(["table", "rows"], sorted(counts.items()))),
    })
