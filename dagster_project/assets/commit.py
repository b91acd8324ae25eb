"""The run's writes made visible together: its copy of the working file renamed into place."""

from dagster import AssetExecutionContext, MaterializeResult, MetadataValue, asset

from warehouse.catalog import rows_per_schema

from ..checks import CHECKS
from ..metadata import markdown_table
from ..progress import step
from ..resources import WarehouseResource
from .dbt import mart_models, warehouse_models
from .enrichment import ENRICHMENT_ASSETS
from .raw import LEDGER_KEY, RAW_KEYS

# Dagster makes an asset wait for the blocking checks of its direct parents only: depending on
# every asset that has one (beyond the dbt tests, which fail the dbt step itself) is what keeps a
# wrong result out of the working file, and so out of the BI file.
GATED_KEYS = sorted({spec.asset_key for check in CHECKS for spec in check.check_specs if spec.blocking},
                    key=lambda key: key.to_user_string())


@asset(key=["warehouse", "working_file"], group_name="warehouse", kinds={"duckdb"},
       deps=[*RAW_KEYS.values(), LEDGER_KEY, *warehouse_models.keys, *mart_models.keys,
             *(a.key for a in ENRICHMENT_ASSETS), *GATED_KEYS])
def working_file(context: AssetExecutionContext, warehouse: WarehouseResource) -> MaterializeResult:
    """CHAXIN_WAREHOUSE after this run: the run's copy, written by ingest and dbt and passed by every
    blocking check, renamed over the working file in one step (SPEC §8: a run killed anywhere
    leaves raw and the marts as they were before it, or as after it). On the station server: the
    record of the build, written on the server (warehouse/postgres_state.py)."""
    with step("commit", context) as progress:
        committed = warehouse.commit()
        progress.summary = "the run's build is committed" if committed else "nothing written"
    path = warehouse.settings.warehouse
    with warehouse.catalog(read_only=True) as con:
        schemas = rows_per_schema(con)
    where = ({"server": MetadataValue.text(warehouse.settings.postgres_url.split("@")[-1])} if warehouse.on_server else
             {"path": MetadataValue.path(str(path)), "size (MB)": MetadataValue.float(round(path.stat().st_size / 1e6, 1))})
    return MaterializeResult(metadata={
        "dagster/row_count": MetadataValue.int(sum(int(n_rows or 0) for *_, n_rows in schemas)),
        "preview": MetadataValue.md(markdown_table(["schema", "tables", "rows"], schemas)),
        **where,
        "committed by this run": MetadataValue.bool(committed),
    })
