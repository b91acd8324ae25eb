"""inbox -> raw: one asset per input family, all loaded by one pass over the inbox."""

from dagster import AssetExecutionContext, AssetKey, AssetSpec, MaterializeResult, MetadataValue, multi_asset

from ingest import FAMILIES, ingest_inbox

from ..metadata import markdown_table, relation_metadata
from ..resources import WAREHOUSE_POOL, WarehouseResource

RAW_KEYS = {family.name: AssetKey(["raw", family.name]) for family in FAMILIES}


@multi_asset(
    specs=[AssetSpec(key, group_name="raw", kinds={"duckdb", "python"},
                     description=f"{name}: the inbox's {name} files, every value as text found")
           for name, key in RAW_KEYS.items()],
    pool=WAREHOUSE_POOL,
)
def raw_families(context: AssetExecutionContext, warehouse: WarehouseResource):
    """Ingest every new inbox file (SPEC §2): family by header, one transaction per file."""
    with warehouse.connection() as con:
        results = ingest_inbox(con, warehouse.inbox_path,
                               on_file=lambda r: context.log.info(f"{r.file}: {r.status} {r.reason or ''}"))
        familyless = [(r.file, r.status, r.reason) for r in results if r.family is None and r.status != "unchanged"]
        for name, key in RAW_KEYS.items():
            mine = [r for r in results if r.family == name]
            metadata = relation_metadata(con, f"raw.{name}")
            metadata["rows loaded by this run"] = MetadataValue.int(sum(r.rows for r in mine if r.status == "loaded"))
            metadata["files this run"] = MetadataValue.md(markdown_table(
                ["file", "status", "rows", "reason"], [(r.file, r.status, r.rows, r.reason) for r in mine]))
            if name == "commissions":   # a file of no family or a duplicate is shown once, here
                metadata["files rejected or skipped with no family"] = MetadataValue.md(
                    markdown_table(["file", "status", "reason"], familyless))
            yield MaterializeResult(asset_key=key, metadata=metadata)
